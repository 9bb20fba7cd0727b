"""Level 3 of yoagent's ``compact_messages``: drop the middle of the history behind a marker.

0.18.x (``level3_drop_middle`` + ``keep_within_budget``): keep ``keep_first`` messages, drop the
smallest middle span that reaches the target (never more than leaves ``keep_recent``); still
over it, keep only the newest messages that fit. 0.26.6 (``level3_drop_middle`` +
``keep_protected``): the same cut, but the latest user ask stays (after the marker) and the
newest turn is never cut; when head, ask and that turn exceed the target they stay up to the
budget, past it the head goes first, then the ask, then the turn from its start.
"""

from __future__ import annotations

from ..record_names import BLOCK, CONTENT, MESSAGE, ROLE
from .compaction import (
    COMPACTION_MARKER,
    Message,
    Rules,
    Settings,
    has_role,
    is_loop_injected,
    message_tokens,
    total_tokens,
    user_text,
)


def _marker(at: Message | None) -> Message:
    """``compaction_marker(message_timestamp(at))`` (0 for an extension message)."""
    stamp = 0 if at is None or has_role(at, ROLE.extension) else at[MESSAGE.timestamp]
    return user_text(COMPACTION_MARKER, stamp)


def _head_end(messages: list[Message], end: int, rules: Rules) -> int:
    """``safe_head_end``: never end the head on an open tool call (0.26.6: nor before one of
    its results)."""

    def opens(m: Message) -> bool:
        blocks = m[MESSAGE.content] if has_role(m, ROLE.assistant) else []
        return any(b[BLOCK.type] == CONTENT.tool_call for b in blocks)

    while end > 0 and (
        opens(messages[end - 1])
        or (
            rules.head_skips_results
            and end < len(messages)
            and has_role(messages[end], ROLE.tool_result)
        )
    ):
        end -= 1
    return end


def _tail_start(messages: list[Message], start: int) -> int:
    """``safe_tail_start``: never open the tail on a tool result."""
    while start < len(messages) and has_role(messages[start], ROLE.tool_result):
        start += 1
    return start


def _suffix(messages: list[Message], rules: Rules) -> list[int]:
    suffix = [0] * (len(messages) + 1)
    for i in range(len(messages) - 1, -1, -1):
        suffix[i] = suffix[i + 1] + message_tokens(messages[i], rules)
    return suffix


def _newest_turn(messages: list[Message], start: int) -> int | None:
    for i in range(len(messages) - 1, start - 1, -1):
        if has_role(messages[i], ROLE.assistant):
            return i
    return None


def _latest_ask(messages: list[Message], start: int, stop: int) -> int | None:
    """The latest user message in ``messages[start:stop]`` no loop wrote."""
    for i in range(stop - 1, start - 1, -1):
        m = messages[i]
        if has_role(m, ROLE.user) and not any(
            b[BLOCK.type] == CONTENT.text and is_loop_injected(b[BLOCK.text])
            for b in m[MESSAGE.content]
        ):
            return i
    return None


def _keep_within_budget(messages: list[Message], budget: int, rules: Rules) -> list[Message]:
    """0.18.x: the newest messages that fit, behind the marker."""
    if not messages:
        return []
    kept, remaining = 0, budget
    for m in reversed(messages):
        tokens = message_tokens(m, rules)
        if tokens > remaining:
            break
        remaining -= tokens
        kept += 1
    start = _tail_start(messages, len(messages) - kept)
    result = messages[start:]
    return [_marker(messages[0]), *result] if start > 0 else result


def _keep_protected(
    messages: list[Message], config: Settings, target: int, budget: int, rules: Rules
) -> list[Message]:
    """0.26.6 ``keep_protected``."""
    length = len(messages)
    if length == 0:
        return []
    head_end = _head_end(messages, min(config.keep_first, length), rules)
    turn = _newest_turn(messages, head_end)
    turn = length if turn is None else turn
    ask = _latest_ask(messages, head_end, length)
    suffix = _suffix(messages, rules)
    head_tokens = total_tokens(messages[:head_end], rules)
    marker_tokens = message_tokens(_marker(None), rules)

    def ask_tokens(ask: int | None, start: int) -> int:
        return message_tokens(messages[ask], rules) if ask is not None and ask < start else 0

    def build(keep_head: bool, ask: int | None, start: int) -> list[Message]:
        out = list(messages[:head_end]) if keep_head else []
        origin = head_end if keep_head else 0
        if start > origin:
            out.append(_marker(messages[origin]))
        if ask is not None and ask < start:
            out.append(messages[ask])
        return out + messages[start:]

    def size(start: int) -> int:
        return head_tokens + marker_tokens + ask_tokens(ask, start) + suffix[start]

    if size(turn) <= budget:
        starts = (s for s in range(head_end, turn) if not has_role(messages[s], ROLE.tool_result))
        return build(True, ask, next((s for s in starts if size(s) <= target), turn))
    ask = _latest_ask(messages, 0, length)
    tails = [
        s
        for s in range(turn, length + 1)
        if s == length or not has_role(messages[s], ROLE.tool_result)
    ]
    tries = [(ask, turn), (None, turn)] + [(a, s) for a in (ask, None) for s in tails]
    for a, s in tries:
        if marker_tokens + ask_tokens(a, s) + suffix[s] <= budget:
            return build(False, a, s)
    return [_marker(messages[0])]


def level3(
    messages: list[Message], config: Settings, target: int, budget: int, rules: Rules
) -> list[Message]:
    """``level3_drop_middle``: the smallest middle span dropped that reaches ``target``."""
    length = len(messages)
    head_end = _head_end(messages, min(config.keep_first, length), rules)
    max_cut = max(length - config.keep_recent, 0)
    turn = _newest_turn(messages, head_end) if rules.protected_tail else None
    if rules.protected_tail:
        max_cut = min(max_cut, length if turn is None else turn)
    if head_end >= max_cut:
        if rules.protected_tail:
            return _keep_protected(messages, config, target, budget, rules)
        return _keep_within_budget(messages, target, rules)
    suffix = _suffix(messages, rules)
    fixed = total_tokens(messages[:head_end], rules) + message_tokens(_marker(None), rules)
    ask = _latest_ask(messages, head_end, length) if rules.protected_tail else None

    def size(cut: int) -> int:
        kept_ask = message_tokens(messages[ask], rules) if ask is not None and ask < cut else 0
        return fixed + kept_ask + suffix[cut]

    cut = next((c for c in range(head_end, max_cut + 1) if size(c) <= target), max_cut)
    cut = max(_tail_start(messages, cut), head_end)
    if cut == head_end:
        return list(messages)
    result = [*messages[:head_end], _marker(messages[head_end])]
    if ask is not None and ask < cut:
        result.append(messages[ask])
    result += messages[cut:]
    if total_tokens(result, rules) > target:
        if rules.protected_tail:
            return _keep_protected(messages, config, target, budget, rules)
        return _keep_within_budget(result, target, rules)
    return result
