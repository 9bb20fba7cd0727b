"""``validate-conversation``: check saved conversations the way the crates read them."""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Sequence

EXAMPLES = """\
examples:
  validate-conversation conversation.json
  validate-conversation --dialect yoagent@0.18.0 --strict history/
  validate-conversation --canonical --format github 'sessions/**/*.json'
  validate-conversation - < conversation.json
  validate-conversation https://example.org/conversation.json

exit codes: 0 all valid, 1 some invalid, 2 usage error / unreadable input / network failure
"""


def build_parser() -> argparse.ArgumentParser:
    from .. import __version__

    parser = argparse.ArgumentParser(
        prog="validate-conversation",
        description=(
            "Validate saved conversations of the Rust crates yoagent and phi-core exactly as "
            "their restore_messages() reads them, with precise errors."
        ),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="files, directories, globs, - or URLs"
    )
    parser.add_argument(
        "--dialect",
        default="auto",
        help="auto (default), yoagent@X.Y.Z or phi-core@X.Y.Z",
    )
    parser.add_argument(
        "--type",
        dest="kind",
        choices=("conversation", "session", "phi-session"),
        help="what the files are (default: judged by content)",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="also fail on what would not survive a round trip, and on lint warnings",
    )
    parser.add_argument(
        "--canonical",
        action="store_true",
        help="fail unless each file is byte-identical to what its crate version writes",
    )
    parser.add_argument(
        "--float-format",
        choices=("ryu", "zmij"),
        default="ryu",
        help="float text for --canonical: ryu (serde_json <= 1.0.146) or zmij (1.0.147+: 1e+16)",
    )
    parser.add_argument("--format", choices=("text", "json", "github"), default="text")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    parser.add_argument("--timeout", type=float, default=30.0, help="URL timeout in seconds")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # A short-lived process that builds large acyclic trees: the cyclic collector would only
    # rescan them (the codec pauses it while parsing; this keeps it off for the checks too).
    gc.disable()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.paths:
        parser.print_usage(sys.stderr)
        sys.stderr.write("validate-conversation: error: give at least one PATH (or - for stdin)\n")
        return 2
    from ..errors import ConversationError

    if args.dialect != "auto":
        from ..dialects import resolve

        try:
            resolve(args.dialect)
        except ConversationError as err:
            sys.stderr.write(f"validate-conversation: error: {err.problems[0].message}\n")
            return 2
    try:
        return _run(args)
    except KeyboardInterrupt:
        return 130


def _run(args: argparse.Namespace) -> int:
    from . import report
    from .checks import FileResult, check
    from .inputs import InputError, expand, read

    results: list[FileResult] = []
    for source in expand(args.paths):
        if isinstance(source, InputError):
            results.append(FileResult(source.name, fatal=source.message))
            continue
        try:
            data = read(source, args.timeout)
        except InputError as err:
            results.append(FileResult(source.name, fatal=err.message))
            continue
        if not data.strip():
            result = FileResult(source.name)
            from ..errors import Problem

            result.errors = [
                Problem(
                    None, "", 1, 1, "the file is empty: a conversation is a JSON array", "empty"
                )
            ]
            results.append(result)
            continue
        try:
            results.append(
                check(
                    data,
                    source.name,
                    args.kind,
                    args.dialect,
                    args.strict,
                    args.canonical,
                    args.float_format,
                )
            )
        except RecursionError:
            result = FileResult(source.name)
            from ..errors import Problem

            result.errors = [Problem(None, "", None, None, "nested too deeply to check", "depth")]
            results.append(result)
    out = sys.stdout
    if args.format == "json":
        report.as_json(results, out)
    elif args.format == "github":
        report.github(results, out)
    else:
        report.text(results, out, args.quiet, show_dialect=True)
    out.flush()
    if any(r.fatal is not None for r in results):
        return 2
    return 0 if all(r.valid for r in results) else 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
