"""The codec against the real crates' outcomes stored in fixtures/conformance.

Two corpora, one per serde_json release the crates are built with: ``messages.jsonl.gz``
(serde_json 1.0.146, ryu floats: the codec reaches it with ``float_format="ryu"``) and
``messages.serde_json-1.0.154.jsonl.gz`` (the newest serde_json, zmij floats: reached with
default options). Every case, for every crate version in it: the same verdict as serde, and on
success exactly the bytes ``restore_messages()`` + ``save_messages()`` wrote. The fast path
must agree with the exact path, and the ``float-drift`` notes must name exactly the floats the
crate's restore changed.
"""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path
from typing import Any

import agent_conversation as ac
import agent_conversation.dialects
import pytest
from agent_conversation.codec import document
from float_checks import changed_floats, drift_pairs

FOLDER = Path(__file__).resolve().parent.parent / "fixtures" / "conformance"
CORPUS = FOLDER / "messages.jsonl.gz"
LATEST_CORPUS = FOLDER / "messages.serde_json-1.0.154.jsonl.gz"
# corpus name → (file, the float_format the codec is given: "auto" = default options)
CORPORA = {"serde_json-1.0.146": (CORPUS, "ryu"), "serde_json-1.0.154": (LATEST_CORPUS, "auto")}


def _cases(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


CASES = {name: _cases(path) for name, (path, _) in CORPORA.items()}
OUTCOMES = [
    pytest.param(name, version, id=f"{name}-{version}")
    for name, cases in CASES.items()
    for version in sorted({v for case in cases for v in case["expect"]})
]


def test_corpus_covers_eight_dialects() -> None:
    cases = CASES["serde_json-1.0.146"]
    assert len(cases) == 1200
    assert len({d for case in cases for d in case["expect"]}) == 8


def test_newest_serde_json_corpus_covers_the_crates_built_today() -> None:
    cases = CASES["serde_json-1.0.154"]
    versions = {v for case in cases for v in case["expect"]}
    wanted = {"yoagent@0.26.6", "yoagent@0.18.1", "yoagent@0.12.0", "phi-core@0.15.2"}
    assert wanted | {"phi-core@0.8.0"} <= versions
    assert {case["id"] for case in CASES["serde_json-1.0.146"]} < {case["id"] for case in cases}
    floats = [case for case in cases if case["family"] == "floats"]
    outputs = [o["out"] for case in floats for o in case["expect"].values() if o["ok"]]
    assert len(floats) >= 400 and len(outputs) > 2000
    assert any("e+" in out for out in outputs)  # zmij's layout, from the crates themselves


def codec_outcome(version: str, doc: str, float_format: str) -> dict[str, Any]:
    try:
        conv = ac.loads(doc, version)
        return {"ok": True, "out": ac.dumps(conv, float_format=float_format)}
    except ac.ConversationError as err:
        return {"ok": False, "error": str(err)}


@pytest.mark.parametrize(("corpus", "version"), OUTCOMES)
def test_verdicts_and_bytes_match_serde(corpus: str, version: str) -> None:
    float_format = CORPORA[corpus][1]
    agree: Counter[bool] = Counter()
    mismatches = []
    cases = [case for case in CASES[corpus] if version in case["expect"]]
    for case in cases:
        expect = case["expect"][version]
        got = codec_outcome(version, case["doc"], float_format)
        if got["ok"] != expect["ok"]:
            mismatches.append((case["id"], "verdict", expect, got))
        elif expect["ok"] and got["out"] != expect["out"]:
            mismatches.append((case["id"], "bytes", expect["out"], got["out"]))
        else:
            agree[expect["ok"]] += 1
    assert not mismatches, mismatches[:3]
    assert agree[True] + agree[False] == len(cases)


@pytest.mark.parametrize(("corpus", "version"), OUTCOMES)
def test_syntax_errors_have_serdes_position(corpus: str, version: str) -> None:
    """Where serde refused the text itself, we name the same line and column."""
    for case in CASES[corpus]:
        expect = case["expect"].get(version)
        if expect is None or expect["ok"] or "did not match any variant" in expect["error"]:
            continue
        with pytest.raises(ac.ConversationError) as info:
            ac.loads(case["doc"], version)
        problem = info.value.problems[0]
        assert expect["error"].endswith(f"at line {problem.line} column {problem.column}"), (
            case["id"],
            expect["error"],
            problem,
        )


@pytest.mark.parametrize(("corpus", "version"), OUTCOMES)
def test_fast_path_equals_exact_path(corpus: str, version: str) -> None:
    name = ac.dialects.resolve(version)
    for case in CASES[corpus]:
        if version not in case["expect"]:
            continue
        for text in (case["doc"], case["expect"][version].get("out")):
            if text is None:
                continue
            try:
                exact = document.read(
                    document.exact(document.Parsed(text.encode(), [], False)), name
                )
            except ac.ConversationError:
                exact = None
            try:
                fast = document.read(document.parse(text), name)
            except ac.ConversationError:
                fast = None
            assert (exact is None) == (fast is None), case["id"]
            if exact is not None and fast is not None:
                assert fast.records == exact.records, case["id"]
                assert fast.has_float == exact.has_float, case["id"]
                assert fast.float_format == exact.float_format, case["id"]


def test_canonical_outputs_take_the_fast_path() -> None:
    """The crates' own output must not need the exact parser (speed), bar rare shapes."""
    fast = slow = 0
    for cases in CASES.values():
        for case in cases:
            for version, expect in case["expect"].items():
                if not expect["ok"]:
                    continue
                parsed = document.parse(expect["out"])
                document.read(parsed, ac.dialects.resolve(version))
                if parsed.fast:
                    fast += 1
                else:
                    slow += 1
    assert fast > 0.9 * (fast + slow), (fast, slow)


def test_drift_notes_name_exactly_the_floats_the_crates_restore_changes() -> None:
    """What save_messages() wrote (``as_saved``) against what the crate wrote after restoring
    it: they differ in exactly the floats the ``float-drift`` notes name, and in nothing else."""
    drifted = checked = 0
    for case in CASES["serde_json-1.0.154"]:
        for version, expect in case["expect"].items():
            if not expect["ok"]:
                continue
            conv = ac.loads(case["doc"], version)
            saved = ac.dumps(conv, as_saved=True)
            assert drift_pairs(conv.notes) == changed_floats(saved, expect["out"]), (
                case["id"],
                version,
            )
            checked += 1
            drifted += bool(drift_pairs(conv.notes))
    assert checked > 5000 and drifted > 100, (checked, drifted)
