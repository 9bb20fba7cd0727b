"""Floats in the transcripts the crates' real agent loops wrote (fixtures/real, when present).

Each ``<crate>-<version>/<scenario>/messages.json`` is what ``save_messages()`` wrote (built with
the serde_json its ``meta.json`` names) and ``meta.json``'s ``restore_save`` what the crate wrote
after restoring it. With no options the codec must: pass ``--canonical`` on the saved file
(``as_saved``), predict ``restore_save`` (``dumps``), and name in ``float-drift`` notes exactly the
floats that differ between the two.
"""

from __future__ import annotations

import json
from pathlib import Path

import agent_conversation as ac
import pytest
from agent_conversation.cli.validate import main as validate
from agent_conversation.sessions import dumps_session, loads_session
from float_checks import changed_floats, drift_pairs

REAL = Path(__file__).resolve().parent.parent / "fixtures" / "real"
SAVED = sorted(REAL.glob("*/*/messages.json")) if REAL.is_dir() else []


def _dialect(path: Path) -> str:
    meta = json.loads((path.parent / "meta.json").read_text(encoding="utf-8"))
    return f"{meta['crate']}@{meta['version']}"


@pytest.mark.skipif(not SAVED, reason="no transcripts of the real agent loops in fixtures/real")
@pytest.mark.parametrize("path", SAVED, ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}")
def test_saved_transcripts_are_canonical_and_drift_is_named(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = path.read_text(encoding="utf-8")
    meta = json.loads((path.parent / "meta.json").read_text(encoding="utf-8"))
    conv = ac.loads(text)
    assert ac.dumps(conv, as_saved=True) == text
    assert ac.dumps(ac.loads(text, _dialect(path)), as_saved=True) == text
    restored = meta.get("restore_save")
    if restored is not None:
        assert ac.dumps(conv) == restored
        assert drift_pairs(conv.notes) == changed_floats(text, restored)
    assert validate(["--canonical", "-q", str(path)]) == 0
    capsys.readouterr()


SESSIONS = sorted(REAL.glob("yoagent-*/*/session.jsonl")) if REAL.is_dir() else []


@pytest.mark.skipif(not SESSIONS, reason="no yoagent session files in fixtures/real")
@pytest.mark.parametrize("path", SESSIONS, ids=lambda p: p.parent.parent.name)
def test_saved_sessions_are_canonical_and_drift_is_named(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    meta = json.loads((path.parent / "meta.json").read_text(encoding="utf-8"))
    session = loads_session(text)
    assert dumps_session(session, as_saved=True) == text
    restored = meta.get("session_restore_save")
    if restored is not None:
        assert dumps_session(session) == restored
        saved_lines, restored_lines = text.split("\n"), restored.split("\n")
        changed = [
            pair
            for mine, theirs in zip(saved_lines, restored_lines, strict=True)
            for pair in changed_floats(mine, theirs)
        ]
        assert drift_pairs(session.notes) == sorted(changed)
