"""``dumps_bytes`` and ``dump`` write exactly the bytes of ``dumps`` (no str round trip)."""

from __future__ import annotations

from pathlib import Path

import pytest

import agent_conversation as ac

EXAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "examples"


@pytest.mark.parametrize("dialect", ["yoagent@0.18.0", "yoagent@0.9", "phi-core@0.10"])
def test_dumps_bytes_is_dumps_encoded(dialect: str, tmp_path: Path) -> None:
    data = (EXAMPLES / "conversation.json").read_bytes()
    conv = ac.loads(data)
    if dialect.startswith("phi-core"):
        conv = ac.loads(ac.convert(conv, dialect).text)
    for as_saved in (False, True):
        text = ac.dumps(conv, dialect, as_saved=as_saved)
        raw = ac.dumps_bytes(conv, dialect, as_saved=as_saved)
        assert isinstance(raw, bytes)
        assert raw == text.encode("utf-8")
        ac.dump(conv, tmp_path / "out.json", dialect, as_saved=as_saved)
        assert (tmp_path / "out.json").read_bytes() == raw


def test_dumps_bytes_keeps_non_ascii_and_float_layout() -> None:
    text = (
        '[{"role":"user","content":[{"type":"text","text":"café ✓ 🚀"}],"timestamp":1},'
        '{"role":"extension","kind":"k","data":{"x":1e+16,"y":0.1}}]'
    )
    conv = ac.loads(text, "yoagent@0.18")
    assert ac.dumps_bytes(conv) == text.encode("utf-8")
    assert ac.dumps_bytes(conv, float_format="ryu") == text.replace("e+16", "e16").encode()


def test_dumps_bytes_refuses_what_dumps_refuses() -> None:
    conv = ac.loads((EXAMPLES / "conversation.json").read_bytes())
    with pytest.raises(ac.ConversationError):
        ac.dumps_bytes(conv, "phi-core@0.10")
