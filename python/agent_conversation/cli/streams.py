"""Standard streams for the command-line tools: every write checked, nothing assumed open.

- A closed standard stream (``2>&-``, ``>&-``, ``<&-``) is occupied by ``/dev/null`` before any
  file is opened, so no output file can land on descriptor 1 or 2 by accident. Standard error
  then swallows diagnostics (the user closed it: the exit code does not change); standard
  output and input are opened the wrong way round, so using them fails with EBADF and is
  reported as an I/O error (exit 2) instead of output silently lost.
- :func:`write_all` writes every byte or raises OSError (short writes are continued, ENOSPC,
  EBADF and EPIPE are raised).
- :func:`say` writes a diagnostic to standard error and never raises.
"""

from __future__ import annotations

import errno
import io
import os
import re
import sys

from .._lean_typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

# compiled by re's cache on first use (most runs print no name)
_CONTROL = "[\x00-\x08\x0a-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]"


def guard_standard_fds() -> None:
    """Occupy closed descriptors 0, 1 and 2 (see the module docstring)."""
    for fd, flags in ((0, os.O_WRONLY), (1, os.O_RDONLY), (2, os.O_WRONLY)):
        try:
            os.fstat(fd)
        except OSError:
            try:
                opened = os.open(os.devnull, flags)
            except OSError:
                continue
            if opened != fd:
                os.dup2(opened, fd)
                os.close(opened)


def write_all(stream: Any, data: bytes, what: str = "standard output") -> None:
    """Write all of ``data`` to a binary-capable text stream (sys.stdout) or raise OSError."""
    if stream is None:
        raise OSError(errno.EBADF, f"{what} is closed")
    try:
        fd = stream.fileno()
    except (AttributeError, ValueError, io.UnsupportedOperation):
        fd = None
    try:
        if fd is None:  # an in-memory stream (tests): no short writes there
            target = getattr(stream, "buffer", stream)
            target.write(data)
            target.flush()
            return
        stream.flush()
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            if written <= 0:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            view = view[written:]
    except ValueError:  # "I/O operation on closed file"
        raise OSError(errno.EBADF, f"{what} is closed") from None


def say(text: str) -> None:
    """A line on standard error; if it cannot be written the diagnostic is lost, nothing else."""
    stream = sys.stderr
    if stream is None:
        return
    try:
        stream.write(text if text.endswith("\n") else text + "\n")
        stream.flush()
    except (OSError, ValueError, AttributeError):
        pass


def os_words(err: BaseException) -> str:
    if isinstance(err, OSError):
        return (err.strerror or str(err)) if err.errno != errno.EBADF else "it is closed"
    return str(err)


def printable(text: str) -> str:
    """Control characters (line breaks, ANSI/OSC escapes, bidi overrides) as visible escapes,
    so no document string can forge an output line or drive the terminal."""
    if not re.search(_CONTROL, text):
        return text
    return re.sub(_CONTROL, _escape, text)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char == "\n":
        return "\\n"
    if char == "\r":
        return "\\r"
    if char == "\t":
        return "\\t"
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
