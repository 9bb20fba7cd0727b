"""Property tests: the fast paths of session files give exactly what the exact readers give.

yoagent JSONL sessions: :func:`loads_session` (the fast path, which falls back to the exact
reader on its own) against :func:`loads_session_exact` (every line by the exact parser) on
generated sessions: the crate's layout, pretty or reordered lines, blank lines, labels, notes,
refused messages, float drifts, repeated ids, unknown parents, syntax errors. Compared: the
verdict, every problem with its position, the entries, the notes, the float layout and the
bytes written back. phi-core session documents: the fast path against the exact one the same
way.
"""

from __future__ import annotations

import json

import agent_conversation as ac
import pytest
from agent_conversation.codec import parsed as parsed_module
from agent_conversation.sessions import fast, phi_core
from agent_conversation.sessions.yoagent import (
    dumps_session,
    loads_session,
    loads_session_exact,
    session_dialects,
    session_names,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_codec_properties import COMMON_STOPS, EXTRAS, FLOAT_EXTRAS, free_any, records

SESSION_DIALECTS = session_dialects()
LINE_EXTRAS = [
    *(e.decode() for e in EXTRAS),
    *(e.decode() for e in FLOAT_EXTRAS),
    '{"role":"user","content":[{"type":"text","text":"a"}],"timestamp":3}',
]


def _problems(err: ac.ConversationError) -> tuple[str, list[tuple[object, ...]]]:
    return ("refused", [tuple(vars(p).values()) for p in err.problems])


def _session_outcome(run: object) -> object:
    try:
        session = run()  # type: ignore[operator]
    except ac.ConversationError as err:
        return _problems(err)
    entries = [tuple(vars(e).values()) for e in session.entries]
    notes = [tuple(vars(p).values()) for p in session.notes]
    try:
        written: object = (dumps_session(session), dumps_session(session, as_saved=True))
    except ac.ConversationError as err:
        written = _problems(err)
    layout = (session.dialect, session.float_format, session.float_format_detected)
    return ("read", entries, notes, layout, written)


def _line(entry_id: str, parent: str | None, message: str, ts: int, label: str | None) -> str:
    head = json.dumps({"id": entry_id, "parent_id": parent}, ensure_ascii=False)[:-1]
    tail = f',"timestamp":{ts}' + (f',"label":{json.dumps(label)}' if label is not None else "")
    return head.replace(", ", ",").replace(": ", ":") + f',"message":{message}{tail}}}'


LINE_CHANGES = [
    "",  # as to_jsonl writes it
    "blank",  # an empty line before it
    "spaces",  # leading and trailing spaces, a \r\n line end
    "reordered",  # the entry's keys in another order (serde reads it; not the layout)
    "unicode-space",  # trimmed by Rust's str::trim, not the layout's
    "repeated-id",
    "unknown-parent",
    "broken",  # a syntax error in the line
    "label",
]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(SESSION_DIALECTS),
    st.sampled_from(["auto", "named"]),
    st.lists(records(COMMON_STOPS), max_size=4),
    st.lists(st.sampled_from(LINE_EXTRAS), max_size=2),
    st.lists(free_any, max_size=1),
    st.lists(st.sampled_from(LINE_CHANGES + [""] * 12), min_size=6, max_size=6),
    st.sampled_from([64, 1 << 20]),
)
def test_fast_and_exact_session_readers_agree(
    dialect: str,
    mode: str,
    recs: list[dict],
    extras: list[str],
    data: list,
    changes: list[str],
    batch: int,
) -> None:
    wire = json.loads(ac.dumps(ac.Conversation(recs), dialect)) if recs else []
    messages = [json.dumps(m, ensure_ascii=False, separators=(",", ":")) for m in wire]
    messages += extras
    messages += [json.dumps({"role": "x", "kind": "k", "data": d}) for d in data]
    lines = []
    for i, message in enumerate(messages):
        change = changes[i % len(changes)]
        entry_id = "e1" if change == "repeated-id" and i else f"e{i}"
        parent = "nowhere" if change == "unknown-parent" else (f"e{i - 1}" if i else None)
        label = "mark ✓" if change == "label" else None
        line = _line(entry_id, parent, message, 1_700_000_000 + i, label)
        if change == "blank":
            line = "\n" + line
        elif change == "spaces":
            line = "  " + line + " \r"
        elif change == "reordered":
            line = json.dumps(
                {
                    "timestamp": i,
                    "message": json.loads(message),
                    "id": entry_id,
                    "parent_id": parent,
                }
            )
        elif change == "unicode-space":
            line = "\u3000" + line
        elif change == "broken":
            line = line[:-1]
        lines.append(line)
    text = "\n".join(lines)
    requested = "auto" if mode == "auto" else dialect
    old = parsed_module.BATCH_BYTES
    parsed_module.BATCH_BYTES = batch
    try:
        fast_path = _session_outcome(lambda: loads_session(text.encode(), requested))
        exact_path = _session_outcome(
            lambda: loads_session_exact(text, session_names(requested), "auto")
        )
    finally:
        parsed_module.BATCH_BYTES = old
    assert fast_path == exact_path, text


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(SESSION_DIALECTS),
    st.lists(records(COMMON_STOPS), max_size=4),
    st.lists(st.sampled_from(LINE_EXTRAS), max_size=2),
    st.sampled_from(["auto", "named"]),
    st.booleans(),
)
def test_the_streamed_session_check_reports_what_the_whole_read_does(
    dialect: str, recs: list[dict], extras: list[str], mode: str, tree: bool
) -> None:
    """validate-conversation on a session in the crate's layout streams it (no message kept,
    the lint fed as it reads); what it reports is what reading the whole session reports."""
    from unittest import mock

    from agent_conversation.cli import checks

    wire = json.loads(ac.dumps(ac.Conversation(recs), dialect)) if recs else []
    messages = [json.dumps(m, ensure_ascii=False, separators=(",", ":")) for m in wire] + extras
    lines = []
    for i, message in enumerate(messages):
        parent = None if i == 0 else ("e0" if tree else f"e{i - 1}")
        lines.append(_line(f"e{i}", parent, message, 1_700_000_000 + i, None))
    data = "\n".join(lines).encode()
    options = checks.Options("session", "auto" if mode == "auto" else dialect)

    def report() -> object:
        r = checks.check(data, "s.jsonl", options)
        return (r.dialect, [vars(p) for p in r.errors], [vars(p) for p in r.warnings], r.info)

    streamed = report()
    with mock.patch.object(fast, "stream_session", lambda *_: None):
        whole = report()
    assert streamed == whole


@pytest.mark.parametrize("dialect", SESSION_DIALECTS)
def test_the_crates_layout_takes_the_fast_path(dialect: str) -> None:
    """Not vacuous: a session as to_jsonl writes it, with a note and a refused message, is
    decided by the fast path (the codec), not by the exact reader."""
    recs = [
        {"role": "user", "content": [{"type": "text", "text": "hi"}], "timestamp": 1},
    ]
    message = ac.dumps(ac.Conversation(recs), dialect)[1:-1]
    clean = _line("a", None, message, 1, None) + "\n" + _line("b", "a", message, 2, "x")
    session = fast.read_fast(clean.encode(), [dialect], "auto")
    assert session is not None and [e.id for e in session.entries] == ["a", "b"]
    noted = message[:-1] + ',"x":1}'
    with_note = fast.read_fast(_line("a", None, noted, 1, None).encode(), [dialect], "auto")
    assert with_note is not None and [n.kind for n in with_note.notes] == ["unknown-key"]
    refused = _line("a", None, '{"role":"user","content":[],"timestamp":-1}', 1, None)
    with pytest.raises(ac.ConversationError) as err:
        fast.read_fast(refused.encode(), [dialect], "auto")
    assert err.value.problems[0].pointer == "/message/timestamp"


# -- phi-core session documents -----------------------------------------------------------------
PHI_DIALECTS = [d for d in ac.known_dialects() if d.startswith("phi-core@")]


def _phi_outcome(run: object) -> object:
    try:
        session = run()  # type: ignore[operator]
    except ac.ConversationError as err:
        return _problems(err)
    arrays = [(a.path, a.records, a.single) for a in session.arrays]
    notes = [tuple(vars(p).values()) for p in session.notes]
    return ("read", session.dialect, session.layout, arrays, notes)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(PHI_DIALECTS),
    st.lists(records(COMMON_STOPS), max_size=4),
    st.lists(st.sampled_from(LINE_EXTRAS), max_size=2),
    st.booleans(),
)
def test_fast_and_exact_phi_session_readers_agree(
    dialect: str, recs: list[dict], extras: list[str], pretty: bool
) -> None:
    wire = json.loads(ac.dumps(ac.Conversation(recs), dialect)) if recs else []
    body = [json.dumps(m, ensure_ascii=False) for m in wire] + extras
    output = body[0] if body else wire_user(dialect)
    turn = (
        f'{{"input_messages":[],"output_message":{output},"tool_results":[{",".join(body[1:2])}]}}'
    )
    doc = f'{{"loops":[{{"loop_id":"l","messages":[{",".join(body)}],"turns":[{turn}]}}]}}'
    # pretty: as save_session writes it (the fast path); else the extras' own spelling
    # (repeated keys, escapes, -0: the exact path)
    text = json.dumps(json.loads(doc), indent=2, ensure_ascii=False) if pretty else doc
    data = text.encode()
    fast_path = _phi_outcome(lambda: phi_core.loads_phi_session(data, "auto"))
    exact_path = _phi_outcome(lambda: phi_core.loads_phi_session_exact(data, "auto"))
    assert fast_path == exact_path, text


def wire_user(dialect: str) -> str:
    recs = [{"role": "user", "content": [], "timestamp": 1}]
    return ac.dumps(ac.Conversation(recs), dialect)[1:-1]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(records(COMMON_STOPS), max_size=3),
    st.lists(st.sampled_from(LINE_EXTRAS), max_size=1),
    st.sampled_from(["auto", "phi-core@0.8.0", "phi-core@0.15.2"]),
    st.booleans(),
)
def test_the_document_check_reads_the_fast_tree_as_the_text(
    recs: list[dict], extras: list[str], dialect: str, canonical: bool
) -> None:
    """validate-conversation on a phi-core session document: the whole-document check that
    reuses the message check's tree and readings reports what it reports parsing the text."""
    from unittest import mock

    from agent_conversation.cli.checks import Options, check

    template = json.loads(PHI_TEMPLATE.read_text(encoding="utf-8"))
    wire = json.loads(ac.dumps(ac.Conversation(recs), "phi-core@0.9")) if recs else []
    template["loops"][0]["messages"] = wire + [json.loads(e) for e in extras]
    data = json.dumps(template, indent=2, ensure_ascii=False).encode()
    options = Options("phi-session", dialect, False, canonical, "auto")

    def report() -> object:
        r = check(data, "s.json", options)
        return (r.dialect, [vars(p) for p in r.errors], [vars(p) for p in r.warnings], r.info)

    fast_path = report()
    with mock.patch.object(phi_core, "_read_phi_fast", lambda *_, **__: None):
        exact_path = report()
    assert fast_path == exact_path


PHI_TEMPLATE = (
    __import__("pathlib").Path(__file__).resolve().parent.parent
    / "fixtures/real/phi-core-0.15.2/extension/session.json"
)


def test_the_writer_shows_after_an_earlier_trial_patched_the_float() -> None:
    """Found by the property above: the newest dialect refuses the first message after it
    patched a 17-digit float of the second with serde's reading; the dialect that reads the
    file still finds the writer in the literal's text (zmij: ``e+20``)."""
    usage = '{"input":0,"output":0,"cache_read":0,"cache_write":0,"total_tokens":0}'
    first = (
        '{"role":"assistant","content":[],"stopReason":"stop","model":"","provider":"",'
        f'"usage":{usage},"timestamp":0}}'
    )
    second = '{"role":"x","kind":"k","data":[1.2345678901234567e+20]}'
    text = _line("e0", None, first, 1, None) + "\n" + _line("e1", "e0", second, 2, None)
    old = parsed_module.BATCH_BYTES
    parsed_module.BATCH_BYTES = 64
    try:
        session = loads_session(text)
    finally:
        parsed_module.BATCH_BYTES = old
    assert (session.float_format, session.float_format_detected) == ("zmij", True)
    assert (
        session.float_format_detected
        == loads_session_exact(text, session_names("auto"), "auto").float_format_detected
    )
