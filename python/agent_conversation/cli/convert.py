"""``convert-conversation``: carry a history to another crate or version, saying what is lost.

Exit codes: 0 converted, 1 refused because something would be lost, 2 usage or input error.
The loss report goes to standard error; the converted text to ``-o OUT`` (written atomically:
a temporary file in the same folder, then a rename) or to standard output.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ._common import (
    UsageError,
    add_float_format,
    add_max_size,
    add_version,
    guarded,
    new_parser,
)

PROG = "convert-conversation"

EPILOG = """\
examples:
  convert-conversation old.json --to yoagent@0.18.0 -o new.json
  convert-conversation h.json --to phi-core@0.10.0 --allow-loss --map-stop-reason refusal=guardRail
  convert-conversation session.jsonl --to yoagent@0.26.6 --in-place
  cat h.json | convert-conversation - --to phi-core > h.phi.json
  convert-conversation h.json --to anthropic-messages -o request.json --allow-loss
  convert-conversation chat.json --from openai-chat --to yoagent@0.26.6 --model gpt-4o

Renames and reordering are never losses. Losses: providerMetadata into phi-core or yoagent 0.4,
redacted reasoning into yoagent < 0.22 or phi-core, phi-core reasoning counts and message
metadata into yoagent (and newer metadata into older phi-core), stop reasons the target lacks
(map them with --map-stop-reason; they cannot be dropped), and keys the source's own reader
ignored (unknown keys, malformed phi-core metadata).

exit codes: 0 converted, 1 refused because something would be lost, 2 usage or input error
"""


def build_parser() -> argparse.ArgumentParser:
    parser = new_parser(
        PROG,
        "Convert a saved conversation (or a yoagent session file) to another "
        "crate/version. The output is exactly what that version's save_messages() (or "
        "Session::to_jsonl()) writes; whatever the target cannot carry is reported, and the "
        "conversion is refused unless --allow-loss.",
        EPILOG,
    )
    parser.add_argument("input", metavar="IN", help="a file, or - for standard input")
    parser.add_argument(
        "--to", required=True, metavar="DIALECT", help="crate@version to write (yoagent@0.18.0)"
    )
    parser.add_argument(
        "--from",
        dest="source",
        default="auto",
        metavar="DIALECT",
        help="crate@version the input was written by (default: detected)",
    )
    parser.add_argument("-o", "--output", metavar="OUT", help="write here (default: stdout)")
    parser.add_argument("--in-place", action="store_true", help="replace the input file")
    parser.add_argument("--allow-loss", action="store_true", help="convert even if data is lost")
    parser.add_argument(
        "--map-stop-reason",
        action="append",
        default=[],
        metavar="FROM=TO",
        help="write stop reason FROM as TO where the target lacks FROM (repeatable)",
    )
    parser.add_argument(
        "--type",
        dest="kind",
        choices=("conversation", "session"),
        help="what IN is (default: judged by its content)",
    )
    add_float_format(
        parser,
        "float text from 1e16 on: ryu (serde_json <= 1.0.146: 1e16) or zmij (>= 1.0.147: "
        "1e+16); auto (default): as the input shows, else zmij (what a fresh build resolves)",
    )
    add_max_size(
        parser,
        "refuse inputs larger than this (default 2G; e.g. 500M), as validate-conversation",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print only losses and errors")
    add_version(parser)
    from ..exchange.cli import add_arguments

    add_arguments(parser)
    return parser


class _Terminated(BaseException):
    """SIGTERM or SIGHUP arrived: unwind (removing any temporary file), then exit 128+N."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def main(argv: Sequence[str] | None = None) -> int:
    """The console script; returns the exit code (never raises, never prints a traceback)."""
    return guarded(PROG, lambda: _start(argv))


def _start(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    restore = _catch_termination()
    try:
        return _main(args)
    finally:
        restore()


def _catch_termination() -> Any:
    """SIGTERM and SIGHUP unwind like Ctrl-C does, so no temporary file is left behind."""
    import signal

    def stop(signum: int, frame: Any) -> None:
        raise _Terminated(signum)

    saved = []
    for signum in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if signum is None:
            continue
        try:
            saved.append((signum, signal.signal(signum, stop)))
        except (ValueError, OSError):  # not the main thread
            pass

    def restore() -> None:
        for signum, handler in saved:
            try:
                signal.signal(signum, handler)
            except (ValueError, OSError):
                pass

    return restore


def _main(args: argparse.Namespace) -> int:
    from ..conversion import ConversionRefused
    from ..errors import ARGUMENT, ConversationError
    from .inputs import InputError
    from .output import OutputFailed
    from .streams import printable

    name = "<stdin>" if args.input == "-" else printable(args.input)
    try:
        return _run(args)
    except ConversionRefused as err:
        _report(err.losses)
        _say(
            f"refused: {_count(len(err.losses), 'loss', 'losses')} converting to {err.target}; "
            f"{err.hint}"
        )
        return 1
    except ConversationError as err:
        for problem in err.problems:
            where = str(problem)
            if problem.kind == ARGUMENT and problem.index is None and not problem.path:
                _say(f"error: {problem.message}")
                continue
            if problem.line is not None and problem.index is None:
                where = f"line {problem.line}: {problem.message}"
            elif problem.line is not None:
                where += f" (line {problem.line}" + (
                    f" column {problem.column})" if problem.column is not None else ")"
                )
            _say(f"error: {name}: {where}")
        return 2
    except (InputError, UsageError, OutputFailed, OSError, RecursionError, MemoryError) as err:
        _say(f"error: {_failure(err, name)}")
        return 2
    except _Terminated as stop:
        return 128 + stop.signum


def _failure(err: Exception, name: str) -> str:
    """What an ``error:`` line says of a failure that is not a list of problems."""
    from .inputs import InputError
    from .output import OutputFailed

    if isinstance(err, InputError):
        return f"{err.name}: {err.message}"
    if isinstance(err, OutputFailed):
        return f"cannot write to standard output: {err}"
    if isinstance(err, RecursionError):
        return f"{name}: nested too deeply to convert"
    if isinstance(err, MemoryError):
        return f"{name}: not enough memory to convert it"
    if isinstance(err, OSError):
        where = f"{err.filename}: " if getattr(err, "filename", None) else ""
        return f"{where}{err.strerror or err}"
    return str(err)  # a UsageError


def _say(message: str) -> None:
    from .streams import printable, say

    say(f"{PROG}: {printable(message)}")


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _report(losses: list[Any]) -> None:
    from .streams import printable, say

    for loss in losses:
        label = "changed" if loss.is_change else "warning" if loss.is_warning else "lost"
        say(f"{label}: {printable(str(loss))}")


def _mapping(items: list[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for item in items:
        source, sep, target = item.partition("=")
        if not sep or not source or not target:
            raise UsageError(f"--map-stop-reason takes FROM=TO, got {item!r}")
        if mapping.get(source, target) != target:
            raise UsageError(f"--map-stop-reason {source} given twice with different targets")
        mapping[source] = target
    return mapping


def _read_input(name: str, max_size: int) -> bytes:
    from .inputs import Source, read, read_file

    if name == "-":
        return read(Source("<stdin>", "stdin", "-"), 30.0, max_size)
    return read_file(name, name, max_size)


def _max_size(args: argparse.Namespace) -> int:
    from .inputs import parse_size

    try:
        return parse_size(args.max_size)
    except ValueError as err:
        raise UsageError(f"--max-size: {err}") from None


def _prepare(args: argparse.Namespace) -> tuple[dict[str, str], Path | None, bytes, str]:
    """What every conversion starts from: the stop-reason map, where to write (checked before
    anything is read), the input's bytes and its name."""
    from .output import destination

    mapping = _mapping(args.map_stop_reason)
    output = destination(args)
    data = _read_input(args.input, _max_size(args))
    return mapping, output, data, "<stdin>" if args.input == "-" else args.input


def _run(args: argparse.Namespace) -> int:
    from ..dialects import resolve
    from ..exchange import cli as exchange
    from .output import write
    from .sniff import sniff

    if exchange.is_exchange(args):
        return _run_exchange(args)
    target = resolve(args.to)
    if args.source != "auto":
        resolve(args.source)
    mapping, output, data, name = _prepare(args)
    kind = args.kind or sniff(data, name)
    if kind == "session":
        result, count, assumed = _convert_session(data, args, mapping)
        what = f"{count}-entry session"
    elif kind == "conversation":
        result, count, assumed = _convert_conversation(data, args, mapping)
        what = _count(count, "message", "messages")
    else:
        raise UsageError(
            f"{name} looks like a phi-core session document; convert its messages arrays "
            "(they are conversations) instead"
        )
    _report(result.losses)
    payload = getattr(result, "payload", None) or result.text.encode("utf-8")
    write(output, payload)
    if not args.quiet:
        lost, changed = len(result.lost), len(result.changed)
        summary = _count(lost, "loss", "losses")
        if changed:
            summary += ", " + _count(changed, "stop reason mapped", "stop reasons mapped")
        if result.warnings:
            summary += ", " + _count(len(result.warnings), "float warning", "float warnings")
        dest = "standard output" if output is None else str(args.output or args.input)
        written = target if args.to == target else f"{args.to}, wire revision {target}"
        _say(f"{name} ({result.source}, {what}) → {dest} ({written}): {summary}")
    if assumed:
        _say(
            "note: floats from 1e16 on are written as serde_json >= 1.0.147 writes them (1e+16): "
            "the input does not show its writer; --float-format ryu for older builds (1e16)"
        )
    return 0


def _run_exchange(args: argparse.Namespace) -> int:
    """--to or --from an exchange format (openai-chat, anthropic-messages, ...)."""
    from ..exchange import cli as exchange
    from .output import write

    mapping, output, data, name = _prepare(args)
    payload, summary = exchange.run(args, data, name, mapping, _report, _say)
    write(output, payload)
    if not args.quiet:
        _say(summary)
    return 0


def _assumed(source: Any, records: list[Any], float_format: str) -> bool:
    """True when the zmij assumption changes the output: the input did not show its writer and
    the output holds a float that ryu and zmij write differently."""
    from ..codec.floats import has_big_float

    return float_format == "auto" and not source.float_format_detected and has_big_float(records)


def _options(args: argparse.Namespace, mapping: dict[str, str]) -> dict[str, Any]:
    """The conversion options the command line gives (conversations and sessions alike)."""
    return {
        "allow_loss": args.allow_loss,
        "stop_reason_map": mapping,
        "float_format": args.float_format,
    }


def _convert_conversation(
    data: bytes, args: argparse.Namespace, mapping: dict[str, str]
) -> tuple[Any, int, bool]:
    from ..streaming import convert_stream

    # element span by element span: memory is the input and output bytes, not their trees
    result, count = convert_stream(data, args.source, args.to, **_options(args, mapping))
    return result, count, result.assumed


def _convert_session(
    data: bytes, args: argparse.Namespace, mapping: dict[str, str]
) -> tuple[Any, int, bool]:
    from ..conversion import convert_session
    from ..sessions import loads_session

    session = loads_session(data, args.source)
    result = convert_session(session, args.to, **_options(args, mapping))
    records = [entry.message for entry in session.entries]
    return result, len(session.entries), _assumed(session, records, args.float_format)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
