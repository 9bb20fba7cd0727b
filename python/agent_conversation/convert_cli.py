"""``convert-conversation``: carry a history to another crate or version, saying what is lost."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

EPILOG = """\
examples:
  convert-conversation old.json --to yoagent@0.18.0 -o new.json
  convert-conversation h.json --to phi-core@0.10.0 --allow-loss --map-stop-reason refusal=guardRail
  convert-conversation session.jsonl --to yoagent@0.26.6 --in-place

exit codes: 0 converted, 1 refused because something would be lost, 2 usage or input error
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="convert-conversation",
        description="Convert a saved conversation (or a yoagent session file) to another "
        "crate/version; output is exactly what that version's save_messages() writes.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("input", metavar="IN", help="a file, or - for standard input")
    parser.add_argument("--to", required=True, metavar="DIALECT", help="crate@version to write")
    parser.add_argument("--from", dest="source", default="auto", metavar="DIALECT")
    parser.add_argument("-o", "--output", metavar="OUT", help="write here (default: stdout)")
    parser.add_argument("--in-place", action="store_true", help="replace the input file")
    parser.add_argument("--allow-loss", action="store_true", help="convert even if data is lost")
    parser.add_argument(
        "--map-stop-reason",
        action="append",
        default=[],
        metavar="FROM=TO",
        help="write stop reason FROM as TO (repeatable)",
    )
    parser.add_argument("--type", dest="kind", choices=("conversation", "session"))
    parser.add_argument(
        "--float-format",
        choices=("ryu", "zmij"),
        default="ryu",
        help="float text: ryu (serde_json <= 1.0.146) or zmij (1.0.147+, writes 1e+16)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from .errors import ConversationError

    try:
        return _run(args)
    except ConversationError as err:
        for problem in err.problems:
            sys.stderr.write(f"convert-conversation: error: {problem}\n")
        return 1 if any(p.kind == "loss" for p in err.problems) else 2
    except OSError as err:
        sys.stderr.write(f"convert-conversation: error: {err.strerror or err}\n")
        return 2


def _usage(message: str) -> int:
    sys.stderr.write(f"convert-conversation: error: {message}\n")
    return 2


def _run(args: argparse.Namespace) -> int:
    from .api import write_atomic
    from .cli.checks import sniff
    from .dialects import resolve

    mapping = {}
    for item in args.map_stop_reason:
        if "=" not in item:
            return _usage(f"--map-stop-reason takes FROM=TO, got {item!r}")
        source, target = item.split("=", 1)
        mapping[source] = target
    resolve(args.to)
    if args.in_place and args.input == "-":
        return _usage("--in-place needs a file, not standard input")
    if args.in_place and args.output:
        return _usage("give either -o or --in-place")
    output = Path(args.input) if args.in_place else Path(args.output) if args.output else None
    if output is not None and args.input != "-" and not args.in_place:
        if output.exists() and os.path.samefile(output, args.input):
            return _usage("refusing to overwrite the input (use --in-place)")
    data = sys.stdin.buffer.read() if args.input == "-" else Path(args.input).read_bytes()
    kind = args.kind or sniff(data, args.input)
    if kind == "session":
        text, losses = _convert_session(data, args, mapping)
    elif kind == "conversation":
        text, losses = _convert_conversation(data, args, mapping)
    else:
        return _usage("phi-core session files are not converted; convert their messages arrays")
    for loss in losses:
        sys.stderr.write(f"lost: {loss}\n")
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        write_atomic(output, text.encode("utf-8"))
    sys.stderr.write(f"converted to {resolve(args.to)}; {len(losses)} losses\n")
    return 0


def _convert_conversation(data: bytes, args: argparse.Namespace, mapping: dict[str, str]):
    from .api import loads
    from .convert import convert

    conv = loads(data, args.source)
    result = convert(
        conv,
        args.to,
        allow_loss=args.allow_loss,
        stop_reason_map=mapping,
        float_format=args.float_format,
    )
    return result.text, result.losses


def _convert_session(data: bytes, args: argparse.Namespace, mapping: dict[str, str]):
    from .conversation import Conversation
    from .convert import Loss, convert
    from .dialects import resolve
    from .errors import ConversationError, Problem
    from .sessions import Session, dumps_session, loads_session, session_dialects

    target = resolve(args.to)
    if target not in session_dialects():
        raise ConversationError(f"{target} has no session files (yoagent >= 0.11 has them)")
    session = loads_session(data, args.source)
    converted = Session(target)
    losses: list[Loss] = []
    problems: list[Problem] = []
    for index, entry in enumerate(session.entries):
        conv = Conversation([entry.message], dialect=session.dialect)
        try:
            result = convert(conv, target, allow_loss=args.allow_loss, stop_reason_map=mapping)
        except ConversationError as err:
            problems += [
                Problem(index, "/message" + p.pointer[2:], entry.line, None, p.message, p.kind)
                for p in err.problems
            ]
            continue
        losses += [
            Loss(index, "/message" + loss.pointer[2:], loss.what, f"{loss.why} (line {entry.line})")
            for loss in result.losses
        ]
        entry.message = result.conversation.records[0]
        converted.entries.append(entry)
    if problems:
        raise ConversationError(problems)
    return dumps_session(converted, target), losses


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
