"""The shortest reading of a small document (codec.small_document.read_small) gives exactly
what the general reading gives: the dialect, no notes, the same lint warnings; and where it
declines, ``validate-conversation``'s reading is the general one."""

from __future__ import annotations

import json
from pathlib import Path

import agent_conversation as ac
import pytest
from agent_conversation.cli.checks import stream_conversation
from agent_conversation.codec.small_document import read_small
from agent_conversation.dialects import resolve
from agent_conversation.lint import Linter
from agent_conversation.streaming import read_stream
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_codec_properties import COMMON_STOPS, EXTRAS, _family, _with_extras, records

ROOT = Path(__file__).resolve().parent.parent
REQUESTS = ["auto", *ac.known_dialects()]


def _general(data: bytes, requested: str) -> tuple[object, ...]:
    """The general reading (the shortest one switched off), as validate-conversation uses it."""
    try:
        found, linter = read_stream(data, requested, lambda _: Linter(), quick=False)
    except ac.ConversationError as err:
        return ("refused", [tuple(vars(p).values()) for p in err.problems])
    notes = [tuple(vars(p).values()) for p in found.notes]
    lint = [tuple(vars(p).values()) for p in linter.finish()]
    return ("read", found.dialect, notes, bool(found.drifts), lint)


def _shortest(data: bytes, requested: str) -> tuple[object, ...] | None:
    small = read_small(data, None if requested == "auto" else resolve(requested))
    if small is None:
        return None
    dialect, tree, _ = small
    linter = Linter()
    for index, message in enumerate(tree):
        linter.feed(index, message)
    return ("read", dialect, [], False, [tuple(vars(p).values()) for p in linter.finish()])


def _validated(data: bytes, requested: str) -> tuple[object, ...]:
    try:
        dialect, notes, lint = stream_conversation(data, requested)
    except ac.ConversationError as err:
        return ("refused", [tuple(vars(p).values()) for p in err.problems])
    return ("read", dialect, [tuple(vars(p).values()) for p in notes], lint)


def _documents() -> list[Path]:
    out = []
    for path in sorted((ROOT / "fixtures").rglob("*.json")):
        data = path.read_bytes()
        if data.lstrip()[:1] == b"[" and len(data) < (1 << 20):
            out.append(path)
    return out


DOCUMENTS = _documents()


def test_the_fixtures_read_the_same_both_ways() -> None:
    answered = 0
    for path in DOCUMENTS:
        data = path.read_bytes()
        for requested in REQUESTS:
            general = _general(data, requested)
            short = _shortest(data, requested)
            if short is not None:
                answered += 1
                assert short == general, (path, requested)
            found = _validated(data, requested)
            if general[0] == "refused":
                assert found == general, (path, requested)
            else:  # validate-conversation words drift notes apart from the reader's notes
                assert found[:2] == general[:2] and (found[2] == []) == (
                    general[2] == [] and not general[3]
                ), (path, requested)
    # the shortest reading is the usual one: most crate-written fixtures take it
    assert answered > 80, answered


def test_a_crate_written_file_takes_the_shortest_reading() -> None:
    data = (ROOT / "fixtures/examples/conversation.json").read_bytes()
    assert _shortest(data, "auto") is not None
    pretty = json.dumps(json.loads(data), indent=2, ensure_ascii=False).encode()
    assert _shortest(pretty, "auto") is not None
    # other layouts, and anything the general reading would note, decline
    spaced = json.dumps(json.loads(data)).encode()
    assert _shortest(spaced, "auto") is None
    assert _shortest(data.replace(b'"role"', b'"role" ', 1), "auto") is None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(ac.known_dialects()),
    st.sampled_from(REQUESTS),
    st.lists(records(COMMON_STOPS), max_size=5),
    st.sampled_from(["compact", "pretty", "python", "spaced"]),
    st.lists(st.sampled_from(EXTRAS), max_size=2),
)
def test_generated_documents_read_the_same_both_ways(
    dialect: str, requested: str, recs: list[dict], family: str, extras: list[bytes]
) -> None:
    body = _family(ac.dumps(ac.Conversation(recs), dialect), family)
    doc = _with_extras(body, extras, family)
    short = _shortest(doc, requested)
    if short is not None:
        assert short == _general(doc, requested), doc


@pytest.mark.parametrize("requested", REQUESTS)
def test_what_a_dialect_writes_it_reads_by_the_shortest_reading(requested: str) -> None:
    recs = json.loads((ROOT / "fixtures/examples/conversation.json").read_bytes())
    conv = ac.Conversation(recs)
    for dialect in ac.known_dialects():
        data = ac.dumps(conv, dialect).encode()
        if requested in ("auto", dialect):
            general = _general(data, requested)
            short = _shortest(data, requested)
            assert short is not None and short == general, (dialect, requested)
