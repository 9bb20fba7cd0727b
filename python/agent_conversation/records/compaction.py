"""yoagent's ``DefaultCompaction`` (``context::compact_messages``), per crate version, over the
written form of a history (the messages as the event stream spells them).

What the crate does, step by step (``src/context.rs`` of 0.18.0/0.18.1 and 0.26.6): a history
whose token estimate fits ``max_context_tokens - system_prompt_tokens`` is left alone; else
level 1 cuts every tool result to its line cap (head + marker + tail), level 2 replaces the
assistant turns before the ``keep_recent`` tail by one-line ``[Summary]`` user messages, level 3
drops the smallest middle span that reaches the target (``compact_target_ratio`` of the budget)
behind a constant marker. The estimate is ``ceil(bytes / 4)`` per text (images by base64 size).
The crate's texts (markers, summaries) are its constants, copied below with their source.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..record_names import BLOCK, CONTENT, MESSAGE, ROLE
from .floats import to_f32
from .jsontext import to_json

USIZE_MAX = 2**64 - 1
# context.rs: the truncation marker takes 3 lines; a cut block keeps at least 5 (0.26.6).
_MARKER_LINES = 3
_MIN_BLOCK_LINES = _MARKER_LINES + 2
# context.rs constants (identical in 0.18.x and 0.26.6).
SUMMARY_PREFIX = "[Summary] "
COMPACTION_MARKER = "[Context compacted: earlier messages removed to fit the context window]"
_TOOLS_USED = "[Assistant used {} tool(s)]"
_RESPONSE = "[Assistant response]"
_TRUNCATED = "[... {} lines truncated ...]"
_SUMMARY_TEXT_MAX = 200  # bytes: longer assistant texts are left out of a level-2 summary
# types.rs is_loop_injected (0.26.6): user texts the loop or compaction wrote, never an ask.
_LOOP_INJECTED = (
    SUMMARY_PREFIX,
    COMPACTION_MARKER,
    "[Context compacted — summary of earlier conversation]",  # llm_compaction::SUMMARY_MARKER
    "[Agent stopped:",  # agent_loop::AGENT_STOPPED_PREFIX
    "[Agent stopped: repeated tool call —",  # agent_loop::LOOP_ABORT_PREFIX
    "[You have called ",  # agent_loop::LOOP_NUDGE_PREFIX
    "[Extension message: ",  # extension::EXTENSION_MESSAGE_PREFIX
)


@dataclass(frozen=True)
class Settings:
    """The ``ContextConfig`` fields compaction reads (``compact_target_ratio``: the f32)."""

    max_context_tokens: int
    system_prompt_tokens: int
    keep_recent: int
    keep_first: int
    tool_output_max_lines: int
    overrides: Mapping[str, int]  # tool_output_max_lines_overrides
    compact_target_ratio: float
    compact_headroom_turns: int | None
    truncate_on_append: bool = False  # truncate_tool_output_on_append


@dataclass(frozen=True)
class Rules:
    """What differs between the modeled versions' ``context.rs``."""

    min_headroom_ratio: float  # MIN_HEADROOM_RATIO (an f32)
    redacted_tokens: bool  # thinking's `redacted` data counts (0.26.6)
    shared_line_budget: bool  # a result's text blocks share its line cap (block_budgets)
    head_skips_results: bool  # safe_head_end also never ends the head before a tool result
    protected_tail: bool  # level 3 keeps the latest ask and the newest turn (keep_protected)


# The crate versions whose compaction is emulated (0.18.0 and 0.18.1 have the same context.rs
# and loop); "0.18" names that revision.
_V18 = Rules(to_f32(0.15), False, False, False, False)
RULES = {
    "0.18": _V18,
    "0.18.0": _V18,
    "0.18.1": _V18,
    "0.26.6": Rules(to_f32(0.30), True, True, True, True),
}

Message = dict[str, Any]


def estimate_tokens(text: str) -> int:
    """``text.len().div_ceil(4)``: UTF-8 bytes over four, rounded up."""
    return -(-len(text.encode("utf-8")) // 4)


def _json_len_tokens(value: Any) -> int:
    """``estimate_tokens(&value.to_string())`` of a ``serde_json::Value`` (serde_json >= 1.0.147
    float text; the written form keeps the crate's key order)."""
    return estimate_tokens(to_json(value, "zmij"))


def _content_tokens(content: list[Any], rules: Rules) -> int:
    total = 0
    for block in content:
        kind = block[BLOCK.type]
        if kind == CONTENT.text:
            total += estimate_tokens(block[BLOCK.text])
        elif kind == CONTENT.image:
            total += min(max(len(block[BLOCK.data]) * 3 // 4 // 750, 85), 16_000)
        elif kind == CONTENT.thinking:
            total += estimate_tokens(block[BLOCK.thinking])
            redacted = block.get(BLOCK.redacted)
            if rules.redacted_tokens and redacted is not None:
                total += len(redacted.encode("utf-8")) * 3 // 4 // 4
        elif kind == CONTENT.tool_call:
            args = _json_len_tokens(block[BLOCK.arguments])
            total += estimate_tokens(block[BLOCK.name]) + args + 8
    return total


def message_tokens(message: Message, rules: Rules) -> int:
    """``context::message_tokens``."""
    role = message.get(MESSAGE.role)
    if role == ROLE.extension:
        return _json_len_tokens(message[MESSAGE.data]) + 4
    tokens = _content_tokens(message[MESSAGE.content], rules)
    if role == ROLE.tool_result:
        return tokens + estimate_tokens(message[MESSAGE.tool_name]) + 8
    return tokens + 4


def total_tokens(messages: list[Message], rules: Rules) -> int:
    return sum(message_tokens(m, rules) for m in messages)


def rust_lines(text: str) -> list[str]:
    """``str::lines``: split at ``\\n`` or ``\\r\\n``; a final line ending adds no line."""
    parts = text.split("\n")
    lines = [p[:-1] if p.endswith("\r") else p for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])  # a `\r` without `\n` after it stays
    return lines


def _head_tail(text: str, max_lines: int) -> str:
    """``truncate_text_head_tail`` without a stash key."""
    lines = rust_lines(text)
    if len(lines) <= max_lines:
        return text
    if max_lines <= _MARKER_LINES + 1:
        return "\n".join(lines[:max_lines])
    keep = max_lines - _MARKER_LINES
    head = keep // 2
    tail = keep - head
    marker = _TRUNCATED.format(len(lines) - head - tail)
    return "\n".join(lines[:head]) + f"\n\n{marker}\n\n" + "\n".join(lines[len(lines) - tail :])


def _block_budgets(content: list[Any], max_lines: int) -> list[int]:
    """``block_budgets`` (0.26.6): one line cap shared by a result's text blocks."""
    counts = [
        len(rust_lines(b[BLOCK.text])) if b[BLOCK.type] == CONTENT.text else None for b in content
    ]
    budgets = [USIZE_MAX] * len(content)
    if min(sum(n for n in counts if n is not None), USIZE_MAX) <= max_lines:
        return budgets
    order = sorted((n, i) for i, n in enumerate(counts) if n is not None)
    left, rest = max_lines, len(order)
    cut: list[int] = []
    for n, i in order:
        if not cut and n <= left // rest:
            budgets[i] = n
            left -= n
            rest -= 1
        else:
            cut.append(i)
    cut.sort()
    share, extra = divmod(left, len(cut))
    floor = min(_MIN_BLOCK_LINES, max_lines)
    for k, i in enumerate(cut):
        budgets[i] = max(share + (1 if k < extra else 0), floor)
    return budgets


def truncate_tool_output(message: Message, config: Settings, rules: Rules) -> Message:
    """``truncate_tool_output``: a tool result's text blocks cut to the tool's line cap."""
    if message.get(MESSAGE.role) != ROLE.tool_result:
        return message
    name = message[MESSAGE.tool_name]
    max_lines = config.overrides.get(name, config.tool_output_max_lines)
    content = message[MESSAGE.content]
    if rules.shared_line_budget:
        budgets = _block_budgets(content, max_lines)
    else:
        budgets = [max_lines] * len(content)
    blocks = [
        {**b, BLOCK.text: _head_tail(b[BLOCK.text], cap)} if b[BLOCK.type] == CONTENT.text else b
        for b, cap in zip(content, budgets, strict=True)
    ]
    return {**message, MESSAGE.content: blocks}


def user_text(text: str, timestamp: int) -> Message:
    """A ``Message::User`` with one text block, in its written form."""
    block = {BLOCK.type: CONTENT.text, BLOCK.text: text}
    return {MESSAGE.role: ROLE.user, MESSAGE.content: [block], MESSAGE.timestamp: timestamp}


def has_role(message: Message, role: str) -> bool:
    return message.get(MESSAGE.role) == role


def _level2(messages: list[Message], keep_recent: int) -> list[Message]:
    """``level2_summarize_old_turns``."""
    length = len(messages)
    if length <= keep_recent:
        return list(messages)
    boundary = length - keep_recent  # safe_turn_start
    while 0 < boundary < length and has_role(messages[boundary], ROLE.tool_result):
        boundary -= 1
    if boundary == 0:
        return list(messages)
    out: list[Message] = []
    i = 0
    while i < boundary:
        message = messages[i]
        if has_role(message, ROLE.assistant):
            content = message[MESSAGE.content]
            texts = [
                b[BLOCK.text]
                for b in content
                if b[BLOCK.type] == CONTENT.text
                and len(b[BLOCK.text].encode("utf-8")) <= _SUMMARY_TEXT_MAX
            ]
            calls = sum(1 for b in content if b[BLOCK.type] == CONTENT.tool_call)
            summary = (
                " ".join(texts) if texts else _TOOLS_USED.format(calls) if calls else _RESPONSE
            )
            out.append(user_text(SUMMARY_PREFIX + summary, message[MESSAGE.timestamp]))
            i += 1
            while i < boundary and has_role(messages[i], ROLE.tool_result):
                i += 1
            continue
        if not has_role(message, ROLE.tool_result):
            out.append(message)
        i += 1
    return out + messages[boundary:]


def compact_messages(
    messages: list[Message], config: Settings, rules: Rules, size: int | None = None
) -> list[Message]:
    """``compact_messages(messages, config)`` of the crate version ``rules`` describe (``size``:
    the estimate of ``messages`` when the caller has it); ``messages`` itself when they fit."""
    from .compaction_drop import level3

    budget = max(config.max_context_tokens - config.system_prompt_tokens, 0)
    if size is None:
        size = total_tokens(messages, rules)
    if size <= budget:
        return messages
    ratio = config.compact_target_ratio
    ratio = min(max(ratio, to_f32(0.05)), 1.0) if math.isfinite(ratio) else 1.0
    target = math.floor(budget * ratio)
    compacted = [truncate_tool_output(m, config, rules) for m in messages]
    if total_tokens(compacted, rules) <= budget:
        return compacted
    compacted = _level2(compacted, config.keep_recent)
    if total_tokens(compacted, rules) <= target:
        return compacted
    return level3(compacted, config, target, budget, rules)


def is_loop_injected(text: str) -> bool:
    return text.startswith(_LOOP_INJECTED)
