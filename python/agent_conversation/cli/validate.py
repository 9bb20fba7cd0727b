"""``validate-conversation``: check saved conversations the way the crates read them.

Imports stay lazy: a run on a few small files loads neither pydantic, httpx nor jsonschema.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Iterable, Iterator, Sequence

from .._lean_typing import TYPE_CHECKING
from ..errors import Problem
from ._common import (
    DEBUG,
    add_float_format,
    add_max_size,
    add_version,
    finish,
    guarded,
    new_parser,
    silence_stdout,
    usage_error,
)
from .inputs import InputError
from .results import FileResult

if TYPE_CHECKING:
    from typing import Any

EXAMPLES = """\
examples:
  validate-conversation conversation.json
  validate-conversation --dialect yoagent@0.18.0 --strict history/
  validate-conversation --canonical --format github 'sessions/**/*.jsonl'
  validate-conversation --type session --dialect yoagent@0.26.6 - < session.jsonl
  validate-conversation --format json https://example.org/conversation.json

what is checked:
  a saved conversation (a JSON array), exactly as save_messages()/restore_messages() see it;
  a yoagent session file (JSONL: id, parent_id, message, timestamp[, label] per line; ids unique,
  parents defined on an earlier line); a phi-core session document (every AgentMessage in
  loops[].messages and in its turns). Directories are searched recursively for *.json and
  *.jsonl (hidden directories and node_modules are skipped unless named).

output (text):
  path:line:col: error: message N (/N/pointer): cause
  path:line:col: warning: message N (/N/pointer): cause
  path: error: cannot read: cause
  path: valid (conversation, yoagent@0.22 = yoagent 0.22.0–0.26.x)
  N files, N valid, N invalid, N warnings   (1 file, 1 warning)

exit codes:
  0 every file valid, 1 some file invalid,
  2 usage error, unreadable input or network failure
"""


MAX_TIMEOUT = 86400.0  # seconds; --timeout inf or 1e300 is a usage error


PROG = "validate-conversation"


def build_parser() -> argparse.ArgumentParser:
    parser = new_parser(
        PROG,
        "Validate saved conversations and session files of the Rust crates yoagent and "
        "phi-core exactly as those crates read them, with precise errors.",
        EXAMPLES,
    )
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files, directories, glob patterns, - (standard input) or http(s):// URLs",
    )
    parser.add_argument(
        "--dialect",
        default="auto",
        metavar="DIALECT",
        help="auto (default: detect, and print the dialect per file), yoagent@X.Y.Z, "
        "phi-core@X.Y.Z, or a bare crate name for its newest version",
    )
    parser.add_argument(
        "--type",
        dest="kind",
        type=_kind,
        metavar="TYPE",
        help="what the inputs are: conversation, session, phi-session, config, "
        "config:<CacheConfig|ToolExecutionStrategy|ContextConfig|ExecutionLimits>, events "
        "(default: judged by content)",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="also fail on what loads but would not survive a round trip (unknown keys, nulls "
        "on optional keys, duplicate keys in free values, alias spellings) and on lint warnings",
    )
    parser.add_argument(
        "--canonical",
        action="store_true",
        help="fail unless each file is exactly what its crate version's save_messages() writes "
        "for the history it holds (each float as the agent held it)",
    )
    add_float_format(
        parser,
        "how the crate's serde_json writes floats from 1e16 on: ryu (<= 1.0.146: 1e16) or "
        "zmij (>= 1.0.147: 1e+16). auto (default): as the file shows, else zmij (what a fresh "
        "build resolves today)",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json", "github"),
        default="text",
        help="text (default), json (one document), github (workflow-command annotations)",
    )
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="print only problems (no per-file verdicts)"
    )
    parser.add_argument(
        "--jobs",
        type=_jobs,
        default=None,
        metavar="N",
        help="processes that check local files (default: auto, one per processor when there "
        "are many files; 1: one process). The output is the same either way",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="URL connect/read timeout (default 30, at most 86400); a whole download, headers "
        "included, may take 5x this, at least 30 s",
    )
    add_max_size(
        parser,
        "refuse inputs larger than this (default 2G; e.g. 500M)",
    )
    from .schema_info import add_schema_arguments

    add_schema_arguments(parser)
    add_version(parser)
    return parser


def _jobs(text: str) -> int | None:
    """``--jobs``: ``auto`` or a whole number from 1."""
    if text == "auto":
        return None
    if text.isdigit() and int(text) >= 1:
        return min(int(text), 256)
    raise argparse.ArgumentTypeError(f"expected auto or a whole number from 1, got {text!r}")


def _kind(text: str) -> str:
    """``--type``: a kind of input, ``config:<Type>`` naming one configuration type."""
    from ..records.config_spec import CONFIG_TYPES

    kinds = ("conversation", "session", "phi-session", "config", "events")
    if text in kinds or (text.startswith("config:") and text[7:] in CONFIG_TYPES):
        return text
    raise argparse.ArgumentTypeError(
        f"invalid choice: {text!r} (choose from {', '.join(kinds)}, "
        + ", ".join(f"config:{t}" for t in CONFIG_TYPES)
        + ")"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """The console script and ``python -m agent_conversation``.

    Called with ``argv`` it returns the exit code like :func:`run`. Called as the command (no
    ``argv``) it ends the process itself once the output is flushed (:func:`._common.finish`).
    """
    if argv is not None:
        return run(argv)
    return finish(run())  # type: ignore[no-any-return]


def run(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit code (never raises, never prints a traceback)."""
    return guarded(PROG, lambda: _main(argv))


def _main(argv: Sequence[str] | None) -> int:
    # A short-lived process that builds large acyclic trees: the cyclic collector would only
    # rescan them (the codec pauses it while parsing; this keeps it off for the checks too).
    gc.disable()
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.list_dialects or args.print_schema:
        from .schema_info import print_schema_info

        return print_schema_info(parser, args)
    if not args.paths:
        return usage_error(parser, "give at least one PATH (or - for stdin)")
    from .inputs import parse_size

    try:
        args.max_size = parse_size(args.max_size)
    except ValueError as err:
        return usage_error(parser, f"--max-size: {err}")
    if not 0 < args.timeout <= MAX_TIMEOUT:
        return usage_error(
            parser, f"--timeout must be a positive number of seconds, at most {MAX_TIMEOUT:g}"
        )
    if args.dialect != "auto":
        from ..dialects import resolve
        from ..errors import ConversationError

        try:
            resolve(args.dialect)
        except ConversationError as err:
            return usage_error(parser, f"--dialect: {err.problems[0].message}")
    return _run(args)


def _run(args: argparse.Namespace) -> int:
    from .checks import check
    from .inputs import Skipped, Source, expand, read
    from .report import REPORTERS
    from .results import Options
    from .streams import printable, say
    from .workers import check_all, jobs_for

    options = Options(args.kind, args.dialect, args.strict, args.canonical, args.float_format)
    reporter = REPORTERS[args.format](sys.stdout, args.quiet, args.dialect)
    fatal = invalid = False

    def check_one(source: Source) -> FileResult:
        return _check_one(source, args, options, read, check)

    for item in _runs(expand(args.paths)):
        if isinstance(item, Skipped):
            say(f"{PROG}: warning: skipped {printable(item.name)}: {item.reason}")
            continue
        if isinstance(item, InputError):
            results: Any = [FileResult(item.name, fatal=item.message, is_file=False)]
        elif isinstance(item, list):  # local files: on several processors if many
            results = check_all(item, jobs_for(args.jobs, len(item)), check_one)
        else:
            results = [check_one(item)]
        for result in results:
            fatal = fatal or result.fatal is not None
            invalid = invalid or not result.valid
            reporter.add(result)
            reporter.flush()
    code = 2 if fatal else 1 if invalid else 0
    reporter.close(code)
    if reporter.failed is not None:
        say(f"{PROG}: error: cannot write the report: {reporter.failed}")
        code = 2
    if reporter.broken:
        silence_stdout()
    return code


def _runs(items: Iterable[Any]) -> Iterator[Any]:
    """The expanded inputs, with each run of consecutive local files (at most
    :data:`.workers.RUN`) gathered in a list; anything else (standard input, a URL, a skipped
    name, an error) as it is, in order."""
    from .workers import RUN

    run: list[Any] = []
    for item in items:
        if getattr(item, "kind", None) == "file":
            run.append(item)
            if len(run) < RUN:
                continue
            yield run
            run = []
            continue
        if run:
            yield run
            run = []
        yield item
    if run:
        yield run


def _check_one(source, args, options, read, check):  # type: ignore[no-untyped-def]
    try:
        data = read(source, args.timeout, args.max_size)
    except InputError as err:
        return FileResult(source.name, fatal=err.message, is_file=source.is_file)
    try:
        result = check(data, source.name, options)
    except RecursionError:
        result = FileResult(source.name, options.kind or "conversation")
        result.errors = [
            Problem(None, "", None, None, "nested too deeply to check", "recursion-limit")
        ]
    except MemoryError:
        del data
        result = FileResult(source.name, fatal="not enough memory to check it (try a smaller file)")
    except Exception as err:  # noqa: BLE001 - one bad file must not end the run with a traceback
        if os.environ.get(DEBUG):
            raise
        result = FileResult(
            source.name,
            fatal=f"internal error while checking: {err.__class__.__name__}: {err} (please report)",
        )
    result.is_file = source.is_file
    return result


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
