"""``dump`` writes exactly the bytes of ``dumps`` (made as bytes, no str round trip)."""

from __future__ import annotations

from pathlib import Path

import agent_conversation as ac
import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "examples"


@pytest.mark.parametrize("dialect", ["yoagent@0.18.0", "yoagent@0.9", "phi-core@0.10"])
def test_dump_writes_dumps_encoded(dialect: str, tmp_path: Path) -> None:
    conv = ac.loads((EXAMPLES / "conversation.json").read_bytes())
    if dialect.startswith("phi-core"):
        conv = ac.loads(ac.convert(conv, dialect).text)
    for as_saved in (False, True):
        text = ac.dumps(conv, dialect, as_saved=as_saved)
        ac.dump(conv, tmp_path / "out.json", dialect, as_saved=as_saved)
        assert (tmp_path / "out.json").read_bytes() == text.encode("utf-8")


@pytest.mark.parametrize("float_format", ["zmij", "ryu"])
def test_dump_keeps_non_ascii_and_float_layout(float_format: str, tmp_path: Path) -> None:
    text = (
        '[{"role":"user","content":[{"type":"text","text":"café ✓ 🚀"}],"timestamp":1},'
        '{"role":"extension","kind":"k","data":{"x":1e+16,"y":0.1}}]'
    )
    conv = ac.loads(text, "yoagent@0.18")
    ac.dump(conv, tmp_path / "out.json", float_format=float_format)
    expected = text if float_format == "zmij" else text.replace("e+16", "e16")
    assert (tmp_path / "out.json").read_bytes() == expected.encode("utf-8")
    assert ac.dumps(conv, float_format=float_format) == expected


def test_dump_refuses_what_dumps_refuses(tmp_path: Path) -> None:
    conv = ac.loads((EXAMPLES / "conversation.json").read_bytes())
    with pytest.raises(ac.ConversationError):
        ac.dump(conv, tmp_path / "out.json", "phi-core@0.10")
    assert not (tmp_path / "out.json").exists()
