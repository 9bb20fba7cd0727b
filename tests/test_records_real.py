"""The records of the real agent loops (fixtures/real, written by tests/interop-latest bin
``loops``): configuration types, phi-core session documents and the history an event stream
describes, against what the crates themselves wrote or re-wrote. The event lines themselves are
compared with the crates' restore+save in test_records_interop.py."""

from __future__ import annotations

import json
import os
from pathlib import Path

import agent_conversation as ac
import pytest
from agent_conversation.errors import ConversationError
from agent_conversation.records import dumps_config, loads_config
from agent_conversation.records.events import history_from_events, loads_events, split_runs
from agent_conversation.records.phi_sessions import dumps_phi_document, loads_phi_document

REAL = Path(
    os.environ.get("REAL_FIXTURES", Path(__file__).resolve().parent.parent / "fixtures" / "real")
)
CONFIGS = sorted(REAL.glob("*-*/config/*.json"))
RUNS = sorted(p.parent for p in REAL.glob("*-*/*/events.jsonl"))
SESSIONS = sorted(REAL.glob("phi-core-*/*/session.json"))

# Whole streams whose history cannot be rebuilt from the events alone (no `start`), and why.
HISTORY_LIMITS = {
    # Agent::append_message (yoagent) / BasicAgent::append_message (phi-core) adds a record to the
    # history outside the loop, with no event: `session.start` before run 1, `ui.note` between the
    # runs. Solved per run with `start` (test_each_run_from_the_history_it_started_from).
    "extension": "records appended outside the loop",
    # Session::seek_checkpoint + Agent::replace_messages fork the history between runs 2 and 3;
    # the stream's runs then do not follow each other. Solved per run with `start`.
    "session": "history forked outside the loop",
}


def _context_config(meta: dict) -> str | None:
    """The ContextConfig the agent ran with (serde_json::to_string), when the scenario set one:
    yoagent's DefaultCompaction rewrites the history with no event but AgentEnd's count, so
    history_from_events replays it from this (records/compaction_loop.py)."""
    return meta.get("context_config")


needs_real = pytest.mark.skipif(not RUNS, reason="fixtures/real is not in this checkout")


def _dialect(folder: Path) -> str:
    crate, _, version = folder.name.rpartition("-")
    return f"{crate}@{version}"


@needs_real
@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_real_config_types_round_trip(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    type_name = path.stem.split("-")[0]
    config = loads_config(text, _dialect(path.parent.parent), type_name)
    assert dumps_config(config, float_format="zmij") == text
    assert loads_config(text).type == type_name  # judged by content


@needs_real
@pytest.mark.parametrize("path", SESSIONS, ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}")
def test_real_phi_sessions_rewrite_as_the_crate_does(path: Path) -> None:
    """``load_session`` + ``save_session`` of the crate: the file itself, or the bytes the
    loops harness recorded when the crate's re-save differs (float literals read back 1 ulp off)."""
    meta = json.loads((path.parent / "meta.json").read_text(encoding="utf-8"))
    text = path.read_text(encoding="utf-8")
    expected = text if meta["session_restore_identical"] else meta["session_restore_save"]
    doc = loads_phi_document(text, _dialect(path.parent.parent))
    assert dumps_phi_document(doc, float_format="zmij") == expected


@needs_real
def test_real_015_sessions_are_refused_as_08() -> None:
    newest = [p for p in SESSIONS if p.parent.parent.name == "phi-core-0.15.2"]
    assert newest
    for path in newest:
        with pytest.raises(ConversationError, match="missing field `events`"):
            loads_phi_document(path.read_text(encoding="utf-8"), "phi-core@0.8.0")


@needs_real
@pytest.mark.parametrize("run", RUNS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_history_from_events_is_what_save_messages_returned(run: Path) -> None:
    events = (run / "events.jsonl").read_text(encoding="utf-8")
    dialect = _dialect(run.parent)
    loads_events(events, dialect)  # every line reads
    meta = json.loads((run / "meta.json").read_text(encoding="utf-8"))
    expected = meta.get("restore_save") or (run / "messages.json").read_text(encoding="utf-8")
    limit = HISTORY_LIMITS.get(run.name)
    config = _context_config(meta)
    ours = ac.dumps(
        history_from_events(events, dialect, context_config=config), float_format="zmij"
    )
    if limit is None:
        assert ours == expected
    else:
        assert ours != expected  # documented: state that no event carries


@needs_real
@pytest.mark.parametrize("run", RUNS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_each_run_from_the_history_it_started_from(run: Path) -> None:
    """``history_from_events(run, start=history before it)`` is the history the run left: the
    loops harness saved ``save_messages()`` before and after every prompt (meta.json)."""
    dialect = _dialect(run.parent)
    meta = json.loads((run / "meta.json").read_text(encoding="utf-8"))
    runs = split_runs((run / "events.jsonl").read_text(encoding="utf-8"), dialect)
    assert "".join(runs) == (run / "events.jsonl").read_text(encoding="utf-8")
    before, after = meta["history_before_runs"], meta["history_after_runs"]
    assert len(runs) == len(before) == len(after)
    assert after[-1] == (run / "messages.json").read_text(encoding="utf-8")
    config = _context_config(meta)
    for k, text in enumerate(runs):
        conversation = history_from_events(text, dialect, start=before[k], context_config=config)
        ours = ac.dumps(conversation, float_format="zmij")
        # what restore_messages() + save_messages() give for the saved history (the crate's
        # own bytes for the last run; floats held correctly rounded can read back 1 ulp off)
        expected = (
            meta["restore_save"]
            if k == len(runs) - 1
            else ac.dumps(ac.loads(after[k], dialect), float_format="zmij")
        )
        assert ours == expected, f"run {k}"
        start = ac.loads(before[k], dialect)  # a Conversation works as well as its text
        again = history_from_events(text, dialect, start=start, context_config=config)
        assert ac.dumps(again, float_format="zmij") == ours


@needs_real
@pytest.mark.parametrize("version", ["0.18.1", "0.26.6"])
def test_compaction_needs_the_context_config_the_agent_ran_with(version: str) -> None:
    """Without it the compacted run is refused (AgentEnd counts the rewrite); with a config
    the agent did not run with, the replay disagrees with that count and is refused too."""
    run = REAL / f"yoagent-{version}" / "compaction"
    events = (run / "events.jsonl").read_text(encoding="utf-8")
    meta = json.loads((run / "meta.json").read_text(encoding="utf-8"))
    dialect = f"yoagent@{version}"
    with pytest.raises(ConversationError, match=r"reports 1 compaction.*context_config="):
        history_from_events(events, dialect)
    config = loads_config(meta["context_config"], dialect, "ContextConfig")
    ours = history_from_events(events, dialect, context_config=config)  # a loaded Config
    assert ac.dumps(ours, float_format="zmij") == meta["restore_save"]
    roomy = json.loads(meta["context_config"]) | {"max_context_tokens": 100_000}
    with pytest.raises(ConversationError, match="reports 1 compaction.*gives 0"):
        history_from_events(events, dialect, context_config=roomy)  # a record works too
