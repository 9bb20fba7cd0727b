"""The published schemas: metaschema-clean, with ids and wire annotations, and in agreement with
the crates (golden examples from the crates' docs and tests, the conformance corpus, probed
config outcomes)."""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from agent_conversation import schemas

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_DIR = ROOT / "schema"
BASE_ID = "https://agent-conversation-format.dev/schema/"
SCHEMAS = sorted(SCHEMA_DIR.rglob("*.schema.json"))
CONVERSATIONS = sorted(
    SCHEMA_DIR.glob("*/*/conversation.wire.schema.json"),
    key=lambda p: (p.parent.parent.name != "yoagent", [int(x) for x in p.parent.name.split(".")]),
)
CONFIGS = sorted(SCHEMA_DIR.glob("*/config/*/config.wire.schema.json"))
CHECK = str(Path(sys.executable).parent / "check-jsonschema")
NULL = {"type": "null"}


def rel(path: Path) -> str:
    return path.relative_to(SCHEMA_DIR).as_posix()


@cache
def load(relpath: str) -> dict[str, Any]:
    return json.loads((SCHEMA_DIR / relpath).read_text(encoding="utf-8"))


def conversation_schema(dialect: str, view: str = "wire") -> dict[str, Any]:
    crate, revision = dialect.split("@")
    return load(f"{crate}/{revision}/conversation.{view}.schema.json")


def reader_of(path: Path) -> Path:
    return path.with_name(path.name.replace(".wire.", ".reader."))


@cache
def validator(dialect: str) -> Any:
    """The reader view (what restore_messages() accepts), through the package's registry."""
    return schemas.validator(dialect)


@cache
def type_validator(relpath: str, definition: str) -> Any:
    """A validator for one `$defs` entry, referenced through the schema's `$id`."""
    schema = load(relpath)
    ref = {"$ref": f"{schema['$id']}#/$defs/{definition}"}
    return jsonschema.Draft202012Validator(ref, registry=schemas.registry())


DIALECTS = [f"{p.parent.parent.name}@{p.parent.name}" for p in CONVERSATIONS]
YOAGENT = [d for d in DIALECTS if d.startswith("yoagent@")]
PHI = [d for d in DIALECTS if d.startswith("phi-core@")]


def vkey(version: str) -> tuple[int, ...]:
    return tuple(int(x) for x in version.lstrip("<>=").split("."))


# ---------------------------------------------------------------------------------------------
# Layout, metaschema, ids


def test_every_revision_folder_is_present() -> None:
    assert {"yoagent@0.4", "yoagent@0.8", "yoagent@0.9", "yoagent@0.13"} <= set(YOAGENT)
    assert {"phi-core@0.7", "phi-core@0.8", "phi-core@0.9"} <= set(PHI)
    configs = {rel(p).replace("/config.wire.schema.json", "") for p in CONFIGS}
    assert {f"yoagent/config/{v}" for v in ("0.4", "0.15", "0.17", "0.18")} <= configs
    assert "phi-core/config/0.7" in configs
    records = set(SCHEMA_DIR.glob("*/events/*/events.wire.schema.json"))
    records |= set(SCHEMA_DIR.glob("phi-core/session/*/session.wire.schema.json"))
    pairs = [*CONVERSATIONS, *CONFIGS, *records]
    expected = set(pairs) | {reader_of(p) for p in pairs}
    assert set(SCHEMAS) == expected, "stray schema files"


def test_every_schema_passes_the_metaschema_check() -> None:
    proc = subprocess.run(
        [CHECK, "--check-metaschema", *map(str, SCHEMAS)], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("path", SCHEMAS, ids=rel)
def test_every_schema_has_an_id_and_its_crate_versions(path: Path) -> None:
    schema = load(rel(path))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == BASE_ID + rel(path)
    crate = rel(path).split("/")[0]
    assert schema["x-crate"] == crate
    assert schema["x-revision"] == path.parent.name
    low, high = schema["x-crate-versions"]
    assert low.startswith(">=") and high.startswith("<") and vkey(low) < vkey(high)
    assert vkey(low)[:2] == vkey(schema["x-revision"])[:2]
    jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("kind", ["conversation", "config"])
@pytest.mark.parametrize("crate", ["yoagent", "phi-core"])
def test_crate_version_ranges_tile_without_gaps(crate: str, kind: str) -> None:
    paths = CONVERSATIONS if kind == "conversation" else CONFIGS
    ranges = sorted(
        (vkey(lo), vkey(hi))
        for lo, hi in (load(rel(p))["x-crate-versions"] for p in paths if rel(p).startswith(crate))
    )
    assert ranges[0][0] == ((0, 4, 0) if crate == "yoagent" else (0, 7, 0))
    for (_, high), (low, _) in zip(ranges, ranges[1:], strict=False):
        assert high == low, f"{crate} {kind} revisions leave a gap or overlap at {high}/{low}"


@pytest.mark.parametrize("path", [*CONVERSATIONS, *CONFIGS], ids=rel)
def test_crate_releases_lie_in_the_version_range(path: Path) -> None:
    schema = load(rel(path))
    low, high = (vkey(b) for b in schema["x-crate-versions"])
    releases = [vkey(v) for v in schema["x-crate-releases"]]
    assert releases == sorted(set(releases)) and releases[0] == low
    assert all(low <= v < high for v in releases)


def test_every_release_maps_to_the_revision_that_lists_it() -> None:
    rows = schemas.releases()
    assert len({version for version, _, _ in rows}) == len(rows)
    for version, revision, config in rows:
        assert schemas.schema_path(version) == schemas.schema_path(revision), version
        assert schemas.config_revision(version) == config, version
    # every configuration release is a conversation release and the other way round
    listed = {
        f"{load(rel(p))['x-crate']}@{v}" for p in CONFIGS for v in load(rel(p))["x-crate-releases"]
    }
    assert listed == {version for version, _, _ in rows}


# ---------------------------------------------------------------------------------------------
# Structure: dispatch and annotations


def object_forms(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every object type of a wire view."""
    return {
        name: d
        for name, d in schema["$defs"].items()
        if d.get("type") == "object" and "x-wire-type" in d
    }


def reader_form(reader: dict[str, Any], name: str) -> dict[str, Any]:
    """The object form of a reader-view type (the first branch of object-or-sequence)."""
    form: dict[str, Any] = reader["$defs"][name]["anyOf"][0]
    return form


WIRE_VIEWS = [*CONVERSATIONS, *CONFIGS]


@pytest.mark.parametrize("path", WIRE_VIEWS, ids=rel)
def test_every_object_type_carries_the_wire_annotations(path: Path) -> None:
    schema, reader = load(rel(path)), load(rel(reader_of(path)))
    forms = object_forms(schema)
    assert forms
    metadata = set(schema.get("x-metadata", []))
    for name, form in forms.items():
        where = f"{rel(path)} {name}"
        for key in ("x-wire-type", "x-wire-order", "x-omit-when-absent"):
            assert key in form, f"{where}: no {key}"
        order, props = form["x-wire-order"], form["properties"]
        omit = form["x-omit-when-absent"]
        assert len(set(order)) == len(order) and set(order) == set(props) - metadata, where
        # the wire view: required exactly as written, no null on an omitted Option
        assert form["required"] == [k for k in order if k not in omit], where
        for key in omit:
            assert NULL not in props[key].get("anyOf", []), f"{where}.{key}"
        if "x-variant" in form:
            assert order[0] in form["required"] and props[order[0]] == {"const": form["x-variant"]}
        # the reader view adds aliases and the duplicate-key rule, and accepts null on Options
        rform = reader_form(reader, name)
        assert rform["x-duplicate-keys"] in ("error", "last-wins"), where
        aliases = rform["x-aliases"]
        assert set(rform["properties"]) - set(order) <= set(aliases) | metadata, where
        assert set(rform.get("required", [])) <= set(form["required"]), where
        for key in omit:
            assert NULL in rform["properties"][key].get("anyOf", []), f"{where}.{key}"
        for alias, target in aliases.items():
            assert target in order and alias in rform["properties"], where
            assert any(
                r.get("not", {}).get("required") == [alias, target] for r in rform["allOf"]
            ), where
        assert "x-wire-order" not in rform, "wire facts live in the wire view only"


@pytest.mark.parametrize("dialect", DIALECTS)
def test_wire_facts_are_annotated(dialect: str) -> None:
    schema = conversation_schema(dialect)
    reader = conversation_schema(dialect, "reader")
    names = {f["x-wire-type"]: n for n, f in object_forms(schema).items() if "x-variant" not in f}
    forms = {t: schema["$defs"][n] for t, n in names.items()}
    rforms = {t: reader_form(reader, n) for t, n in names.items()}
    phi = dialect.startswith("phi-core@")
    assert schema["x-sorted-keys"] is phi
    assert reader["x-duplicate-keys"] == ("last-wins" if phi else "error")
    for wire_type in ("user", "assistant", "toolResult"):
        assert forms[wire_type].get("x-sorted-keys", False) is phi
        assert rforms[wire_type]["x-duplicate-keys"] == reader["x-duplicate-keys"]
        for key in schema["x-metadata"]:
            prop = rforms[wire_type]["properties"][key]
            assert prop["x-drop-if-invalid"] is True and "x-valid-schema" in prop
            assert "$ref" in forms[wire_type]["properties"][key]  # written in its typed shape
    # serde's derived ExtensionMessage refuses a repeated key in every crate
    assert rforms["extension"]["x-duplicate-keys"] == "error"
    assert forms["extension"]["required"] == ["role", "kind", "data"]
    assert forms["toolCall"]["properties"]["arguments"]["x-free-json"] is True
    assert forms["extension"]["properties"]["data"]["x-free-json"] is True
    for key, prop in forms["toolCall"]["properties"].items():
        if key not in ("type", "id", "name"):  # arguments, provider metadata (yoagent >= 0.8)
            assert prop["x-free-json"] is True
    if "SessionEntry" in schema["$defs"]:
        low, high = schema["$defs"]["SessionEntry"]["x-crate-versions"]
        assert vkey(low) >= (0, 11, 0) and high == schema["x-crate-versions"][1]


def test_phi_metadata_grows_by_revision() -> None:
    assert conversation_schema("phi-core@0.7")["x-metadata"] == ["turnId"]
    assert conversation_schema("phi-core@0.8")["x-metadata"] == [
        "turnId",
        "nodeId",
        "parentId",
        "tags",
    ]
    assert conversation_schema("phi-core@0.9")["x-metadata"][-1] == "provenanceHint"
    assert all(conversation_schema(d)["x-metadata"] == [] for d in YOAGENT)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_tagged_unions_are_oneof_in_the_wire_view_and_if_then_in_the_reader(dialect: str) -> None:
    wire = conversation_schema(dialect)["$defs"]
    reader = conversation_schema(dialect, "reader")["$defs"]
    for defs in (wire, reader):
        assert defs["AgentMessage"]["anyOf"] == [
            {"$ref": "#/$defs/Message"},
            {"$ref": "#/$defs/ExtensionMessage"},
        ]
    unions = {name: d for name, d in wire.items() if "discriminator" in d}
    assert {"Message", "Content"} <= set(unions)
    for name, union in unions.items():
        tag = union["discriminator"]["propertyName"]
        mapping = union["discriminator"]["mapping"]
        assert union["oneOf"] == [{"$ref": ref} for ref in mapping.values()]
        for value, ref in mapping.items():
            variant = wire[ref.rsplit("/", 1)[1]]
            assert variant["properties"][tag] == {"const": value} and tag in variant["required"]
        # the reader dispatches with if/then: errors name the branch that was meant
        assert "oneOf" not in reader[name], f"{name}: a bare oneOf reports every branch's errors"
        targets = [
            rule["then"]["$ref"]
            for rule in reader[name]["allOf"]
            if rule["if"].get("type") == "object" and tag in rule["if"]["properties"]
        ]
        assert targets == list(mapping.values())


# ---------------------------------------------------------------------------------------------
# Documents and the crates' verdicts: fixtures/schema-cases/ (fixtures/schema-case.schema.json)

CASES = ROOT / "fixtures" / "schema-cases"
CASE_SCHEMA = ROOT / "fixtures" / "schema-case.schema.json"


def cases(name: str) -> list[dict[str, Any]]:
    tests: list[dict[str, Any]] = json.loads((CASES / f"{name}.json").read_text("utf-8"))["tests"]
    return tests


def case(name: str, description: str) -> Any:
    """The data of the conversation case with this description."""
    return next(c["data"] for c in cases(name) if c["description"] == description)


def selected(selectors: list[str]) -> list[str]:
    """The dialects a case names: a crate, <crate>@<revision> or <crate>@>=<revision>."""
    out = []
    for dialect in DIALECTS:
        crate, revision = dialect.split("@")
        for selector in selectors:
            want, _, pin = selector.partition("@")
            if want == crate and (
                not pin or pin == revision or (pin.startswith(">=") and vkey(revision) >= vkey(pin))
            ):
                out.append(dialect)
                break
    return out


@pytest.mark.parametrize("path", sorted(CASES.glob("*.json")), ids=lambda p: p.name)
def test_case_files_match_their_schema(path: Path) -> None:
    schema = json.loads(CASE_SCHEMA.read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(json.loads(path.read_text())))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


CONVERSATION_CASES = cases("conversation")


@pytest.mark.parametrize("item", CONVERSATION_CASES, ids=lambda c: str(c["description"])[:60])
def test_conversation_verdicts_are_the_crates(item: dict[str, Any]) -> None:
    # Unknown keys (camelCase usage before 0.13, errorMessage and providerMetadata in phi-core,
    # turnId in yoagent) are ignored, never refused; what serde accepts beyond the seeds is
    # modelled, and what it refuses is refused.
    dialects = selected(item["dialects"])
    assert dialects, item["dialects"]
    for dialect in dialects:
        errors = list(validator(dialect).iter_errors(item["data"]))
        if item["valid"]:
            assert not errors, f"{dialect}: {errors[0].message}"
        else:
            assert errors, dialect


# ---------------------------------------------------------------------------------------------
# The published files with the check-jsonschema CLI


def test_check_jsonschema_cli_validates_documents_with_the_published_files(
    tmp_path: Path,
) -> None:
    frozen = case("conversation", "yoagent >= 0.13's frozen assistant message (its tests)")
    documents = {
        "seed.json": case("conversation", "both in one conversation"),
        "frozen.json": frozen,
        "bad-stop.json": case("conversation", "an unknown stop reason in the second message"),
        "both-spellings.json": [{**frozen[0], "error_message": "x"}],
        "limits.json": {
            "max_turns": 5,
            "max_total_tokens": 9,
            "max_duration": {"secs": 1, "nanos": 0},
        },
    }
    for name, doc in documents.items():
        (tmp_path / name).write_text(json.dumps(doc), encoding="utf-8")

    def run(schema: str, *names: str) -> subprocess.CompletedProcess[str]:
        files = [str(tmp_path / n) for n in names]
        path = SCHEMA_DIR / schema  # the bundle: the reader view with its wire view inside
        return subprocess.run(
            [CHECK, "--schemafile", str(path), *files],
            capture_output=True,
            text=True,
        )

    ok = run("yoagent/0.13/conversation.reader.bundle.json", "seed.json", "frozen.json")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert run("phi-core/0.9/conversation.reader.bundle.json", "seed.json").returncode == 0
    bad = run("yoagent/0.13/conversation.reader.bundle.json", "bad-stop.json")
    assert bad.returncode == 1
    # if/then dispatch: the best match names the key that is wrong, in the branch that was meant
    best = bad.stdout.split("Best Match:", 1)[1]
    assert "$[1].stopReason: 'end_turn' is not one of" in best.splitlines()[1]
    assert (
        run("yoagent/0.13/conversation.reader.bundle.json", "both-spellings.json").returncode == 1
    )
    assert run("yoagent/0.9/conversation.reader.bundle.json", "both-spellings.json").returncode == 0
    assert run("yoagent/config/0.18/config.reader.bundle.json", "limits.json").returncode == 0


# ---------------------------------------------------------------------------------------------
# The conformance corpus: what the real crates did

# The verdicts on the conformance corpus and the fixtures: tests/test_schema_validators.py
# (jsonschema, jsonschema-rs) and tests/test_schema_tools.py (ajv).


# ---------------------------------------------------------------------------------------------
# Configuration types: outcomes probed with the real crates (fixtures/schema-cases/config.json).

CONFIG_CASES = cases("config")


@pytest.mark.parametrize(
    "item",
    CONFIG_CASES,
    ids=[f"{c['revision']}-{c['type']}-{i}" for i, c in enumerate(CONFIG_CASES)],
)
def test_config_schemas_agree_with_the_crates(item: dict[str, Any]) -> None:
    crate, version = item["revision"].split("@")
    valid = type_validator(
        f"{crate}/config/{version}/config.reader.schema.json", item["type"]
    ).is_valid(json.loads(item["document"]))
    # a refusal JSON Schema cannot express (a duplicate key, 1.0 for 1) passes the reader view
    assert valid == (item["valid"] or not item.get("schema_can_express", True))


def test_config_revisions_follow_the_crates() -> None:
    def order(revision: str, definition: str) -> list[str]:
        return load(f"{revision}/config.wire.schema.json")["$defs"][definition]["x-wire-order"]

    assert "tool_output_max_lines_overrides" not in order("yoagent/config/0.4", "ContextConfig")
    assert order("yoagent/config/0.15", "ContextConfig")[-1] == "truncate_tool_output_on_append"
    assert "session_key" not in order("yoagent/config/0.15", "CacheConfig")
    assert order("yoagent/config/0.17", "CacheConfig")[-1] == "session_key"
    assert order("yoagent/config/0.18", "ExecutionLimits")[-1] == (
        "max_consecutive_identical_tool_calls"
    )
    assert order("yoagent/config/0.26.5", "ExecutionLimits")[2] == "token_accounting"
    assert order("phi-core/config/0.7", "ContextConfig")[2] == "compaction"
    assert order("phi-core/config/0.7", "ExecutionLimits")[-1] == "max_cost"
