"""The codec against what the crates' REAL agent loops wrote (tests/interop-latest bin `loops`).

Every check runs on the committed run (fixtures/real/) and on a fresh run of the loops made here
(built from crates.io with the newest serde_json). The fresh run and the checks through the
`conversation` bin skip when cargo is missing, unless INTEROP_REQUIRED=1 (CI sets it).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import agent_conversation as ac
import pytest
from agent_conversation.codec.numbers import format_f64
from agent_conversation.conversion import convert_session
from agent_conversation.sessions import dumps_session, loads_phi_session, loads_session
from float_checks import changed_floats
from interop_harness import Harness, cargo
from interop_harness import build as build_ryu_harness
from real_loops_harness import (
    COMMITTED,
    HARNESS_NAME,
    MANIFEST,
    RealRun,
    build,
    real_runs,
    run_loops,
)

# Literals held correctly rounded when they come from Rust literals, and the text serde_json's
# default (not correctly rounded) parse makes of them on restore.
DRIFTING = {
    "0.9808861679331449": "0.9808861679331448",
    "1.2345678901234567e+20": "1.2345678901234568e+20",
}


def restored(text: str) -> str:
    for literal, after in DRIFTING.items():
        text = text.replace(literal, after)
    return text


YOAGENT = ["yoagent-0.26.6", "yoagent-0.18.1", "yoagent-0.12.0"]
PHI_CORE = ["phi-core-0.15.2", "phi-core-0.8.0"]
YOAGENT_SCENARIOS = {"thinking-tools", "provider-errors", "retry", "cancel", "abort", "refusal"}
YOAGENT_SCENARIOS |= {"extension", "session", "compaction", "limits", "steering"}
PHI_SCENARIOS = {"thinking-tools", "provider-errors", "retry", "cancel", "guardrail"}
PHI_SCENARIOS |= {"extension", "revert", "limits", "steering"}
EXPECTED = {cv: YOAGENT_SCENARIOS | {"loop-detection"} for cv in YOAGENT[:2]}
EXPECTED |= {"yoagent-0.12.0": YOAGENT_SCENARIOS}  # no loop detection before 0.18
EXPECTED |= {cv: PHI_SCENARIOS for cv in PHI_CORE}
CONFIG_TYPES = ["CacheConfig", "ToolExecutionStrategy", "ContextConfig", "ExecutionLimits"]

# Runs whose saved messages a restore changes: exactly those holding 0.9808861679331449 from a
# Rust literal (yoagent providerMetadata, extension record data). Tool-call arguments were parsed
# from text by serde_json itself, so they already hold ...448 and never drift.
DRIFT = {f"{cv}/{s}" for cv in YOAGENT for s in ("thinking-tools", "extension", "session")}
DRIFT |= {f"{cv}/extension" for cv in PHI_CORE}
# Session files a re-load changes the same way: yoagent sessions start with an extension record;
# phi-core 0.8 documents keep the loop's events, whose tool results carry `details` literals.
SESSION_DRIFT = {f"{cv}/session" for cv in YOAGENT}
SESSION_DRIFT |= {
    f"phi-core-0.8.0/{s}" for s in ("thinking-tools", "cancel", "revert", "limits", "steering")
}


def _required() -> bool:
    return os.environ.get("INTEROP_REQUIRED") == "1"


@pytest.fixture(scope="module")
def binaries() -> tuple[Path, Path]:
    if cargo() is None:
        if _required():
            pytest.fail("INTEROP_REQUIRED=1 but cargo is not installed")
        pytest.skip("cargo is not installed: the real agent loops cannot be built")
    try:
        return build()
    except subprocess.CalledProcessError as err:
        if _required():
            raise
        pytest.skip(f"the loops driver did not build: {err}")


@pytest.fixture(scope="module")
def harness(binaries: tuple[Path, Path]) -> Harness:
    return Harness(binaries[1])


@pytest.fixture(scope="module")
def fresh_root(binaries: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("real-loops")
    run_loops(binaries[0], out)
    return out


@pytest.fixture(scope="module", params=["committed", "fresh"])
def root(request: pytest.FixtureRequest) -> Path:
    if request.param == "committed":
        return COMMITTED
    return request.getfixturevalue("fresh_root")


@pytest.fixture(scope="module")
def runs(root: Path) -> list[RealRun]:
    return real_runs(root)


def test_every_crate_version_ran_every_scenario(root: Path, runs: list[RealRun]) -> None:
    found: dict[str, set[str]] = {}
    for run in runs:
        found.setdefault(f"{run.crate}-{run.version}", set()).add(run.scenario)
    assert found == EXPECTED
    for crate_version in EXPECTED:
        names = {p.name for p in (root / crate_version / "config").iterdir()}
        for ty in CONFIG_TYPES:
            assert f"{ty}-default.json" in names, f"{crate_version}: no {ty}-default.json"
        assert len(names) == 12, f"{crate_version}: {sorted(names)}"


_VARYING = "timestamp|created_at|last_active_at|started_at|ended_at|delayMs"


def _masked(text: str) -> str:
    """``text`` with what varies between runs masked: times, UUIDs, retry jitter."""
    text = re.sub(rf'(\\?"(?:{_VARYING})\\?":\s*)(\\?"[^"\\]*\\?"|\d+)', r"\g<1>0", text)
    text = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "UUID", text)
    return re.sub(r"\d{4}-\d\d-\d\dT[0-9:.]+Z", "TIME", text)


def test_the_committed_run_is_what_the_driver_writes_today(fresh_root: Path) -> None:
    """Masked of what varies between runs. Not compared: phi-core's events and session
    documents, whose captured requests phi-core 0.15 sorts by millisecond timestamp (user first on
    ties), so their order depends on timing; config files compare as JSON values (yoagent's
    ContextConfig override map is a HashMap, its key order varies per run)."""
    differ = []
    for path in sorted(COMMITTED.rglob("*")):
        relative = path.relative_to(COMMITTED)
        fresh = fresh_root / relative
        if path.is_dir() or path.name == "README.md":
            continue
        if relative.parts[0].startswith("phi-core") and path.name in (
            "events.jsonl",
            "session.json",
        ):
            continue
        committed_text = path.read_text(encoding="utf-8")
        fresh_text = fresh.read_text(encoding="utf-8")
        if relative.parts[1] == "config":
            same = json.loads(committed_text) == json.loads(fresh_text)
        else:
            same = _masked(committed_text) == _masked(fresh_text)
        if not same:
            differ.append(str(relative))
    assert not differ, "regenerate fixtures/real (see its README)"
    assert {p.relative_to(fresh_root) for p in fresh_root.rglob("*")} == {
        p.relative_to(COMMITTED) for p in COMMITTED.rglob("*") if p.name != "README.md"
    }


def test_meta_names_the_writer(runs: list[RealRun]) -> None:
    lock = (MANIFEST.parent / "Cargo.lock").read_text(encoding="utf-8")
    serde_json = re.search(r'name = "serde_json"\nversion = "([^"]+)"', lock)
    assert serde_json is not None
    for run in runs:
        meta = run.meta
        assert (meta["crate"], meta["version"], meta["scenario"]) == (
            run.crate,
            run.version,
            run.scenario,
        )
        assert meta["serde_json"] == serde_json.group(1)
        assert meta["description"]
        assert "restore_save" in meta, f"{run.key}: {meta.get('restore_error')}"


def test_a_restore_changes_exactly_the_rust_literal_floats(runs: list[RealRun]) -> None:
    drifting = {run.key for run in runs if run.messages != run.meta["restore_save"]}
    assert drifting == DRIFT
    for run in runs:
        if run.key in DRIFT:
            assert "0.9808861679331449" in run.messages
            assert restored(run.messages) == run.meta["restore_save"], run.key


def test_the_codec_reads_and_writes_every_saved_conversation(runs: list[RealRun]) -> None:
    """``dumps`` writes what the crate wrote; on DRIFT runs, what its restore + save writes.

    Today ``dumps`` has restore semantics for floats (each literal re-parsed as serde_json's
    default parser does), so on the DRIFT runs it equals ``meta.restore_save``, not the file:
    issue 9 item 2 changes that, and this test then needs the DRIFT branch flipped.
    """
    wrong = []
    for run in runs:
        out = ac.dumps(ac.loads(run.messages, run.dialect), float_format="zmij")
        expected = run.meta["restore_save"] if run.key in DRIFT else run.messages
        if out != expected:
            wrong.append(run.key)
    assert not wrong


def test_yoagent_sessions_load_and_write_back(runs: list[RealRun]) -> None:
    sessions = [run for run in runs if run.text("session.jsonl") is not None]
    assert {run.key for run in sessions} == {f"{cv}/session" for cv in YOAGENT}
    for run in sessions:
        text = run.text("session.jsonl") or ""
        meta = run.meta
        session = loads_session(text, run.dialect)
        parents = {entry.parent_id for entry in session.entries}
        tips = [entry.id for entry in session.entries if entry.id not in parents]
        assert tips == meta["branch_tips"], run.key
        assert session.entries[-1].id == meta["head"]
        assert [e.label for e in session.entries if e.label] == ["after-probe", "branch-two"]
        expected = meta.get("session_restore_save", text)
        assert meta["session_restore_identical"] == (run.key not in SESSION_DRIFT)
        assert dumps_session(session, float_format="zmij") == expected, run.key


def test_phi_core_session_documents_load(runs: list[RealRun]) -> None:
    documents = [run for run in runs if run.text("session.json") is not None]
    assert {run.key for run in documents} == {f"{cv}/{s}" for cv in PHI_CORE for s in PHI_SCENARIOS}
    for run in documents:
        text = run.text("session.json") or ""
        session = loads_phi_session(text, run.dialect)
        assert session.arrays, run.key
        assert not [n for n in session.notes if n.kind != "loss"], run.key
        assert run.meta["session_restore_identical"] == (run.key not in SESSION_DRIFT)
        if run.key in SESSION_DRIFT:
            assert restored(text) == run.meta["session_restore_save"]


def test_event_streams_are_one_tagged_object_per_line(runs: list[RealRun]) -> None:
    for run in runs:
        text = run.text("events.jsonl")
        assert (text is not None) == run.meta["events_serializable"], run.key
        assert (text is None) == (run.dialect == "yoagent@0.12.0"), run.key
        if text is None:
            continue
        assert text.endswith("\n")
        # split on "\n" only: serde_json writes U+2028 raw, which str.splitlines() splits on
        events = [json.loads(line) for line in text[:-1].split("\n")]
        kinds = [event["type"] for event in events]
        start, end = (
            ("agentStart", "agentEnd") if run.crate == "yoagent" else ("AgentStart", "AgentEnd")
        )
        assert kinds[0] == start and end in kinds, run.key


def test_the_crates_restore_what_they_saved(harness: Harness, runs: list[RealRun]) -> None:
    """The `conversation` bin (restore_messages + save_messages, the same crate build) agrees
    with the agent's own restore + save recorded in meta.json."""
    requests = [(HARNESS_NAME[run.dialect], run.messages, "conversation") for run in runs]
    sessions = [run for run in runs if run.text("session.jsonl") is not None]
    requests += [
        (HARNESS_NAME[r.dialect], r.text("session.jsonl") or "", "session") for r in sessions
    ]
    answers = harness.run_many(requests)
    expected = [run.meta["restore_save"] for run in runs]
    expected += [r.meta.get("session_restore_save", r.text("session.jsonl")) for r in sessions]
    assert [a.get("out", a.get("error")) for a in answers] == expected


def _targets(dialect: str) -> list[tuple[str, dict[str, str]]]:
    """Every other crate version the loops ran, with the stop reason the target lacks mapped."""
    targets = []
    for target in HARNESS_NAME:
        if target != dialect:
            other_crate = target.split("@")[0] != dialect.split("@")[0]
            mapping = {"refusal": "guardRail"} if target.startswith("phi-core") else {}
            mapping = mapping if other_crate else {}
            if other_crate and target.startswith("yoagent"):
                mapping = {"guardRail": "refusal"}
            targets.append((target, mapping))
    return targets


def _only_warned_floats_change(result: Any, text: str, out: str) -> bool:
    """The target's re-save equals what convert wrote, except exactly the floats convert warned
    about (serde_json reads them one ulp off: no file carries them through restore + save)."""
    warned = sorted(format_f64(float(w.what.split()[1]), True) for w in result.warnings)
    pairs = [p for a, b in zip(text.split("\n"), out.split("\n"), strict=True) for p in
             changed_floats(a, b)]  # fmt: skip
    return sorted(ours for ours, _ in pairs) == warned


def test_conversions_are_accepted_and_resaved_unchanged_by_every_other_version(
    harness: Harness, runs: list[RealRun]
) -> None:
    """Every conversion is accepted by the target crate and re-saved unchanged but for the
    floats convert warns about."""
    requests, keys = [], []
    results: dict[tuple[str, str], Any] = {}
    for run in runs:
        conv = ac.loads(run.messages, run.dialect)
        for target, mapping in _targets(run.dialect):
            result = ac.convert(
                conv, target, allow_loss=True, stop_reason_map=mapping, float_format="zmij"
            )
            requests.append((HARNESS_NAME[target], result.text, "conversation"))
            keys.append((run.key, target, result.text))
            results[(run.key, target)] = result
    answers = harness.run_many(requests)
    refused = [
        (key, target, a["error"])
        for (key, target, _), a in zip(keys, answers, strict=True)
        if not a["ok"]
    ]
    assert not refused
    changed = [
        (key, target)
        for (key, target, text), a in zip(keys, answers, strict=True)
        if not _only_warned_floats_change(results[(key, target)], text, a["out"])
    ]
    assert not changed


def test_converted_sessions_are_accepted_and_resaved_unchanged(
    harness: Harness, runs: list[RealRun]
) -> None:
    requests, texts = [], []
    results: dict[tuple[str, str], Any] = {}
    for run in runs:
        text = run.text("session.jsonl")
        if text is None:
            continue
        session = loads_session(text, run.dialect)
        for target in ("yoagent@0.26.6", "yoagent@0.18.1", "yoagent@0.12.0"):
            if target != run.dialect:
                result = convert_session(session, target, allow_loss=True, float_format="zmij")
                requests.append((HARNESS_NAME[target], result.text, "session"))
                texts.append((run.key, target, result.text))
                results[(run.key, target)] = result
    assert len(requests) == 6
    answers = harness.run_many(requests)
    wrong = [
        (key, target, a.get("error"))
        for (key, target, text), a in zip(texts, answers, strict=True)
        if not a["ok"] or not _only_warned_floats_change(results[(key, target)], text, a["out"])
    ]
    assert not wrong


@pytest.fixture(scope="module")
def ryu_harness() -> Harness:
    """The crates built with serde_json 1.0.146 (ryu float text): tests/interop."""
    if cargo() is None:
        if _required():
            pytest.fail("INTEROP_REQUIRED=1 but cargo is not installed")
        pytest.skip("cargo is not installed: the serde_json 1.0.146 harness cannot be built")
    try:
        return Harness(build_ryu_harness())
    except subprocess.CalledProcessError as err:
        if _required():
            raise
        pytest.skip(f"the serde_json 1.0.146 harness did not build: {err}")


def test_ryu_dumps_is_what_the_crates_write_with_serde_json_1_0_146(
    ryu_harness: Harness, runs: list[RealRun]
) -> None:
    """The same files restored and saved by the crates built with serde_json 1.0.146:
    ``dumps(float_format="ryu")`` writes those bytes."""
    old = ryu_harness
    # tests/interop pins yoagent 0.18.0 (the same wire revision as 0.18.1).
    names = HARNESS_NAME | {"yoagent@0.18.1": "yoagent@0.18.0"}
    answers = old.run_many([(names[run.dialect], run.messages, "conversation") for run in runs])
    wrong = []
    for run, answer in zip(runs, answers, strict=True):
        ours = ac.dumps(ac.loads(run.messages, run.dialect), float_format="ryu")
        if not answer["ok"] or answer["out"] != ours:
            wrong.append(run.key)
    assert not wrong
