"""``convert-conversation``: carry a history to another crate or version, saying what is lost.

Exit codes: 0 converted, 1 refused because something would be lost, 2 usage or input error.
The loss report goes to standard error; the converted text to ``-o OUT`` (written atomically:
a temporary file in the same folder, then a rename) or to standard output.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

PROG = "convert-conversation"

EPILOG = """\
examples:
  convert-conversation old.json --to yoagent@0.18.0 -o new.json
  convert-conversation h.json --to phi-core@0.10.0 --allow-loss --map-stop-reason refusal=guardRail
  convert-conversation session.jsonl --to yoagent@0.26.6 --in-place
  cat h.json | convert-conversation - --to phi-core > h.phi.json

Renames and reordering are never losses. Losses: providerMetadata into phi-core or yoagent 0.4,
redacted reasoning into yoagent < 0.22 or phi-core, phi-core reasoning counts and message
metadata into yoagent (and newer metadata into older phi-core), stop reasons the target lacks
(map them with --map-stop-reason; they cannot be dropped), and keys the source's own reader
ignored (unknown keys, malformed phi-core metadata).

exit codes: 0 converted, 1 refused because something would be lost, 2 usage or input error
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse exits 2 too; keep the one-line form
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{PROG}: error: {message}\n")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Convert a saved conversation (or a yoagent session file) to another "
        "crate/version. The output is exactly what that version's save_messages() (or "
        "Session::to_jsonl()) writes; whatever the target cannot carry is reported, and the "
        "conversion is refused unless --allow-loss.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
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
    parser.add_argument(
        "--float-format",
        choices=("ryu", "zmij"),
        default="ryu",
        help="float text: ryu (serde_json <= 1.0.146) or zmij (1.0.147+, writes 1e+16)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print only losses and errors")
    return parser


class _Usage(Exception):
    """A usage or input error: exit 2 with this message."""


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as stop:  # --help (0) or a usage error (2)
        return int(stop.code or 0)
    from .convert import ConversionRefused
    from .errors import ConversationError

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
            if problem.kind == "usage" and problem.index is None and not problem.pointer:
                where = problem.message
            elif problem.line is not None and problem.index is None:
                where = f"line {problem.line}: {problem.message}"
            elif problem.line is not None:
                where += f" (line {problem.line}" + (
                    f" column {problem.column})" if problem.column is not None else ")"
                )
            _say(f"error: {where}")
        return 2
    except _Usage as err:
        _say(f"error: {err}")
        return 2
    except OSError as err:
        name = f"{err.filename}: " if getattr(err, "filename", None) else ""
        _say(f"error: {name}{err.strerror or err}")
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as err:  # never a traceback: report and fail as an input error
        _say(f"error: internal error ({type(err).__name__}: {err}); please report this input")
        return 2


def _say(message: str) -> None:
    sys.stderr.write(f"{PROG}: {message}\n")


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _report(losses: list[Any]) -> None:
    for loss in losses:
        sys.stderr.write(f"{'changed' if loss.is_change else 'lost'}: {loss}\n")


def _mapping(items: list[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for item in items:
        source, sep, target = item.partition("=")
        if not sep or not source or not target:
            raise _Usage(f"--map-stop-reason takes FROM=TO, got {item!r}")
        if mapping.get(source, target) != target:
            raise _Usage(f"--map-stop-reason {source} given twice with different targets")
        mapping[source] = target
    return mapping


def _output(args: argparse.Namespace) -> Path | None:
    """Where to write (None: standard output), refusing to overwrite the input by accident."""
    if args.in_place:
        if args.input == "-":
            raise _Usage("--in-place needs a file, not standard input")
        if args.output is not None:
            raise _Usage("give either -o or --in-place, not both")
        return Path(os.path.realpath(args.input))  # replace the file a symlink points to
    if args.output is None or args.output == "-":
        return None
    output = Path(args.output)
    if args.input != "-" and _same_file(output, Path(args.input)):
        raise _Usage(f"refusing to overwrite the input {args.input} (use --in-place)")
    if output.is_dir():
        raise _Usage(f"{args.output} is a directory")
    if not output.resolve().parent.is_dir():
        raise _Usage(f"{args.output}: no such directory {str(output.parent)!r}")
    return output


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _read_input(name: str) -> bytes:
    if name == "-":
        return sys.stdin.buffer.read()
    path = Path(name)
    if path.is_dir():
        raise _Usage(f"{name} is a directory")
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise _Usage(f"{name}: no such file") from None
    except PermissionError:
        raise _Usage(f"{name}: permission denied") from None


def _run(args: argparse.Namespace) -> int:
    from .cli.checks import sniff
    from .dialects import resolve

    target = resolve(args.to)
    if args.source != "auto":
        resolve(args.source)
    mapping = _mapping(args.map_stop_reason)
    output = _output(args)
    data = _read_input(args.input)
    name = "<stdin>" if args.input == "-" else args.input
    kind = args.kind or sniff(data, name)
    if kind == "session":
        result, count = _convert_session(data, args, mapping)
        what = f"{count}-entry session"
    elif kind == "conversation":
        result, count = _convert_conversation(data, args, mapping)
        what = _count(count, "message", "messages")
    else:
        raise _Usage(
            f"{name} looks like a phi-core session document; convert its messages arrays "
            "(they are conversations) instead"
        )
    _report(result.losses)
    payload = getattr(result, "payload", None) or result.text.encode("utf-8")
    if output is None:
        _write_stdout(payload)
    else:
        _write_file(output, payload)
    if not args.quiet:
        lost, changed = len(result.lost), len(result.changed)
        summary = _count(lost, "loss", "losses")
        if changed:
            summary += ", " + _count(changed, "stop reason mapped", "stop reasons mapped")
        dest = "standard output" if output is None else str(args.output or args.input)
        written = target if args.to == target else f"{args.to}, wire revision {target}"
        _say(f"{name} ({result.source}, {what}) → {dest} ({written}): {summary}")
    return 0


def _write_file(output: Path, payload: bytes) -> None:
    """Atomically (api.write_atomic: temporary file in the same folder, then a rename)."""
    from .api import write_atomic

    existed = output.exists()
    write_atomic(output, payload)
    if not existed:
        # write_atomic's temporary file is made 0600 (mkstemp); a new file gets the usual
        # permissions, as open() would give it. An existing file keeps its mode.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(output, 0o666 & ~umask)


def _write_stdout(payload: bytes) -> None:
    try:
        sys.stdout.buffer.write(payload)
        sys.stdout.buffer.flush()
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, and keep Python from complaining later.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def _convert_conversation(
    data: bytes, args: argparse.Namespace, mapping: dict[str, str]
) -> tuple[Any, int]:
    from .streaming import convert_stream

    # element span by element span: memory is the input and output bytes, not their trees
    return convert_stream(
        data,
        args.source,
        args.to,
        allow_loss=args.allow_loss,
        stop_reason_map=mapping,
        float_format=args.float_format,
    )


def _convert_session(
    data: bytes, args: argparse.Namespace, mapping: dict[str, str]
) -> tuple[Any, int]:
    from .convert import convert_session
    from .sessions import loads_session

    session = loads_session(data, args.source)
    result = convert_session(
        session,
        args.to,
        allow_loss=args.allow_loss,
        stop_reason_map=mapping,
        float_format=args.float_format,
    )
    return result, len(session.entries)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
