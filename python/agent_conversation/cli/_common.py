"""What both commands share: streams set up, one-line usage errors, ``--version``, and the
promise that no input ends in a traceback (exit 130 on Ctrl-C, 2 on a broken pipe or an
internal error)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable

from .._lean_typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any, NoReturn

DEBUG = "VALIDATE_CONVERSATION_DEBUG"  # set: internal errors raise (a traceback) instead


class UsageError(Exception):
    """A usage or input error found after parsing: exit 2 with this message."""


class Parser(argparse.ArgumentParser):
    """argparse with its usage errors on one line: ``usage: ...`` then ``PROG: error: ...``."""

    # While arguments are added, argparse makes a help formatter per argument only to check its
    # metavar, and each asks the terminal for its size (importing shutil): a fixed width serves
    # that check; output made once parsing starts gets the terminal's.
    _adding = True

    def _get_formatter(self) -> argparse.HelpFormatter:
        if self._adding:
            return argparse.HelpFormatter(prog=self.prog, width=80)
        return super()._get_formatter()

    def parse_known_args(self, *args: Any, **kwargs: Any) -> Any:
        self._adding = False
        return super().parse_known_args(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        raise SystemExit(usage_error(self, message))


def new_parser(prog: str, description: str, epilog: str) -> Parser:
    """The command's parser; ``--version`` prints ``PROG VERSION`` and exits 0."""
    return Parser(
        prog=prog,
        description=description,
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def add_version(parser: argparse.ArgumentParser) -> None:
    from .. import __version__

    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")


def add_float_format(parser: argparse.ArgumentParser, help: str) -> None:
    """``--float-format auto|ryu|zmij``: how serde_json writes floats from 1e16 on."""
    from ..codec.numbers import FLOAT_FORMAT_CHOICES

    parser.add_argument("--float-format", choices=FLOAT_FORMAT_CHOICES, default="auto", help=help)


def add_max_size(parser: argparse.ArgumentParser, help: str) -> None:
    """``--max-size SIZE``: inputs larger than this are refused (default 2G)."""
    parser.add_argument("--max-size", default="2G", metavar="SIZE", help=help)


def usage_error(parser: argparse.ArgumentParser, message: str) -> int:
    """Print the usage line and ``PROG: error: MESSAGE`` to standard error; returns 2."""
    from .streams import say

    parser.print_usage(sys.stderr)
    say(f"{parser.prog}: error: {message}")
    return 2


def exit_code(stop: SystemExit) -> int:
    """The exit code argparse (``--help``, ``--version``, usage errors) asked for."""
    code = stop.code
    return code if isinstance(code, int) else (0 if code is None else 2)


def prepare_streams() -> None:
    """Standard streams that exist (closed ones opened on the null device) and print any text
    (what the terminal's encoding lacks is written as backslash escapes)."""
    from .streams import guard_standard_fds

    guard_standard_fds()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
        except (AttributeError, ValueError):
            pass


def guarded(prog: str, body: Callable[[], int]) -> int:
    """Run ``body`` for its exit code: never raises, never prints a traceback."""
    prepare_streams()
    try:
        return body()
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        silence_stdout()
        return 2
    except SystemExit as stop:  # argparse: --help, --version, usage errors
        return exit_code(stop)
    except Exception as err:  # noqa: BLE001 - the promise is: no traceback, for any input
        if os.environ.get(DEBUG):
            raise
        from .streams import say

        say(
            f"{prog}: internal error: {err.__class__.__name__}: {err} "
            f"(set {DEBUG}=1 for a traceback, and please report it)"
        )
        return 2


def silence_stdout() -> None:
    """Point standard output at the null device: later flushes (at exit) must not fail again
    on a stream whose reader went away."""
    try:
        fd = sys.stdout.fileno()
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def finish(code: int) -> Any:
    """End the process with ``code`` once the output is flushed (exit 2 when the output did
    not reach its reader). Tearing down the parsed documents one object at a time would only
    add to the wall time of a short-lived process."""
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except (OSError, ValueError):
        code = 2  # the report did not reach its reader
    try:
        if sys.stderr is not None:
            sys.stderr.flush()
    except (OSError, ValueError):
        pass  # diagnostics lost; the verdict stands
    os._exit(code)
