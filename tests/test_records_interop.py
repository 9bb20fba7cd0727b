"""Interop: the records (configuration types, events, phi-core sessions) against the real crates.

Every document goes through the ``records`` bin of tests/interop-latest (the real crates' types,
newest serde_json: zmij floats) and through this package; both must accept the same documents
and write the same bytes. Skips with a reason when cargo is missing, unless INTEROP_REQUIRED=1.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
from pathlib import Path
from typing import Any

import pytest
from agent_conversation.errors import ConversationError
from agent_conversation.records import dumps_config, loads_config
from agent_conversation.records.events import dumps_event, loads_event
from agent_conversation.records.phi_sessions import (
    convert_phi_document,
    dumps_phi_document,
    loads_phi_document,
)
from interop_harness import cargo, pipe_json_lines
from records_cases import (
    _pretty,
    config_cases,
    event_cases,
    mutate,
    phi_session,
    session_cases,
)

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "tests" / "interop-latest" / "Cargo.toml"

CONFIG_VERSIONS = [
    "yoagent@0.4.0", "yoagent@0.8.0", "yoagent@0.12.0", "yoagent@0.13.0", "yoagent@0.15.0",
    "yoagent@0.17.0", "yoagent@0.18.1",
    "yoagent@0.26.6", "phi-core@0.7.0", "phi-core@0.8.0", "phi-core@0.10.0", "phi-core@0.15.2",
]  # fmt: skip


def target_dir() -> Path:
    default = Path.home() / ".cache" / "agent-conversation-format" / "interop-latest-target"
    return Path(os.environ.get("INTEROP_LATEST_TARGET_DIR", default))


def build_records() -> Path:
    exe = cargo()
    if exe is None:
        raise FileNotFoundError("cargo is not installed")
    subprocess.run(
        [exe, "build", "--release", "--quiet", "--bin", "records", "--manifest-path",
         str(MANIFEST), "--target-dir", str(target_dir())],
        check=True,
    )  # fmt: skip
    return target_dir() / "release" / "records"


def run_records(binary: Path, requests: list[tuple[str, str, str]]) -> list[dict[str, Any]]:
    """Answers of the records bin to (crate_version, type, doc) requests, in order."""
    lines = [{"crate_version": v, "type": t, "doc": doc} for v, t, doc in requests]
    return pipe_json_lines([str(binary)], lines, timeout=120)


@pytest.fixture(scope="module")
def records_bin() -> Path:
    if cargo() is None:
        if os.environ.get("INTEROP_REQUIRED") == "1":
            pytest.fail("INTEROP_REQUIRED=1 but cargo is not installed")
        pytest.skip("cargo is not installed: the interop harness cannot be built")
    try:
        return build_records()
    except subprocess.CalledProcessError as err:
        if os.environ.get("INTEROP_REQUIRED") == "1":
            raise
        pytest.skip(f"the interop harness did not build: {err}")


OVERRIDES = "tool_output_max_lines_overrides"


def config_outcome(
    version: str, type_name: str, doc: str, theirs: dict[str, Any]
) -> dict[str, Any]:
    """Our answer. A HashMap (ContextConfig's overrides) is written in any order by the crate:
    ours is compared in the crate's order of the same keys."""
    try:
        config = loads_config(doc, version, type_name)
    except ConversationError as err:
        return {"ok": False, "error": str(err)}
    overrides = config.value.get(OVERRIDES) if isinstance(config.value, dict) else None
    if overrides and theirs.get("ok"):
        their_map = json.loads(theirs["out"]).get(OVERRIDES, {})
        if set(their_map) == set(overrides):
            config.value[OVERRIDES] = {k: overrides[k] for k in their_map}
    return {"ok": True, "out": dumps_config(config, float_format="zmij", warn=False)}


def test_config_types_agree_with_the_crates(records_bin: Path) -> None:
    cases = config_cases()
    requests = [(v, t, doc) for v in CONFIG_VERSIONS for t, doc in cases]
    answers = run_records(records_bin, requests)
    disagreements = []
    accepted = 0
    for (version, type_name, doc), theirs in zip(requests, answers, strict=True):
        if theirs.get("error", "").startswith("harness:"):
            disagreements.append((version, type_name, doc, theirs))
            continue
        ours = config_outcome(version, type_name, doc, theirs)
        accepted += theirs["ok"]
        if ours["ok"] != theirs["ok"] or (ours["ok"] and ours["out"] != theirs["out"]):
            disagreements.append((version, type_name, doc, {"ours": ours, "theirs": theirs}))
    total = len(requests)
    print(
        f"\nconfig types: {total - len(disagreements)}/{total} agree "
        f"({accepted} accepted by the crates) over {len(CONFIG_VERSIONS)} crate versions"
    )
    assert not disagreements, "\n".join(repr(d) for d in disagreements[:20])


EVENT_VERSIONS = {
    "yoagent": [
        "yoagent@0.13.0",
        "yoagent@0.15.0",
        "yoagent@0.17.0",
        "yoagent@0.18.1",
        "yoagent@0.26.6",
    ],
    "phi-core": ["phi-core@0.8.0", "phi-core@0.10.0", "phi-core@0.15.2"],
}


def event_outcome(version: str, doc: str) -> dict[str, Any]:
    try:
        event = loads_event(doc, version)
    except ConversationError as err:
        return {"ok": False, "error": str(err)}
    return {"ok": True, "out": dumps_event(event, float_format="zmij")}


def test_agent_events_agree_with_the_crates(records_bin: Path) -> None:
    cases = event_cases()
    requests = [(v, "AgentEvent", doc) for crate, doc in cases for v in EVENT_VERSIONS[crate]]
    answers = run_records(records_bin, requests)
    disagreements = []
    accepted = 0
    for (version, _, doc), theirs in zip(requests, answers, strict=True):
        ours = event_outcome(version, doc)
        accepted += theirs["ok"]
        if ours["ok"] != theirs["ok"] or (ours["ok"] and ours["out"] != theirs["out"]):
            disagreements.append((version, doc, {"ours": ours, "theirs": theirs}))
    total = len(requests)
    print(
        f"\nagent events: {total - len(disagreements)}/{total} agree ({accepted} accepted by "
        "the crates) over 8 crate versions"
    )
    assert not disagreements, "\n".join(repr(d) for d in disagreements[:20])


SESSION_VERSIONS = ["phi-core@0.8.0", "phi-core@0.10.0", "phi-core@0.15.2"]


def session_outcome(version: str, doc: str) -> dict[str, Any]:
    try:
        session = loads_phi_document(doc, version)
    except ConversationError as err:
        return {"ok": False, "error": str(err)}
    return {"ok": True, "out": dumps_phi_document(session, float_format="zmij")}


def test_phi_session_documents_agree_with_the_crates(records_bin: Path) -> None:
    requests = [(v, "Session", doc) for doc in session_cases() for v in SESSION_VERSIONS]
    answers = run_records(records_bin, requests)
    disagreements = []
    accepted = 0
    for (version, _, doc), theirs in zip(requests, answers, strict=True):
        ours = session_outcome(version, doc)
        accepted += theirs["ok"]
        if ours["ok"] != theirs["ok"] or (ours["ok"] and ours["out"] != theirs["out"]):
            disagreements.append((version, doc[:200], {"ours": ours, "theirs": theirs}))
    total = len(requests)
    print(
        f"\nphi-core sessions: {total - len(disagreements)}/{total} agree ({accepted} accepted "
        "by the crates)"
    )
    assert not disagreements, "\n".join(repr(d)[:1500] for d in disagreements[:10])


def test_a_015_session_is_refused_as_08_with_the_crates_reason(records_bin: Path) -> None:
    doc = _pretty(phi_session("0.15.2"))
    theirs = run_records(records_bin, [("phi-core@0.8.0", "Session", doc)])[0]
    assert not theirs["ok"] and "missing field `events`" in theirs["error"]
    with pytest.raises(ConversationError) as caught:
        loads_phi_document(doc, "phi-core@0.8.0")
    problem = caught.value.problems[0]
    assert "missing field `events`" in problem.message
    assert problem.pointer == "/loops/0"


REAL = Path(
    os.environ.get("REAL_FIXTURES", Path(__file__).resolve().parent.parent / "fixtures" / "real")
)


@pytest.mark.skipif(
    not list(REAL.glob("*/*/events.jsonl")), reason="fixtures/real is not in this checkout"
)
def test_real_event_lines_agree_with_the_crates(records_bin: Path) -> None:
    """Every event the real loops emitted, restored and saved by the crate and by us."""
    requests = []
    for path in sorted(REAL.glob("*/*/events.jsonl")):
        crate, _, version = path.parent.parent.name.rpartition("-")
        for line in path.read_text(encoding="utf-8").split("\n"):
            if not line:
                continue
            requests.append((f"{crate}@{version}", "AgentEvent", line))
    answers = run_records(records_bin, requests)
    disagreements = []
    for (version, _, doc), theirs in zip(requests, answers, strict=True):
        assert theirs["ok"], theirs
        ours = event_outcome(version, doc)
        if ours != theirs:
            disagreements.append((version, doc[:300], ours, theirs))
    print(f"\nreal events: {len(requests) - len(disagreements)}/{len(requests)} agree")
    assert not disagreements, disagreements[:5]


def test_converted_phi_sessions_load_in_the_target_version(records_bin: Path) -> None:
    """A session converted to another layout loads there and re-saves as we wrote it."""
    fixtures = sorted((ROOT / "fixtures" / "records" / "phi-session").glob("*.json"))
    requests, expected = [], []
    for path in fixtures:
        source = path.stem.rpartition("-")[2]
        doc = loads_phi_document(path.read_text(encoding="utf-8"), f"phi-core@{source}")
        for target in SESSION_VERSIONS:
            converted, _ = convert_phi_document(doc, target)
            text = dumps_phi_document(converted, float_format="zmij")
            requests.append((target, "Session", text))
            expected.append(text)
    answers = run_records(records_bin, requests)
    for (target, _, _), theirs, ours in zip(requests, answers, expected, strict=True):
        assert theirs == {"ok": True, "out": ours}, target


@pytest.mark.skipif(
    not list(REAL.glob("*/*/events.jsonl")), reason="fixtures/real is not in this checkout"
)
def test_mutated_real_events_and_sessions_agree_with_the_crates(records_bin: Path) -> None:
    """Random one-place mutations of the real loops' events and phi-core session documents."""
    rng = random.Random(12)
    requests: list[tuple[str, str, str]] = []
    for path in sorted(REAL.glob("*/*/events.jsonl")):
        crate, _, version = path.parent.parent.name.rpartition("-")
        lines = [x for x in path.read_text(encoding="utf-8").split("\n") if x]
        for line in rng.sample(lines, min(len(lines), 12)):
            for _ in range(4):
                doc = json.dumps(mutate(json.loads(line), rng), ensure_ascii=False)
                requests.append((f"{crate}@{version}", "AgentEvent", doc))
    for path in sorted(REAL.glob("phi-core-*/*/session.json")):
        version = path.parent.parent.name.rpartition("-")[2]
        base = json.loads(path.read_text(encoding="utf-8"))
        for _ in range(40):
            doc = json.dumps(mutate(base, rng), indent=2, ensure_ascii=False)
            requests.append((f"phi-core@{version}", "Session", doc))
    answers = run_records(records_bin, requests)
    disagreements = []
    accepted = 0
    for (version, kind, doc), theirs in zip(requests, answers, strict=True):
        ours = (
            event_outcome(version, doc) if kind == "AgentEvent" else session_outcome(version, doc)
        )
        accepted += theirs["ok"]
        if ours["ok"] != theirs["ok"] or (ours["ok"] and ours["out"] != theirs["out"]):
            disagreements.append((version, doc[:300], ours, theirs))
    print(
        f"\nmutated real records: {len(requests) - len(disagreements)}/{len(requests)} agree "
        f"({accepted} accepted by the crates)"
    )
    assert not disagreements, "\n".join(repr(d)[:1200] for d in disagreements[:8])
