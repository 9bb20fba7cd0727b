"""yoagent's agent loop around ``DefaultCompaction``: the history a run leaves, from the history
it started from, its new messages (``AgentEnd``) and the ``ContextConfig`` the agent ran with.

The loop (``agent_loop.rs`` ``run_loop``, the same in 0.18.x and 0.26.6) compacts the context
before every model request, so before each assistant message it appends after the run's
prompts. The budget is calibrated by a ``ContextTracker``: the provider's usage of the last
reply (input + output + cache read + cache write) plus the estimate of the messages after it,
minus the estimate of the whole context, is an overhead taken off ``max_context_tokens`` (floor:
a tenth of it; ``system_prompt_tokens`` then 0). ``compact_headroom_turns`` lowers the target
ratio by the context's average growth per turn. A compaction that changed the length or the
estimate resets the tracker and counts in ``AgentEnd``'s ``stats.compactions``: the count the
emulation must agree with. The events say nothing else, so the ``ContextConfig`` is an input.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from functools import cache
from typing import Any

from ..errors import ConversationError, Problem
from ..record_names import MESSAGE, ROLE, USAGE, Names
from .compaction import (
    RULES,
    Message,
    Rules,
    Settings,
    compact_messages,
    total_tokens,
    truncate_tool_output,
)
from .config_spec import config_revisions, config_spec
from .configs import Config, dumps_config, loads_config
from .floats import to_f32

_TYPE = "ContextConfig"


@cache
def _context_keys() -> Names:
    keys: list[str] = []
    for revision in config_revisions("yoagent"):
        struct = config_spec(revision).structs.get(_TYPE)
        keys += [f.name for f in struct.fields] if struct else []
    return Names("ContextConfig keys", keys)


CONTEXT = _context_keys()


def context_settings(config: Config | str | bytes | Mapping[str, Any], dialect: str) -> Settings:
    """The ``ContextConfig`` an agent ran with: a :class:`~.configs.Config` (``loads_config``),
    its JSON text, or its record (the written form), read as ``dialect`` reads it."""
    if isinstance(config, (str, bytes)):
        config = loads_config(config, dialect, _TYPE)
    elif not isinstance(config, Config):
        text = dumps_config(dict(config), dialect, _TYPE, warn=False)
        config = loads_config(text, dialect, _TYPE)
    if config.type != _TYPE:
        raise ConversationError(f"context_config: a {config.type}, not a {_TYPE}")
    value: Mapping[str, Any] = config.value  # type: ignore[assignment]
    ratio = value[CONTEXT.compact_target_ratio]
    if ratio is None:
        raise ConversationError("context_config: compact_target_ratio is null (NaN)")
    return Settings(
        max_context_tokens=value[CONTEXT.max_context_tokens],
        system_prompt_tokens=value[CONTEXT.system_prompt_tokens],
        keep_recent=value[CONTEXT.keep_recent],
        keep_first=value[CONTEXT.keep_first],
        tool_output_max_lines=value[CONTEXT.tool_output_max_lines],
        overrides=dict(value.get(CONTEXT.tool_output_max_lines_overrides) or {}),
        compact_target_ratio=to_f32(ratio),
        compact_headroom_turns=value.get(CONTEXT.compact_headroom_turns),
        truncate_on_append=bool(value.get(CONTEXT.truncate_tool_output_on_append)),
    )


def compaction_rules(dialect: str, modeled: str) -> Rules:
    """The compaction of a yoagent version (``modeled``: the events revision, for ``auto``)."""
    crate, _, version = dialect.partition("@")
    if crate in ("auto", "") or version in ("", "latest"):
        crate, _, version = modeled.partition("@")
    rules = RULES.get(version) if crate == "yoagent" else None
    if rules is None:
        raise ConversationError(
            f"context_config: the compaction of {crate} {version} is not emulated "
            f"(yoagent {', '.join(RULES)})"
        )
    return rules


def _target_ratio(config: Settings, growth: float, rules: Rules) -> float:
    """``ContextConfig::effective_target_ratio`` (f32 arithmetic where the crate has it)."""
    turns = config.compact_headroom_turns
    ratio = config.compact_target_ratio
    if turns is None or turns == 0 or not math.isfinite(growth) or growth <= 0.0:
        return ratio
    budget = float(max(config.max_context_tokens - config.system_prompt_tokens, 0))
    if budget <= 0.0:
        return ratio
    derived = to_f32((budget - float(turns) * growth) / budget)
    return max(min(derived, ratio), rules.min_headroom_ratio)


@dataclasses.dataclass
class _Loop:
    """The per-run state of ``run_loop`` that compaction reads."""

    config: Settings
    rules: Rules
    usage: tuple[int, int] | None = None  # ContextTracker: (tokens, message index)
    last: int | None = None  # last_context_tokens
    growth_total: int = 0
    growth_samples: int = 0
    compactions: int = 0

    def tokens(self, context: list[Message]) -> int:
        return total_tokens(context, self.rules)

    def compact(self, context: list[Message]) -> list[Message]:
        estimated = self.tokens(context)
        hybrid = estimated
        if self.usage is not None and self.usage[1] < len(context):
            tokens, index = self.usage
            hybrid = tokens + self.tokens(context[index + 1 :])
        overhead = max(hybrid - estimated, 0)
        if self.last is not None:
            self.growth_samples += 1
            self.growth_total += max(estimated - self.last, 0)
        growth = self.growth_total / self.growth_samples if self.growth_samples else 0.0
        config = self.config
        if overhead > 0:
            budget = max(config.max_context_tokens - overhead, 0)
            config = dataclasses.replace(
                config,
                max_context_tokens=max(budget, config.max_context_tokens // 10),
                system_prompt_tokens=0,
            )
        ratio = _target_ratio(config, growth, self.rules)
        config = dataclasses.replace(config, compact_target_ratio=ratio)
        after = compact_messages(context, config, self.rules, estimated)
        after_tokens = estimated if after is context else self.tokens(after)
        if len(after) != len(context) or after_tokens != estimated:
            self.usage = None
            self.compactions += 1
        self.last = after_tokens
        return after

    def record(self, reply: Message, index: int) -> None:
        usage = reply[MESSAGE.usage]
        parts = (USAGE.input, USAGE.output, USAGE.cache_read, USAGE.cache_write)
        total = sum(usage[k] for k in parts)
        if total > 0:
            self.usage = (total, index)


def replay_run(
    history: list[Message],
    new: list[Message],
    config: Settings,
    rules: Rules,
    announced: bool = False,
) -> tuple[list[Message], int]:
    """The history after a run (and how many times it was compacted): ``new`` appended the way
    the loop appends it, compacting before each model reply. The messages before the run's
    first assistant message are its prompts (appended before the loop starts).

    ``announced``: ``new`` are the run's ``MessageEnd`` messages (it has no ``AgentEnd``), whose
    tool results carry the whole output: the loop appends them cut to the line cap when
    ``truncate_tool_output_on_append`` is set (without a stash key: no ``shared_state``)."""
    loop = _Loop(config, rules)
    context = list(history)
    for message in new:
        if message.get(MESSAGE.role) == ROLE.assistant:
            context = loop.compact(context)
            context.append(message)
            loop.record(message, len(context) - 1)
        elif announced and config.truncate_on_append:
            context.append(truncate_tool_output(message, config, rules))
        else:
            context.append(message)
    return context, loop.compactions


class RunCompaction:
    """Applies a stream's runs to the history, compacting as the agent did."""

    def __init__(
        self,
        dialect: str,
        modeled: str,
        config: Config | str | bytes | Mapping[str, Any] | None,
    ) -> None:
        self.settings: Settings | None = None
        self.rules: Rules | None = None
        if config is not None:
            self.rules = compaction_rules(dialect, modeled)
            name = dialect if "@" in dialect else modeled
            self.settings = context_settings(config, name)

    def apply(
        self,
        history: list[Message],
        new: list[Message],
        reported: int | None,
        line: int,
        ended: bool = True,
    ) -> list[Message]:
        """``history`` after the run whose new messages are ``new``; ``reported``: its
        ``AgentEnd`` compaction count (None: the run did not end, or the crate has none)."""
        if self.settings is None or self.rules is None:
            if reported:
                raise ConversationError([_problem(line, (
                    f"the run's AgentEnd reports {reported} compaction(s) of the history, which "
                    "no event records: pass the ContextConfig the agent ran with "
                    "(context_config=) to replay them"))])  # fmt: skip
            return history + new
        after, count = replay_run(history, new, self.settings, self.rules, not ended)
        if reported is not None and count != reported:
            raise ConversationError([_problem(line, (
                f"the run's AgentEnd reports {reported} compaction(s), replaying it with "
                f"context_config gives {count}: not the ContextConfig the agent ran with, or a "
                "history the app changed outside the loop"))])  # fmt: skip
        return after


def _problem(line: int, message: str) -> Problem:
    return Problem(None, "", line, 1, message, "shape")  # the event line, from its start
