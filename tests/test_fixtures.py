"""The golden fixtures (fixtures/golden, fixtures/invalid), checked three ways.

(a) Every fixture file is valid against fixtures/fixture.schema.json (jsonschema and the
    check-jsonschema CLI) and internally consistent.
(b) The check-jsonschema CLI, run with the published schema of each dialect
    (schema/<crate>/<revision>/conversation.reader.bundle.json, the reader view bundled with
    its wire view), accepts every
    document that dialect loads and rejects every document it refuses when the case says
    ``schema_can_express``.
(c) The codec agrees: ``loads`` accepts exactly the valid documents, ``dumps`` writes exactly
    the ``canonical`` bytes with ryu floats and the ``canonical_zmij`` ones (where given, else
    ``canonical``) with zmij floats, by default those of the layout the document shows; a
    refused document raises ``ConversationError`` whose problems include the expected message
    index and JSON pointer. Skipped only while the codec's public
    functions do not exist yet (the module behind the lazy attribute is missing); any other
    import error fails.
"""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
FIXTURE_SCHEMA = FIXTURES / "fixture.schema.json"
SCHEMA_DIR = ROOT / "schema"
EXAMPLE = FIXTURES / "examples" / "conversation.json"
CORPUS = FIXTURES / "conformance" / "messages.jsonl.gz"

DIALECTS = (
    "yoagent@0.4",
    "yoagent@0.8",
    "yoagent@0.9",
    "yoagent@0.13",
    "yoagent@0.22",
    "phi-core@0.7",
    "phi-core@0.8",
    "phi-core@0.9",
)
CORPUS_DIALECTS = {
    "yoagent@0.4.0": "yoagent@0.4",
    "yoagent@0.8.0": "yoagent@0.8",
    "yoagent@0.12.0": "yoagent@0.9",
    "yoagent@0.13.0": "yoagent@0.13",
    "yoagent@0.18.0": "yoagent@0.13",
    "phi-core@0.7.0": "phi-core@0.7",
    "phi-core@0.8.0": "phi-core@0.8",
    "phi-core@0.10.0": "phi-core@0.9",
}


def fixture_files() -> list[Path]:
    return sorted((FIXTURES / "golden").glob("*.json")) + sorted(
        (FIXTURES / "invalid").glob("*.json")
    )


def load_fixture(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


def case_id(path: Path, i: int) -> str:
    return f"{path.parent.name}/{path.stem}[{i}]"


def iter_cases() -> Iterator[tuple[str, dict[str, Any]]]:
    for path in fixture_files():
        for i, case in enumerate(load_fixture(path)["cases"]):
            yield case_id(path, i), case


CASES = list(iter_cases())
OUTCOMES = [
    pytest.param(case, dialect, case["expect"][dialect], id=f"{cid}-{dialect}")
    for cid, case in CASES
    for dialect in DIALECTS
    if dialect in case["expect"]
]


def check_jsonschema_cli() -> str:
    exe = Path(sys.executable).with_name("check-jsonschema")
    if exe.exists():
        return str(exe)
    found = shutil.which("check-jsonschema")
    if found is None:
        pytest.fail("check-jsonschema is not installed (pip install -e '.[test]')")
    return found


def run_check_jsonschema(schema: Path, files: list[Path]) -> dict[str, list[str]]:
    """Run the CLI once; return {filename: [error messages]} for the files it rejected."""
    proc = subprocess.run(
        [check_jsonschema_cli(), "--output-format", "json", "--schemafile", str(schema)]
        + [str(f) for f in files],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        pytest.fail(
            f"check-jsonschema gave no JSON report (exit {proc.returncode}):\n"
            f"{proc.stdout}\n{proc.stderr}"
        )
    if report.get("parse_errors"):
        pytest.fail(f"check-jsonschema could not read some inputs: {report['parse_errors']}")
    rejected: dict[str, list[str]] = {}
    for err in report.get("errors", []):
        rejected.setdefault(str(Path(err["filename"]).resolve()), []).append(
            f"{err.get('path')}: {err.get('message')}"
        )
    if proc.returncode not in (0, 1) or (proc.returncode == 1 and not rejected):
        pytest.fail(f"check-jsonschema failed (exit {proc.returncode}):\n{proc.stderr}")
    return rejected


# --------------------------------------------------------------------------- (a) fixture files
def test_fixture_schema_is_a_valid_2020_12_schema() -> None:
    schema = load_fixture(FIXTURE_SCHEMA)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_there_are_fixtures() -> None:
    assert (FIXTURES / "golden").is_dir() and (FIXTURES / "invalid").is_dir()
    assert len(list((FIXTURES / "golden").glob("*.json"))) >= 7
    assert len(list((FIXTURES / "invalid").glob("*.json"))) >= 5


@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture_file_matches_fixture_schema(path: Path) -> None:
    validator = jsonschema.Draft202012Validator(load_fixture(FIXTURE_SCHEMA))
    errors = sorted(validator.iter_errors(load_fixture(path)), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def test_fixture_files_pass_check_jsonschema_cli() -> None:
    rejected = run_check_jsonschema(FIXTURE_SCHEMA, fixture_files())
    assert not rejected, json.dumps(rejected, indent=2)


@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture_file_is_consistent(path: Path) -> None:
    fixture = load_fixture(path)
    golden = path.parent.name == "golden"
    descriptions = [case["description"] for case in fixture["cases"]]
    assert len(set(descriptions)) == len(descriptions), "case descriptions must be unique"
    for i, case in enumerate(fixture["cases"]):
        where = case_id(path, i)
        expect = case["expect"]
        assert set(DIALECTS) <= set(expect), (
            f"{where}: every canonical dialect needs an expectation"
        )
        valid = [d for d, o in expect.items() if o["valid"]]
        if golden:
            assert valid, f"{where}: a golden case must load in some dialect"
        else:
            assert len(valid) < len(expect), f"{where}: an invalid case must fail in some dialect"
        for dialect, outcome in expect.items():
            if outcome["valid"]:
                written = json.loads(outcome["canonical"])
                assert isinstance(written, list), f"{where} {dialect}: canonical is not an array"
                assert "\n" not in outcome["canonical"].replace("\\n", ""), where
                zmij = outcome.get("canonical_zmij")
                # given only where the layouts differ: a float from 1e16 on (`1e16` / `1e+16`)
                assert zmij != outcome["canonical"], f"{where} {dialect}: redundant canonical_zmij"
                if zmij is not None:
                    assert json.loads(zmij) == written, f"{where} {dialect}: not the same values"
            else:
                index, pointer = outcome["index"], outcome["pointer"]
                if index is None:
                    assert pointer == "", f"{where} {dialect}: document-level error with a pointer"
                else:
                    assert pointer.split("/")[1] == str(index), (
                        f"{where} {dialect}: pointer {pointer!r} is not inside message {index}"
                    )
        if case.get("schema_can_express"):
            try:
                json.loads(case["document"])
            except ValueError as exc:
                pytest.fail(f"{where}: schema_can_express but not parseable as JSON: {exc}")


def test_shipped_example_is_the_golden_case() -> None:
    text = EXAMPLE.read_bytes().decode("utf-8")
    (case,) = load_fixture(FIXTURES / "golden" / "shipped-example.json")["cases"]
    assert text == case["document"], "fixtures/examples/conversation.json differs from its fixture"
    assert not text.endswith("\n"), "a canonical document has no trailing newline"
    assert case["expect"]["yoagent@0.13"] == {"valid": True, "canonical": text}
    assert all(case["expect"][d]["valid"] for d in DIALECTS), "the example should load everywhere"


def test_conformance_corpus_copy_is_complete() -> None:
    with gzip.open(CORPUS, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    assert len(rows) == 1200
    assert len({row["id"] for row in rows}) == 1200
    for row in rows:
        assert set(row) >= {"id", "family", "doc", "expect"}
        assert set(row["expect"]) == set(CORPUS_DIALECTS)
        for outcome in row["expect"].values():
            assert ("out" in outcome) if outcome["ok"] else ("error" in outcome)


# --------------------------------------------------------------------------- (b) published schemas
def schema_path(dialect: str) -> Path:
    """The reader view as users get it: the bundle, which check-jsonschema reads on its own."""
    crate, revision = dialect.split("@")
    return SCHEMA_DIR / crate / revision / "conversation.reader.bundle.json"


def write_parsed(tmp: Path, name: str, document: str) -> Path:
    path = tmp / f"{name.replace('/', '__')}.json"
    path.write_text(json.dumps(json.loads(document)), encoding="utf-8")
    return path


@pytest.mark.parametrize("dialect", DIALECTS)
def test_published_schema_agrees_with_fixtures(dialect: str, tmp_path: Path) -> None:
    schema = schema_path(dialect)
    (tmp_path / "accept").mkdir()
    (tmp_path / "reject").mkdir()
    accept: dict[Path, str] = {}
    reject: dict[Path, str] = {}
    for cid, case in CASES:
        outcome = case["expect"].get(dialect)
        if outcome is None:
            continue
        if outcome["valid"]:
            accept[write_parsed(tmp_path / "accept", cid, case["document"]).resolve()] = cid
        elif case["schema_can_express"]:
            reject[write_parsed(tmp_path / "reject", cid, case["document"]).resolve()] = cid
    failures = []
    rejected = run_check_jsonschema(schema, list(accept))
    for path, cid in accept.items():
        if str(path) in rejected:
            failures.append(
                f"{cid}: loads in {dialect} but the schema rejects it: {rejected[str(path)][:3]}"
            )
    rejected = run_check_jsonschema(schema, list(reject))
    for path, cid in reject.items():
        if str(path) not in rejected:
            failures.append(f"{cid}: refused by {dialect} but the schema accepts it")
    assert not failures, "\n".join(failures)


# --------------------------------------------------------------------------- (c) codec
def codec() -> Any:
    """The public codec API, or a skip while the codec has not been written yet.

    Only the absence of the API is a reason to skip: an AttributeError from the package, or the
    module behind the lazy attribute not existing at all. Any other import error fails.
    """
    import agent_conversation as ac

    needed = ("loads", "dumps", "detect", "ConversationError")
    try:
        return SimpleNamespace(**{name: getattr(ac, name) for name in needed})
    except AttributeError as exc:
        pytest.skip(f"codec API not available yet: {exc}")
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("agent_conversation."):
            pytest.skip(f"codec API not available yet: module {exc.name} does not exist")
        raise


def describe_problems(err: Any) -> str:
    return "\n".join(
        f"  index={p.index!r} pointer={p.pointer!r} kind={p.kind!r}: {p.message}"
        for p in err.problems
    )


@pytest.mark.parametrize(("case", "dialect", "outcome"), OUTCOMES)
def test_codec_agrees_with_fixture(
    case: dict[str, Any], dialect: str, outcome: dict[str, Any]
) -> None:
    ac = codec()
    document = case["document"]
    for data in (document, document.encode("utf-8")):
        kind = type(data).__name__
        if outcome["valid"]:
            try:
                conv = ac.loads(data, dialect)
            except ac.ConversationError as exc:
                pytest.fail(
                    f"{dialect} loads this ({kind}), the codec refused it:\n"
                    f"{describe_problems(exc)}"
                )
            ryu, zmij = outcome["canonical"], outcome.get("canonical_zmij", outcome["canonical"])
            assert ac.dumps(conv, dialect, float_format="ryu") == ryu, f"dumps(..., {dialect!r})"
            assert ac.dumps(conv, float_format="zmij") == zmij, "zmij floats"
            own = ryu if conv.float_format == "ryu" else zmij
            assert ac.dumps(conv) == own, "dumps(conv): the loaded dialect and float format"
        else:
            with pytest.raises(ac.ConversationError) as info:
                ac.loads(data, dialect)
            assert isinstance(info.value, ValueError)
            problems = info.value.problems
            wanted = (outcome["index"], outcome["pointer"])
            assert any((p.index, p.pointer) == wanted for p in problems), (
                f"{dialect} refuses this ({outcome['rule']}) at index {wanted[0]!r}, "
                f"pointer {wanted[1]!r}; the codec ({kind}) reported:\n"
                f"{describe_problems(info.value)}"
            )


@pytest.mark.parametrize(
    ("case", "dialect", "outcome"), [p for p in OUTCOMES if p.values[2]["valid"]]
)
def test_codec_canonical_is_a_fixed_point(
    case: dict[str, Any], dialect: str, outcome: dict[str, Any]
) -> None:
    ac = codec()
    for canonical in {outcome["canonical"], outcome.get("canonical_zmij", outcome["canonical"])}:
        assert ac.dumps(ac.loads(canonical, dialect), dialect) == canonical


@pytest.mark.parametrize("case", [c for _, c in CASES], ids=[cid for cid, _ in CASES])
def test_codec_detect_lists_the_accepting_dialects(case: dict[str, Any]) -> None:
    ac = codec()
    accepting = {d for d in DIALECTS if case["expect"][d]["valid"]}
    try:
        detected = ac.detect(case["document"])
    except ac.ConversationError:
        assert not accepting, f"detect() raised, but {sorted(accepting)} load this document"
        return
    assert {d for d in detected if d in DIALECTS} == accepting
