"""Generated cases for yoagent's compaction (tests/test_compaction_interop.py): histories with
long tool outputs, configs with small budgets, and scripts for the real agent loop.

Everything is drawn from a seeded ``random.Random`` so a failing case can be replayed."""

from __future__ import annotations

import json
import random
from typing import Any

LOOP_PREFIXES = ["[Summary] ", "[Agent stopped: max turns]", "[You have called probe 3 times",
                 "[Context compacted: earlier messages removed to fit the context window]",
                 "[Extension message: note]"]  # fmt: skip
WORDS = ["lorem", "ipsum", "dolor", "sit", "amet", "über", "naïve", "😀", "x" * 30, "line"]


def _text(rng: random.Random, lines: int) -> str:
    """Text of ``lines`` lines, with CRLF, trailing newlines and multi-byte characters."""
    out = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 8))) for _ in range(lines)]
    sep = rng.choice(["\n", "\n", "\r\n"])
    text = sep.join(out)
    return text + rng.choice(["", "", "\n", "\r"])


def _user(rng: random.Random, ts: int) -> dict[str, Any]:
    text = _text(rng, rng.randint(1, 3))
    if rng.random() < 0.2:
        text = rng.choice(LOOP_PREFIXES) + text
    content: list[dict[str, Any]] = [{"type": "text", "text": text}]
    if rng.random() < 0.1:
        content.append({"type": "image", "data": "QUJD" * rng.randint(10, 400),
                        "mimeType": "image/png"})  # fmt: skip
    return {"role": "user", "content": content, "timestamp": ts}


def _assistant(rng: random.Random, ts: int, calls: list[str], v26: bool) -> dict[str, Any]:
    content: list[dict[str, Any]] = []
    if rng.random() < 0.3:
        block: dict[str, Any] = {"type": "thinking", "thinking": _text(rng, rng.randint(1, 4))}
        if v26 and rng.random() < 0.3:
            block["redacted"] = "QUJD" * rng.randint(1, 60)
            block["redactedProtocol"] = "anthropic-messages"
        content.append(block)
    if rng.random() < 0.8:
        long = rng.random() < 0.3
        content.append({"type": "text", "text": _text(rng, 12 if long else rng.randint(1, 2))})
    for i, call in enumerate(calls):
        args = {"part": i, "path": "/tmp/" + rng.choice(WORDS)}
        if rng.random() < 0.3:
            args["list"] = [1, 2.5, None, True]
        name = rng.choice(["dump", "bash", "grep"])
        arguments = dict(sorted(args.items()))  # serde_json's Map (no preserve_order) sorts
        content.append({"type": "toolCall", "id": call, "name": name, "arguments": arguments})
    n = ts % 97
    usage = {"input": 100 * n + 7, "output": 20 + n, "cacheRead": 50, "cacheWrite": 3,
             "totalTokens": 180 + 101 * n}  # fmt: skip
    return {"role": "assistant", "content": content, "stopReason": "toolUse" if calls else "stop",
            "model": "m", "provider": "p", "usage": usage, "timestamp": ts}  # fmt: skip


def _result(rng: random.Random, ts: int, call: str, name: str) -> dict[str, Any]:
    blocks = [{"type": "text", "text": _text(rng, rng.choice([0, 1, 3, 8, 20, 60]))}
              for _ in range(rng.choice([1, 1, 1, 2, 3]))]  # fmt: skip
    if rng.random() < 0.1:
        blocks.insert(
            rng.randint(0, len(blocks)),
            {"type": "image", "data": "QUJD" * 100, "mimeType": "image/png"},
        )
    return {"role": "toolResult", "toolCallId": call, "toolName": name, "content": blocks,
            "isError": rng.random() < 0.1, "timestamp": ts}  # fmt: skip


def history(rng: random.Random, v26: bool) -> list[dict[str, Any]]:
    """A plausible history: asks, tool turns (calls then their results), answers, extensions."""
    out: list[dict[str, Any]] = []
    ts = 1_700_000_000_000 + rng.randint(0, 10**6)
    for _ in range(rng.randint(1, 4)):
        ts += 1
        out.append(_user(rng, ts))
        for _ in range(rng.randint(0, 5)):
            ts += 1
            ids = [f"call_{ts}_{i}" for i in range(rng.choice([1, 1, 2, 3]))]
            reply = _assistant(rng, ts, ids, v26)
            out.append(reply)
            names = [b["name"] for b in reply["content"] if b["type"] == "toolCall"]
            for call, name in zip(ids, names, strict=True):
                out.append(_result(rng, ts, call, name))
            if rng.random() < 0.15:
                out.append({"role": "extension", "kind": "ui.note",
                            "data": {"n": rng.randint(0, 9), "s": rng.choice(WORDS)}})  # fmt: skip
            if rng.random() < 0.15:
                out.append(_user(rng, ts))
        ts += 1
        out.append(_assistant(rng, ts, [], v26))
    return out


def config(rng: random.Random, tokens: int) -> str:
    """A ContextConfig around a history of ``tokens`` estimated tokens (often over budget)."""
    overrides = {"read_file": 18446744073709551615}
    if rng.random() < 0.5:
        overrides[rng.choice(["dump", "bash", "grep"])] = rng.choice([0, 2, 4, 5, 7, 12, 10**9])
    ratio = rng.choice([0.7, 0.5, 0.3, 0.9, 1.0, 0.01, 1.5, round(rng.random(), 3)])
    value = {
        "max_context_tokens": rng.randint(0, max(tokens * 3 // 2, 1)),
        "system_prompt_tokens": rng.choice([0, 0, 10, 50, 200]),
        "keep_recent": rng.randint(0, 6),
        "keep_first": rng.randint(0, 4),
        "tool_output_max_lines": rng.choice([0, 1, 3, 4, 5, 6, 9, 20, 200]),
        "tool_output_max_lines_overrides": overrides,
        "compact_target_ratio": ratio,
        "compact_headroom_turns": rng.choice([None, 0, 1, 3, 30]),
        "truncate_tool_output_on_append": rng.random() < 0.7,
    }
    return json.dumps(value, ensure_ascii=False)


def script(rng: random.Random) -> tuple[list[dict[str, Any]], list[str]]:
    """Replies for the real loop (tool turns calling ``dump`` with blocks of lines, answers)
    and one prompt per run."""
    prompts = [f"Run {i}: {_text(rng, 1)}" for i in range(rng.randint(1, 3))]
    replies: list[dict[str, Any]] = []
    n = 0
    for _ in prompts:
        for _ in range(rng.randint(0, 4)):
            calls = []
            for _ in range(rng.choice([1, 1, 2])):
                n += 1
                blocks = [rng.choice([1, 5, 12, 40, 200]) for _ in range(rng.choice([1, 1, 2]))]
                calls.append([f"call_{n}", "dump", json.dumps({"part": n, "blocks": blocks})])
            thinking = [_text(rng, 2)] if rng.random() < 0.2 else []
            text = rng.choice([None, "Reading more.", _text(rng, 8)])
            replies.append({"thinking": thinking, "text": text, "calls": calls})
        replies.append({"thinking": [], "text": rng.choice(["Done.", _text(rng, 6)]), "calls": []})
    return replies, prompts
