"""The codec against the real crates' outcomes stored in fixtures/conformance.

Every case of the corpus, for every dialect in it: the same verdict as serde, and on success
exactly the bytes ``save_messages()`` wrote. The fast path must agree with the exact path.
"""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

import agent_conversation as ac
import agent_conversation.dialects
import pytest
from agent_conversation.codec import document

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "conformance" / "messages.jsonl.gz"


def _cases() -> list[dict]:
    with gzip.open(CORPUS, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


CASES = _cases()
DIALECTS = sorted({d for case in CASES for d in case["expect"]})


def test_corpus_covers_eight_dialects() -> None:
    assert len(CASES) == 1200
    assert len(DIALECTS) == 8


@pytest.mark.parametrize("dialect", DIALECTS)
def test_verdicts_and_bytes_match_serde(dialect: str) -> None:
    agree = Counter()
    mismatches = []
    for case in CASES:
        expect = case["expect"][dialect]
        try:
            conv = ac.loads(case["doc"], dialect)
            got = {"ok": True, "out": ac.dumps(conv)}
        except ac.ConversationError as err:
            got = {"ok": False, "error": str(err)}
        if got["ok"] != expect["ok"]:
            mismatches.append((case["id"], "verdict", expect, got))
        elif expect["ok"] and got["out"] != expect["out"]:
            mismatches.append((case["id"], "bytes", expect["out"], got["out"]))
        else:
            agree[expect["ok"]] += 1
    assert not mismatches, mismatches[:3]
    assert agree[True] + agree[False] == len(CASES)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_syntax_errors_have_serdes_position(dialect: str) -> None:
    """Where serde refused the text itself, we name the same line and column."""
    for case in CASES:
        expect = case["expect"][dialect]
        if expect["ok"] or "did not match any variant" in expect["error"]:
            continue
        with pytest.raises(ac.ConversationError) as info:
            ac.loads(case["doc"], dialect)
        problem = info.value.problems[0]
        assert expect["error"].endswith(f"at line {problem.line} column {problem.column}"), (
            case["id"],
            expect["error"],
            problem,
        )


@pytest.mark.parametrize("dialect", DIALECTS)
def test_fast_path_equals_exact_path(dialect: str) -> None:
    name = ac.dialects.resolve(dialect)
    for case in CASES:
        for text in (case["doc"], case["expect"][dialect].get("out")):
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


def test_canonical_outputs_take_the_fast_path() -> None:
    """The crates' own output must not need the exact parser (speed), bar rare shapes."""
    fast = slow = 0
    for case in CASES:
        for dialect, expect in case["expect"].items():
            if not expect["ok"]:
                continue
            parsed = document.parse(expect["out"])
            document.read(parsed, ac.dialects.resolve(dialect))
            if parsed.fast:
                fast += 1
            else:
                slow += 1
    assert fast > 0.9 * (fast + slow), (fast, slow)
