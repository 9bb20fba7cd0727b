"""``convert-conversation --to FORMAT`` / ``--from FORMAT``: exchange formats on the command line.

``cli/convert.py`` parses the arguments and dispatches here when either side names an exchange
format; reading, writing and the exit codes stay those of ``convert-conversation``.
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Callable
from typing import Any

from . import FORMATS, Fill, export, import_
from .openai_chat import CHAT


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("exchange formats (--to or --from " + "|".join(FORMATS) + ")")
    group.add_argument("--system", metavar="TEXT", help="export: a system prompt to put first")
    group.add_argument(
        "--system-role",
        choices=(CHAT.system, CHAT.developer),
        default=CHAT.system,
        help="export to OpenAI: the role of --system (yoagent sends developer to OpenAI itself)",
    )
    group.add_argument("--model", help="import: model of assistant turns that name none")
    group.add_argument("--provider", help="import: provider of assistant turns that name none")
    group.add_argument(
        "--start-time",
        type=int,
        metavar="MS",
        help="import: timestamp (ms) of the first message without one; later ones count up by 1",
    )
    group.add_argument(
        "--line", type=int, metavar="N", help="import openai-finetune: which line (1-based)"
    )


def is_exchange(args: argparse.Namespace) -> bool:
    return args.to in FORMATS or args.source in FORMATS


def run(
    args: argparse.Namespace,
    data: bytes,
    name: str,
    mapping: dict[str, str],
    report: Callable[[list[Any]], None],
    say: Callable[[str], None],
) -> tuple[bytes, str]:
    """Convert ``data``; returns the bytes to write and a one-line summary."""
    from ..errors import ConversationError

    if args.to in FORMATS and args.source in FORMATS:
        raise ConversationError(
            f"--from {args.source} --to {args.to}: one side must be a crate dialect "
            "(import into one, then export)"
        )
    if args.kind == "session":
        raise ConversationError("exchange formats take conversations, not session files")
    if args.to in FORMATS:
        from ..api import loads

        conv = loads(data, args.source)
        result = export(
            conv,
            args.to,
            allow_loss=args.allow_loss,
            float_format=args.float_format,
            system=args.system,
            system_role=args.system_role,
        )
        report(result.losses)
        _summarise(result.omitted, "not carried by " + args.to, say)
        summary = (
            f"{name} ({result.source}, {len(conv)} messages) → {args.to}: "
            f"{len(result.losses)} lost, {len(result.omitted)} bookkeeping values not carried"
        )
        return result.text.encode("utf-8"), summary
    fill = Fill(start_time=args.start_time, model=args.model, provider=args.provider)
    imported = import_(
        data,
        args.source,
        args.to,
        allow_loss=args.allow_loss,
        stop_reason_map=mapping,
        float_format=args.float_format,
        fill=fill,
        line=args.line,
    )
    report(imported.losses)
    _summarise(imported.filled, "filled", say)
    summary = (
        f"{name} ({args.source}) → {imported.target}: {len(imported.lost)} lost, "
        f"{len(imported.filled)} values filled"
    )
    return imported.text.encode("utf-8"), summary


def _summarise(entries: list[Any], label: str, say: Callable[[str], None]) -> None:
    """One line per kind of value (``timestamp`` on 12 messages), not one per message."""
    if not entries:
        return
    counts = Counter(entry.pointer.rsplit("/", 1)[-1] or entry.what for entry in entries)
    words = ", ".join(f"{key} ×{n}" for key, n in sorted(counts.items()))
    say(f"{label}: {words}")
