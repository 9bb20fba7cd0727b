"""Floats: the float layout a document shows (``auto``), what ``save_messages()`` wrote
(``as_saved`` / ``--canonical``) and the floats the crates' own restore changes (float-drift).

The facts behind them are checked against the real crates in test_interop.py and in the
conformance corpora (test_codec_conformance.py); these tests pin the API and the CLIs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import agent_conversation as ac
import pytest
from agent_conversation.cli.convert import main as convert_cli
from agent_conversation.cli.validate import main as validate
from agent_conversation.codec import document, element_reader
from agent_conversation.codec.numbers import parse_literal
from agent_conversation.sessions import dumps_session, loads_session

DRIFTS = "0.9808861679331449"  # serde_json reads it as ...448 (checked by the interop tests)


def ext(data: str, kind: str = "k") -> str:
    return f'{{"role":"extension","kind":"{kind}","data":{data}}}'


def doc(*messages: str) -> str:
    return "[" + ",".join(messages) + "]"


def test_the_literal_really_drifts_under_serdes_parsing() -> None:
    assert parse_literal(DRIFTS) != float(DRIFTS)
    assert repr(parse_literal(DRIFTS)) == "0.9808861679331448"


@pytest.mark.parametrize(
    ("data", "layout", "shown"),
    [
        ("[1e+16,1.5]", "zmij", True),
        ("[1e16,1.5]", "ryu", True),
        ("[1.5,0.00001,1e-7]", "zmij", False),  # nothing tells: a fresh build's layout
        ("[1,2,3]", "zmij", False),
        ("[1.0e16]", "zmij", False),  # not the text either writer makes
        ("[1e5]", "zmij", False),  # below 1e16 both write 100000.0: not a writer's text
        ('["1e16",2.5e+20]', "zmij", True),  # a string is not a number
        ("[2.5e20,1e+16]", "ryu", True),  # the first one decides
        ("[-1.2345678901234567e+20]", "zmij", True),
    ],
)
def test_float_format_is_what_the_text_shows(data: str, layout: str, shown: bool) -> None:
    text = doc(ext(data))
    conv = ac.loads(text)
    assert (conv.float_format, conv.float_format_detected) == (layout, shown)
    # the exact parser decides the same
    exact = document.read(document.exact(document.Parsed(text.encode(), [], False)), "yoagent@0.22")
    assert exact.float_format == (layout if shown else None)


def test_detection_reads_no_text_when_no_float_can_tell(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: Any) -> str:
        raise AssertionError("searched the text")

    monkeypatch.setattr(element_reader, "style_in_text", boom)
    big = "[" + ",".join(ext('{"x":1.5,"n":12345}') for _ in range(2000)) + "]"
    assert ac.loads(big).float_format == "zmij"
    with pytest.raises(AssertionError, match="searched"):
        ac.loads(doc(ext("[1e16]")))


def test_the_detected_layout_is_kept_for_every_later_write() -> None:
    conv = ac.loads(doc(ext("[1e16]")), "yoagent@0.13")
    conv.add_extension("more", [2.5e20])
    assert ac.dumps(conv).endswith('"data":[2.5e20]}]')
    assert ac.dumps(conv, float_format="zmij").endswith('"data":[2.5e+20]}]')
    assert ac.convert(conv, "phi-core").text.endswith('"data":[2.5e20]}]')
    assert ac.loads(doc(ext("[1e16]")), float_format="zmij").float_format == "zmij"
    with pytest.raises(ac.ConversationError, match="float_format"):
        ac.loads("[]", float_format="grisu")


def test_as_saved_writes_each_float_as_the_agent_held_it() -> None:
    text = doc(ext(f'{{"ratio":{DRIFTS},"x":0.5}}'))
    conv = ac.loads(text, "yoagent@0.22")
    assert ac.dumps(conv) == text.replace("449", "448")  # what restore + save writes
    assert ac.dumps(conv, as_saved=True) == text  # what save_messages() wrote
    assert conv.records[0]["data"]["ratio"] == parse_literal(DRIFTS)  # restore's value


def test_float_drift_note_names_the_literal_its_place_and_the_change() -> None:
    text = '[\n  {"role":"extension","kind":"k","data":{"a":[1,' + DRIFTS + "]}}\n]"
    conv = ac.loads(text, "yoagent@0.22")
    (note,) = conv.notes
    assert note.kind == "float-drift" and note.index == 0
    assert (note.pointer, note.line, note.column) == ("/0/data/a/1", 2, 49)
    assert f"changes {DRIFTS} to 0.9808861679331448" in note.message
    assert "yoagent@0.22" in note.message


def test_only_floats_the_crate_keeps_are_reported() -> None:
    # an unknown key and the first of a repeated key never reach save_messages()
    user = '{"role":"user","content":[],"timestamp":1,"mood":' + DRIFTS + "}"
    repeated = ext(f'{{"a":{DRIFTS},"a":1}}')
    conv = ac.loads(doc(user, repeated), "yoagent@0.22")
    assert [n.kind for n in conv.notes if n.kind == "float-drift"] == []
    assert {n.kind for n in conv.notes} == {"unknown-key", "duplicate-key"}


def test_drift_notes_do_not_change_which_dialect_auto_picks() -> None:
    text = doc(ext(f"[{DRIFTS}]"))
    assert ac.loads(text).dialect == ac.loads(doc(ext("[0.5]"))).dialect


def test_sessions_keep_their_layout_and_report_drift() -> None:
    line = (
        '{"id":"e1","parent_id":null,"message":'
        + ext(f'{{"big":1e16,"r":{DRIFTS}}}')
        + ',"timestamp":5}'
    )
    session = loads_session(line)
    assert (session.float_format, session.float_format_detected) == ("ryu", True)
    assert [(n.kind, n.pointer, n.line) for n in session.notes] == [
        ("float-drift", "/message/data/r", 1)
    ]
    assert dumps_session(session, as_saved=True) == line
    assert dumps_session(session) == line.replace("449", "448")
    assert dumps_session(session, float_format="zmij", as_saved=True) == line.replace(
        "1e16", "1e+16"
    )


def test_convert_carries_floats_as_saved_and_warns_about_drift() -> None:
    text = doc(ext(f'{{"r":{DRIFTS}}}'))
    conv = ac.loads(text, "yoagent@0.22")
    result = ac.convert(conv, "phi-core")  # no loss: the warning does not refuse
    assert DRIFTS in result.text
    assert result.lost == [] and [w.kind for w in result.warnings] == ["float-drift"]
    (warning,) = result.warnings
    assert warning.pointer == "/0/data/r" and "0.9808861679331448" in warning.why
    restored = ac.convert(conv, "phi-core", as_saved=False)
    assert "0.9808861679331448" in restored.text


def test_convert_warns_only_about_floats_the_target_keeps() -> None:
    """A drifting float in a key the target has no place for (providerMetadata in phi-core) is
    a loss, not a float the target's restore will change."""
    call = (
        '{"type":"toolCall","id":"c","name":"n","arguments":{},'
        f'"providerMetadata":{{"r":{DRIFTS}}}}}'
    )
    text = (
        f'[{{"role":"assistant","content":[{call}],"stopReason":"stop","model":"m",'
        '"provider":"p","usage":{"input":1,"output":1,"cacheRead":0,"cacheWrite":0,'
        '"totalTokens":2},"timestamp":1}]'
    )
    conv = ac.loads(text, "yoagent@0.22")
    assert [n.kind for n in conv.notes] == ["float-drift"]
    result = ac.convert(conv, "phi-core", allow_loss=True)
    assert result.warnings == [] and DRIFTS not in result.text
    assert [loss.pointer for loss in result.lost] == ["/0/content/0/providerMetadata"]


# -- command lines -------------------------------------------------------------------------------
def _validate(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = validate(list(args))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_validate_warns_about_drift_and_fails_only_under_strict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "saved.json"
    path.write_text(doc(ext(f'{{"ratio":{DRIFTS}}}')))
    code, text = _validate(capsys, str(path))
    assert code == 0
    assert f"changes {DRIFTS} to 0.9808861679331448" in text and ":1:" in text
    assert "restoring this file in yoagent 0.9.0–0.12.x changes" in text  # crate versions
    assert _validate(capsys, "--strict", str(path))[0] == 1


def test_canonical_accepts_what_save_messages_wrote(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "saved.json"
    path.write_text(doc(ext(f'{{"big":1e+16,"ratio":{DRIFTS}}}')))
    assert _validate(capsys, "--canonical", str(path))[0] == 0
    code, text = _validate(capsys, "--canonical", "--float-format", "ryu", str(path))
    assert code == 1 and "ryu floats" in text


def _convert(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = convert_cli(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_convert_cli_reports_drift_and_its_float_assumption_only_when_it_matters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    drift = tmp_path / "drift.json"
    drift.write_text(doc(ext(f'{{"ratio":{DRIFTS}}}')))
    code, out, err = _convert(capsys, str(drift), "--to", "phi-core")
    assert code == 0 and DRIFTS in out
    assert "warning:" in err and "1 float warning" in err and "note:" not in err
    # An integer beyond u64 becomes a float from 1e16 on; the text does not show the layout.
    huge = tmp_path / "huge.json"
    huge.write_text(doc(ext("[123456789012345678901]")))
    code, out, err = _convert(capsys, str(huge), "--to", "phi-core")
    assert code == 0 and "1.2345678901234568e+20" in out and "note:" in err
    code, out, err = _convert(capsys, str(huge), "--to", "phi-core", "--float-format", "ryu")
    assert "1.2345678901234568e20" in out and "note:" not in err
