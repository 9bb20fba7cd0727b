"""yoagent's compaction in records/compaction*.py without cargo: facts the crate's own unit tests
state (context.rs ``#[cfg(test)]`` of 0.26.6), Rust's ``str::lines``, and how
``history_from_events`` refuses what it cannot replay. The byte-for-byte proof against the real
crates is tests/test_compaction_interop.py."""

from __future__ import annotations

import json
from typing import Any

import agent_conversation as ac
import pytest
from agent_conversation.errors import ConversationError
from agent_conversation.records import loads_config
from agent_conversation.records.compaction import (
    RULES,
    Settings,
    compact_messages,
    estimate_tokens,
    message_tokens,
    rust_lines,
    truncate_tool_output,
)
from agent_conversation.records.compaction_loop import _target_ratio, replay_run
from agent_conversation.records.events import history_from_events

V26, V18 = RULES["0.26.6"], RULES["0.18.1"]


def _settings(**changes: Any) -> Settings:
    base = dict(
        max_context_tokens=100_000, system_prompt_tokens=4_000, keep_recent=10, keep_first=2,
        tool_output_max_lines=200, overrides={}, compact_target_ratio=0.699999988079071,
        compact_headroom_turns=30,
    )  # fmt: skip
    return Settings(**{**base, **changes})


def _lines(prefix: str, n: int) -> str:
    return "\n".join(f"{prefix}line {i}" for i in range(1, n + 1))


def _result(*blocks: str, name: str = "bash") -> dict[str, Any]:
    content = [{"type": "text", "text": b} for b in blocks]
    return {"role": "toolResult", "toolCallId": "c1", "toolName": name, "content": content,
            "isError": False, "timestamp": 1}  # fmt: skip


def _texts(message: dict[str, Any]) -> list[str]:
    return [b["text"] for b in message["content"]]


def test_rust_lines() -> None:
    # the example of str::lines' documentation
    assert rust_lines("foo\nbar\n\r\nbaz\r") == ["foo", "bar", "", "baz\r"]
    assert rust_lines("") == [] and rust_lines("\n") == [""] and rust_lines("a\n") == ["a"]
    assert rust_lines("a\r\nb\r\n") == ["a", "b"]


def test_estimate_counts_utf8_bytes() -> None:
    assert estimate_tokens("") == 0 and estimate_tokens("hello world") == 3
    assert estimate_tokens("é") == 1 and estimate_tokens("ééé") == 2  # 6 bytes
    ext = {"role": "extension", "kind": "status", "data": {"state": "ready"}}
    assert message_tokens(ext, V26) == estimate_tokens('{"state":"ready"}') + 4


@pytest.mark.parametrize("rules", [V18, V26], ids=["0.18.1", "0.26.6"])
def test_truncation_is_head_tail_and_idempotent(rules: Any) -> None:
    config = _settings(tool_output_max_lines=50)
    once = truncate_tool_output(_result(_lines("", 1000)), config, rules)
    (text,) = _texts(once)
    assert "[... 953 lines truncated ...]" in text and len(rust_lines(text)) == 50
    assert truncate_tool_output(once, config, rules) == once
    for cap in (1, 2, 3, 4):  # too small for a marker: the head only
        (head,) = _texts(truncate_tool_output(_result(_lines("", 100)), _settings(
            tool_output_max_lines=cap), rules))  # fmt: skip
        assert rust_lines(head) == [f"line {i}" for i in range(1, cap + 1)]


def test_a_result_s_blocks_share_its_line_cap_from_0_26() -> None:
    """the_line_budget_is_the_result_s_not_each_block_s: 300 + 10 + 300 lines under 200 keep
    95, 10, 95 (0.26.6); 0.18.1 gives each block the whole cap."""
    message = _result(_lines("a", 300), _lines("s", 10), _lines("c", 300))
    counts = [len(rust_lines(t)) for t in _texts(truncate_tool_output(message, _settings(), V26))]
    assert counts == [95, 10, 95]
    counts = [len(rust_lines(t)) for t in _texts(truncate_tool_output(message, _settings(), V18))]
    assert counts == [200, 10, 200]
    exempt = _settings(overrides={"bash": 2**64 - 1})
    assert truncate_tool_output(message, exempt, V26) == message


def _turns(n: int, lines: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [
        {"role": "user", "content": [{"type": "text", "text": "task"}], "timestamp": 1}
    ]
    for i in range(n):
        call = {"type": "toolCall", "id": f"c{i}", "name": "bash", "arguments": {"i": i}}
        usage = dict.fromkeys(["input", "output", "cacheRead", "cacheWrite", "totalTokens"], 0)
        out.append({"role": "assistant", "content": [call], "stopReason": "toolUse",
                    "model": "m", "provider": "p", "usage": usage, "timestamp": 2 + i})  # fmt: skip
        out.append({**_result(_lines(f"{i}-", lines)), "toolCallId": f"c{i}", "timestamp": 2 + i})
    return out


@pytest.mark.parametrize("rules", [V18, V26], ids=["0.18.1", "0.26.6"])
def test_each_level(rules: Any) -> None:
    history = _turns(6, 40)
    fits = _settings(max_context_tokens=10**6)
    assert compact_messages(history, fits, rules) is history
    size = sum(message_tokens(m, rules) for m in history)
    level1 = _settings(max_context_tokens=size - 1, system_prompt_tokens=0, tool_output_max_lines=5)
    once = compact_messages(history, level1, rules)
    assert len(once) == len(history) and _texts(once[2]) == [
        "0-line 1\n\n[... 38 lines truncated ...]\n\n0-line 40"
    ]
    level2 = _settings(max_context_tokens=200, system_prompt_tokens=0, tool_output_max_lines=5,
                       keep_recent=4, compact_target_ratio=1.0)  # fmt: skip
    summarized = compact_messages(history, level2, rules)
    assert [m["role"] for m in summarized[:5]] == ["user"] * 5
    assert _texts(summarized[1]) == ["[Summary] [Assistant used 1 tool(s)]"]
    level3 = _settings(max_context_tokens=120, system_prompt_tokens=0, tool_output_max_lines=5,
                       keep_recent=2, keep_first=1)  # fmt: skip
    dropped = compact_messages(history, level3, rules)
    marker = "[Context compacted: earlier messages removed to fit the context window]"
    assert any(_texts(m) == [marker] for m in dropped if m["role"] == "user")
    assert len(dropped) < len(summarized)


def test_headroom_ratio_is_f32_and_floored_per_version() -> None:
    config = _settings(max_context_tokens=10_000, system_prompt_tokens=0)
    assert _target_ratio(config, 0.0, V26) == config.compact_target_ratio  # no growth yet
    assert _target_ratio(config, 100.0, V26) == pytest.approx(0.699999988, abs=1e-9)
    assert _target_ratio(config, 200.0, V26) == pytest.approx(0.4, abs=1e-7)  # 1 - 30*200/1e4
    assert _target_ratio(config, 1000.0, V26) == pytest.approx(0.30000001192092896)
    assert _target_ratio(config, 1000.0, V18) == pytest.approx(0.15000000596046448)


def test_replay_counts_what_changed() -> None:
    history = _turns(3, 40)
    reply = {**history[1], "content": [{"type": "text", "text": "done"}], "stopReason": "stop"}
    prompt = history[0]
    after, count = replay_run(history, [prompt, reply], _settings(), V26)
    assert after == [*history, prompt, reply] and count == 0
    tight = _settings(max_context_tokens=60, system_prompt_tokens=0, tool_output_max_lines=5)
    after, count = replay_run(history, [prompt, reply], tight, V26)
    assert count == 1 and after[-1] == reply and len(after) < len(history) + 2


def _stream(compactions: int) -> str:
    user = {"role": "user", "content": [{"type": "text", "text": "hi"}], "timestamp": 1}
    stats = {"usage": {"input": 0, "output": 0, "cacheRead": 0, "cacheWrite": 0,
             "totalTokens": 0}, "turns": 1, "compactions": compactions}  # fmt: skip
    events = [{"type": "agentStart"}, {"type": "agentEnd", "messages": [user], "stats": stats}]
    return "".join(json.dumps(e) + "\n" for e in events)


def test_history_from_events_refuses_what_it_cannot_replay() -> None:
    assert len(history_from_events(_stream(0), "yoagent@0.26.6")) == 1
    with pytest.raises(ConversationError, match=r"reports 2 compaction.*context_config=") as err:
        history_from_events(_stream(2), "yoagent@0.26.6")
    assert err.value.problems[0].line == 2
    config = '{"max_context_tokens":1,"system_prompt_tokens":0,"keep_recent":1,"keep_first":1,'
    config += '"tool_output_max_lines":1,"compact_target_ratio":0.5,'
    config += '"truncate_tool_output_on_append":true}'
    with pytest.raises(ConversationError, match="reports 2 compaction.*gives 0"):
        history_from_events(_stream(2), "yoagent@0.26.6", context_config=config)
    with pytest.raises(ConversationError, match=r"compaction of yoagent 0\.17\.0 is not emulated"):
        history_from_events(_stream(0), "yoagent@0.17.0", context_config=config)
    limits = loads_config('{"max_turns":1,"max_total_tokens":2,"max_duration":{"secs":3,'
                          '"nanos":0},"max_consecutive_identical_tool_calls":3}')  # fmt: skip
    with pytest.raises(ConversationError, match="a ExecutionLimits, not a ContextConfig"):
        history_from_events(_stream(0), "yoagent@0.26.6", context_config=limits)
    with pytest.raises(ConversationError, match="max_context_tokens"):
        history_from_events(_stream(0), "yoagent@0.26.6", context_config="{}")
    ok = history_from_events(_stream(0), "yoagent@0.26.6", context_config=config)
    assert ac.dumps(ok).startswith('[{"role":"user"')
