"""yoagent's compaction, ours against the real crates (``loops --compaction`` of
tests/interop-latest), on generated cases (tests/compaction_cases.py):

- ``compact_messages``: generated histories and configs through the crate's
  ``context::compact_messages`` and through records/compaction.py, byte for byte;
- the agent loop: the real ``Agent`` with a ContextConfig over scripted tool turns, one run per
  prompt; ``history_from_events(events, context_config=...)`` must be ``save_messages()``.

Skips with a reason when cargo is missing, unless INTEROP_REQUIRED=1.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import agent_conversation as ac
import pytest
from agent_conversation.records.compaction import RULES, compact_messages, total_tokens
from agent_conversation.records.compaction_loop import context_settings
from agent_conversation.records.events import _start_messages, history_from_events
from agent_conversation.records.jsontext import to_json
from compaction_cases import config, history, script
from interop_harness import LATEST_MANIFEST, cargo, pipe_json_lines, target_dir

VERSIONS = ["0.18.1", "0.26.6"]
SEED = int(os.environ.get("COMPACTION_SEED", "1212"))


@pytest.fixture(scope="module")
def loops_bin() -> Path:
    exe = cargo()
    if exe is None:
        if os.environ.get("INTEROP_REQUIRED") == "1":
            pytest.fail("INTEROP_REQUIRED=1 but cargo is not installed")
        pytest.skip("cargo is not installed: the interop harness cannot be built")
    binary = target_dir(latest=True) / "release" / "loops"
    for _attempt in range(2):
        try:
            subprocess.run(
                [exe, "build", "--release", "--quiet", "--bin", "loops", "--manifest-path",
                 str(LATEST_MANIFEST), "--target-dir", str(target_dir(latest=True))],
                check=True,
            )  # fmt: skip
        except subprocess.CalledProcessError as err:
            if os.environ.get("INTEROP_REQUIRED") == "1":
                raise
            pytest.skip(f"the interop harness did not build: {err}")
        if _answers_cases(binary):
            return binary
        # The target directory is shared: a build of another checkout (its dep-info paths are
        # relative) can leave a binary cargo takes as fresh. Newer sources make it rebuild.
        (LATEST_MANIFEST.parent / "src" / "loops.rs").touch()
    pytest.fail("the loops binary does not answer --compaction cases")


def _answers_cases(binary: Path) -> bool:
    """Whether ``binary`` has the ``--compaction`` mode (one without it would take the flag for
    its output directory: it runs in a scratch directory)."""
    probe = {"mode": "compact", "config": config(random.Random(0), 10), "messages": "[]"}
    with tempfile.TemporaryDirectory() as scratch:
        proc = subprocess.run(
            [str(binary), "--compaction", "yoagent-0.26.6"], input=json.dumps(probe) + "\n",
            capture_output=True, text=True, timeout=120, cwd=scratch,
        )  # fmt: skip
    return proc.stdout.strip() == '{"messages":"[]"}'


def run_cases(binary: Path, version: str, cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    command = [str(binary), "--compaction", f"yoagent-{version}"]
    return pipe_json_lines(command, cases, cwd=tempfile.gettempdir())


def _level(before: list[Any], after: list[Any], rules: Any) -> str:
    """Which level the crate's result shows (for the coverage figures)."""
    marker = "[Context compacted: earlier messages removed"
    texts = [b.get("text", "") for m in after for b in m.get("content", [])]
    if any(t.startswith(marker) for t in texts):
        return "level 3"
    if any(t.startswith("[Summary] ") for t in texts) and len(after) != len(before):
        return "level 2"
    if total_tokens(after, rules) != total_tokens(before, rules):
        return "level 1"
    return "none"


@pytest.mark.parametrize("version", VERSIONS)
def test_compact_messages_agrees_with_the_crate(loops_bin: Path, version: str) -> None:
    rng = random.Random(f"{SEED}-compact-{version}")
    rules = RULES[version]
    dialect = f"yoagent@{version}"
    cases, inputs = [], []
    for _ in range(400):
        text = json.dumps(history(rng, version == "0.26.6"), ensure_ascii=False)
        written = _start_messages(text, dialect)  # the written form, as the crate reads it
        settings = config(rng, total_tokens(written, rules))
        cases.append({"mode": "compact", "config": settings, "messages": text})
        inputs.append(written)
    answers = run_cases(loops_bin, version, cases)
    levels: Counter[str] = Counter()
    bad = []
    for case, written, theirs in zip(cases, inputs, answers, strict=True):
        assert "error" not in theirs, theirs
        ours = compact_messages(written, context_settings(case["config"], dialect), rules)
        levels[_level(written, json.loads(theirs["messages"]), rules)] += 1
        if to_json(ours, "zmij") != theirs["messages"]:
            bad.append((case, to_json(ours, "zmij"), theirs["messages"]))
    print(f"\ncompact_messages {version}: {len(cases) - len(bad)}/{len(cases)} agree; {levels}")
    assert not bad, bad[0]
    assert min(levels[k] for k in ("none", "level 1", "level 2", "level 3")) >= 10, levels


@pytest.mark.parametrize("version", VERSIONS)
def test_history_from_events_replays_the_loop_s_compaction(loops_bin: Path, version: str) -> None:
    rng = random.Random(f"{SEED}-loop-{version}")
    dialect = f"yoagent@{version}"
    cases = []
    for _ in range(150):
        replies, prompts = script(rng)
        settings = json.loads(config(rng, 2500))
        settings["max_context_tokens"] = rng.randint(150, 4000)
        cases.append({"mode": "loop", "config": json.dumps(settings), "replies": replies,
                      "prompts": prompts})  # fmt: skip
    answers = run_cases(loops_bin, version, cases)
    compacted = 0
    bad = []
    for case, theirs in zip(cases, answers, strict=True):
        events = "".join(line + "\n" for line in theirs["events"])
        compacted += sum(
            json.loads(e).get("stats", {}).get("compactions", 0) for e in theirs["events"]
        )
        expected = ac.dumps(ac.loads(theirs["messages"], dialect), float_format="zmij")
        ours = history_from_events(events, dialect, context_config=case["config"])
        if ac.dumps(ours, float_format="zmij") != expected:
            bad.append((case, theirs))
        # Cut before the last AgentEnd: the last run from its MessageEnd events, whose tool
        # results are the whole outputs (the loop appended them cut to the line cap).
        assert json.loads(theirs["events"][-1])["type"] == "agentEnd"
        cut = "".join(line + "\n" for line in theirs["events"][:-1])
        ours = history_from_events(cut, dialect, context_config=case["config"])
        if ac.dumps(ours, float_format="zmij") != expected:
            bad.append((case, "cut before the last AgentEnd"))
    print(f"\nagent loop {version}: {len(cases) - len(bad)}/{len(cases)} histories agree "
          f"({compacted} compactions)")  # fmt: skip
    assert not bad, bad[0]
    assert compacted >= 80
