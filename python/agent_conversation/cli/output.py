"""Where ``convert-conversation`` writes: ``-o OUT`` or ``--in-place`` (atomically, never over
the input by accident) or standard output (every byte, or a clear failure)."""

from __future__ import annotations

import argparse
import errno
import os
import sys
from pathlib import Path

from ._common import UsageError, silence_stdout


class OutputFailed(Exception):
    """Standard output could not take the converted text (closed, full, reader gone)."""


def write(output: Path | None, payload: bytes) -> None:
    """``payload`` to ``output`` (None: standard output)."""
    if output is None:
        _write_stdout(payload)
    else:
        _write_file(output, payload)


def destination(args: argparse.Namespace) -> Path | None:
    """Where to write (None: standard output), refusing to overwrite the input by accident.

    ``-o`` and ``--in-place`` follow one rule (check_target): through symlinks to a regular
    file, which is replaced atomically; devices, FIFOs, sockets and hard-linked files are
    refused before anything is read."""
    from ..atomic_write import check_target

    if args.in_place:
        if args.input == "-":
            raise UsageError("--in-place needs a file, not standard input")
        if args.output is not None:
            raise UsageError("give either -o or --in-place, not both")
        if check_target(args.input) is None:
            raise UsageError(f"{args.input}: no such file")
        return Path(args.input)
    if args.output is None or args.output == "-":
        return None
    output = Path(args.output)
    if args.input != "-" and _same_file(output, Path(args.input)):
        raise UsageError(f"refusing to overwrite the input {args.input} (use --in-place)")
    check_target(output)
    if not Path(os.path.realpath(output)).parent.is_dir():
        raise UsageError(f"{args.output}: no such directory {str(output.parent)!r}")
    return output


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _write_file(output: Path, payload: bytes) -> None:
    """Atomically: write_atomic (temporary file in the same folder, then a rename; a new
    file gets the usual 0666-minus-umask mode, a replaced one keeps mode, owner and group)."""
    from ..atomic_write import write_atomic

    write_atomic(output, payload)


def _write_stdout(payload: bytes) -> None:
    """Every byte, or OutputFailed (short writes continued; ENOSPC, EBADF, EPIPE fail)."""
    from .streams import write_all

    try:
        write_all(sys.stdout, payload)
    except BrokenPipeError:
        silence_stdout()
        raise OutputFailed("the reader went away before the end (output incomplete)") from None
    except OSError as err:
        silence_stdout()
        words = "it is closed" if err.errno == errno.EBADF else (err.strerror or str(err))
        raise OutputFailed(words) from None
