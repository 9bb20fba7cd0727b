"""Crate → exchange format → crate: does anything change that the reports do not name?

``unexplained(conv, fmt)`` exports ``conv`` (any dialect) to ``fmt``, imports the document back
into the same dialect, and lists every difference between the original records and the records
read back that no loss or omitted entry of the export names. Matching rules: a record named as
a whole (``/3``) is gone; a named key (``/3/usage``, ``/3/timestamp``) is not compared; a named
block (``/3/content/1``) is gone; a named content (``/3/content``: text blocks joined) compares
the non-text blocks only. Blocks are compared as members (an export may reorder an assistant
turn's text before its tool calls, which it names too).
"""

from __future__ import annotations

from typing import Any

from agent_conversation import Conversation, loads
from agent_conversation.exchange import export, import_


def round_trip(conv: Conversation, fmt: str, float_format: str = "ryu") -> tuple[Any, Any]:
    exported = export(conv, fmt, allow_loss=True, float_format=float_format)
    dialect = conv.dialect or "yoagent@0.22"
    imported = import_(
        exported.text, fmt, dialect, allow_loss=True, float_format=float_format,
        stop_reason_map=None,
    )  # fmt: skip
    return exported, imported


def unexplained(conv: Conversation, fmt: str) -> list[str]:
    exported, imported = round_trip(conv, fmt)
    # kind "order": kept but moved (an assistant turn's text before its tool calls)
    reported = exported.losses + exported.omitted
    named = {loss.pointer for loss in reported if loss.kind != "order"}
    dialect = conv.dialect or "yoagent@0.22"
    original = loads(conv_text(conv, dialect), dialect).records
    back = loads(imported.text, dialect).records
    survivors = [(i, r) for i, r in enumerate(original) if f"/{i}" not in named]
    problems: list[str] = []
    if len(survivors) != len(back):
        return [f"{len(survivors)} messages should survive, {len(back)} came back"]
    for (i, record), result in zip(survivors, back, strict=True):
        for key, value in record.items():
            here = f"/{i}/{key}"
            if here in named or any(p.startswith(here + "/") for p in named if key != "content"):
                continue
            if key == "content":
                problems += _content(i, value, result.get("content", []), named)
            elif result.get(key) != value:
                problems.append(f"{here}: {value!r} came back as {result.get(key)!r}")
        for key in result:
            if key not in record and f"/{i}/{key}" not in named:
                problems.append(f"/{i}/{key}: appeared ({result[key]!r})")
    return problems


def _content(i: int, blocks: list[dict], back: list[dict], named: set[str]) -> list[str]:
    problems = []
    joined = f"/{i}/content" in named
    remaining = list(back)
    for j, block in enumerate(blocks):
        here = f"/{i}/content/{j}"
        if here in named or (joined and block["type"] == "text"):
            continue
        sub = {p[len(here) + 1 :] for p in named if p.startswith(here + "/")}
        expected = {k: v for k, v in block.items() if k not in sub}
        match = next(
            (b for b in remaining if {k: v for k, v in b.items() if k not in sub} == expected),
            None,
        )
        if match is None:
            problems.append(f"{here}: {block!r} did not come back (got {back!r})")
        else:
            remaining.remove(match)
    if remaining and not joined:
        problems.append(f"/{i}/content: unexpected blocks came back: {remaining!r}")
    return problems


def conv_text(conv: Conversation, dialect: str) -> str:
    from agent_conversation.conversion import convert

    return convert(conv, dialect, allow_loss=True).text
