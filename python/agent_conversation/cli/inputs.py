"""Where documents come from: files, directories, globs, standard input, http(s) URLs (those
downloaded by :mod:`.download`).

Nothing here writes anywhere: inputs are opened read-only and never modified.
"""

from __future__ import annotations

import os
import re
import stat
import sys
from collections.abc import Iterator

from .._lean_typing import NamedTuple

SUFFIXES = (".json", ".jsonl")
DEFAULT_MAX_SIZE = 2 * 1024**3  # bytes; --max-size
SKIPPED_DIRS = ("node_modules",)  # and every hidden directory, when walking a directory
_SCHEME = r"^([A-Za-z][A-Za-z0-9+.-]*)://"  # compiled by re's cache on first use
_CHUNK = 1 << 20


class InputError(Exception):
    """An input could not be read at all (exit code 2). ``message`` is one line.

    Credentials in URLs (``https://user:secret@host``) never reach a report: both the name and
    the message are redacted here."""

    def __init__(self, name: str, message: str) -> None:
        message = redact(message)
        super().__init__(message)
        self.name = redact(name)
        self.message = message


class Source(NamedTuple):
    name: str  # what reports call it: a path, "<stdin>" or a URL (credentials redacted)
    kind: str  # "file", "stdin", "url"
    location: str
    # a directory walk's: (device, inode) of a regular file, not a link (no stat needed again)
    regular: tuple[int, int] | None = None

    @property
    def is_file(self) -> bool:
        return self.kind == "file"


class Skipped(NamedTuple):
    """A name a directory walk found but does not read (a FIFO, a device): a warning."""

    name: str
    reason: str


_USERINFO = r"(?i)\b([a-z][a-z0-9+.-]*://)[^/?#@\s]*@"


def redact(text: str) -> str:
    """``https://alice:s3cret@host/x`` -> ``https://***@host/x``: user names can be tokens too."""
    return re.sub(_USERINFO, r"\1***@", text) if "@" in text else text


def expand(paths: list[str]) -> Iterator[Source | InputError | Skipped]:
    """Every document named by the arguments, in order, each file once (however it is reached:
    a path, a symlink, a glob); names that give nothing are InputError."""
    seen: set[object] = set()

    def fresh(source: Source) -> bool:
        """True the first time a file is met (standard input: every time)."""
        key = _identity(source)
        if source.kind == "stdin" or key not in seen:
            seen.add(key)
            return True
        return False

    def once(source: Source) -> Iterator[Source]:
        if fresh(source):
            yield source

    def walked(top: str) -> Iterator[Source | InputError | Skipped]:
        found = failed = False
        for item in _walk(top):
            if type(item) is Source:
                found = True
                if fresh(item):
                    yield item
            else:
                failed = failed or isinstance(item, InputError)
                yield item
        if not found and not failed:
            yield InputError(top, "directory holds no *.json or *.jsonl files")

    for arg in paths:
        if arg == "-":
            yield from once(Source("<stdin>", "stdin", "-"))
            continue
        scheme = re.match(_SCHEME, arg) if "://" in arg else None
        if scheme and not os.path.exists(arg):
            if scheme.group(1).lower() in ("http", "https"):
                yield from once(Source(redact(arg), "url", arg))
            else:
                yield InputError(
                    arg,
                    f"unsupported URL scheme {scheme.group(1)!r}: only http:// and https:// "
                    "URLs are read",
                )
            continue
        if os.path.isdir(arg):
            yield from walked(arg)
        elif os.path.lexists(arg) or not _has_magic(arg):
            yield from once(Source(arg, "file", arg))
        else:
            matches = _glob(arg)
            if not matches:
                yield InputError(arg, "pattern matches no files")
            for match in matches:
                if os.path.isdir(match):
                    yield from (
                        i
                        for i in walked(match)
                        if not isinstance(i, InputError)
                        or i.message != "directory holds no *.json or *.jsonl files"
                    )
                else:
                    yield from once(Source(match, "file", match))


def _identity(source: Source) -> object:
    """The same file reached by two names (a symlink, ``a/../a``) is one file."""
    if source.regular is not None:
        return ("inode", *source.regular)
    if source.is_file:
        try:
            info = os.stat(source.location)
            return ("inode", info.st_dev, info.st_ino)
        except (OSError, ValueError):
            return ("path", os.path.normpath(source.location))
    return (source.kind, source.location)


def _has_magic(name: str) -> bool:
    import glob  # only names that are not there need it

    return glob.has_magic(name)


def _glob(pattern: str) -> list[str]:
    """``glob.glob(pattern, recursive=True)`` without following symlinked directories under
    ``**`` (a link to ``..`` would make it loop, exponentially): pathlib's ``**`` does not
    follow them. Like glob, wildcards do not match hidden names unless the pattern's part does."""
    parts = pattern.split(os.sep)
    i = 0
    while i < len(parts) and not _has_magic(parts[i]):
        i += 1
    base = os.sep.join(parts[:i]) or (os.sep if pattern.startswith(os.sep) else ".")
    rest = [p for p in parts[i:] if p]
    if not rest or not os.path.isdir(base):
        return []
    hidden_ok = any(p.startswith(".") for p in rest)
    from pathlib import Path

    out = []
    try:
        for path in Path(base).glob("/".join(rest)):
            rel = path.relative_to(base).parts
            if not hidden_ok and any(part.startswith(".") for part in rel):
                continue
            out.append(str(path))
    except OSError:
        return sorted(out)
    return sorted(out)


def _walk(top: str) -> Iterator[Source | InputError | Skipped]:
    """*.json and *.jsonl under ``top``, sorted; hidden directories and node_modules skipped;
    unreadable directories reported once (os.walk would skip them silently); symlinked
    directories not followed; FIFOs, devices and sockets skipped with a warning (reading a FIFO
    would block). A regular file is known by its directory entry (no stat of its own)."""
    try:
        device = os.stat(top).st_dev
    except OSError as err:
        yield InputError(err.filename or top, _os_words(err))
        return
    yield from _walk_dir(top, device)


def _entry_name(entry: os.DirEntry[str]) -> str:
    return entry.name  # the walk's order


def _walk_dir(folder: str, device: int) -> Iterator[Source | InputError | Skipped]:
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=_entry_name)
    except OSError as err:
        yield InputError(err.filename or folder, _os_words(err))
        return
    dirs = []
    for entry in entries:
        name = entry.name
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError:
            is_dir = False
        if is_dir:
            if not name.startswith(".") and name not in SKIPPED_DIRS:
                dirs.append(entry)
            continue
        if not name.endswith(SUFFIXES):
            continue
        path = entry.path  # os.path.join(folder, name), made by scandir
        try:
            if entry.is_file(follow_symlinks=False):  # the entry's type: no system call
                yield Source(path, "file", path, (device, entry.inode()))
                continue
            mode = os.stat(path).st_mode
            if stat.S_ISDIR(mode):
                continue  # a link to a directory (not followed, as os.walk does not)
            kind = special_kind(mode)
        except OSError:
            kind = None  # a dangling link: reading it reports why
        if kind:
            yield Skipped(path, f"a {kind}, not a regular file")
        else:
            yield Source(path, "file", path)
    for entry in dirs:
        try:
            sub_device = entry.stat(follow_symlinks=False).st_dev
        except OSError as err:
            yield InputError(entry.path, _os_words(err))
            continue
        yield from _walk_dir(entry.path, sub_device)


def special_kind(mode: int) -> str | None:
    """What a non-regular, non-directory file is, in words; None for files and directories."""
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "character device"
    if stat.S_ISBLK(mode):
        return "block device"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "special file"


def _os_words(err: OSError) -> str:
    if isinstance(err, PermissionError):
        return "permission denied"
    if isinstance(err, FileNotFoundError):
        return "no such file or directory"
    if isinstance(err, IsADirectoryError):
        return "is a directory"
    return (err.strerror or str(err)).lower()


def read(source: Source, timeout: float, max_size: int = DEFAULT_MAX_SIZE) -> bytes:
    """The bytes of one source; InputError when it cannot be read. Never blocks on a named
    FIFO and never reads a device: only regular files, standard input and http(s) URLs."""
    if source.kind == "stdin":
        stdin = sys.stdin
        if stdin is None:  # the process was started with standard input closed
            raise InputError(source.name, "standard input is closed")
        try:
            handle = stdin.buffer
        except (AttributeError, ValueError):
            raise InputError(source.name, "standard input is closed") from None
        return _read_stream(handle, source.name, max_size)
    if source.kind == "url":
        from .download import fetch

        return fetch(source.location, source.name, timeout, max_size)
    return read_file(source.location, source.name, max_size, source.regular is not None)


def read_file(path: str, name: str, max_size: int, walked: bool = False) -> bytes:
    """A regular file's bytes. A FIFO, device or socket is refused before it is opened (unless
    a directory walk found it a regular file: ``walked``) and checked again once open (opened
    non-blocking, so a FIFO swapped in meanwhile cannot block)."""
    try:
        if not walked:
            _refuse_special(name, os.stat(path).st_mode)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        try:
            info = os.fstat(fd)
            _refuse_special(name, info.st_mode)
            if stat.S_ISDIR(info.st_mode):
                raise InputError(name, "is a directory")
            if info.st_size > max_size:
                raise InputError(name, too_large(info.st_size, max_size))
            # one system call, no buffer object (many small files: half the time)
            data = os.read(fd, info.st_size + 1) if info.st_size < _CHUNK else b""
            if len(data) != info.st_size:  # large, short read, or it grew: read on
                with open(fd, "rb", closefd=False) as handle:
                    data += handle.read(info.st_size + 1 - len(data))
                    if len(data) > info.st_size:  # it grew while we read: on, within limit
                        data += _read_stream(handle, name, max_size - len(data))
            return data
        finally:
            os.close(fd)
    except InputError:
        raise
    except MemoryError:
        raise InputError(name, "not enough memory to read it") from None
    except OSError as err:
        raise InputError(name, _os_words(err)) from None


def _refuse_special(name: str, mode: int) -> None:
    kind = special_kind(mode)
    if kind:
        raise InputError(
            name,
            f"is a {kind}, not a regular file: only regular files are read "
            "(to read it anyway, give it on standard input: - < PATH)",
        )


def _read_stream(handle, name: str, max_size: int) -> bytes:  # type: ignore[no-untyped-def]
    chunks = []
    size = 0
    try:
        while True:
            chunk = handle.read(_CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > max_size:
                raise InputError(name, too_large(None, max_size))
            chunks.append(chunk)
    except MemoryError:
        raise InputError(name, "not enough memory to read it") from None
    except OSError as err:
        raise InputError(name, _os_words(err)) from None
    except ValueError:  # a closed stream
        raise InputError(name, "the stream is closed") from None
    return b"".join(chunks)


def too_large(size: int | None, limit: int) -> str:
    if size is None:
        return f"larger than the --max-size limit of {_size_words(limit)}"
    have, most = _size_words(size), _size_words(limit)
    if have == most:  # 2 GiB + 1 byte is not "2 GiB, larger than 2 GiB"
        have, most = f"{size:,} bytes", f"{limit:,} bytes"
    return f"{have}, larger than the --max-size limit of {most}"


def _size_words(n: int) -> str:
    for unit, factor in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if n >= factor:
            return f"{n / factor:.4g} {unit}"
    return f"{n} bytes"


def parse_size(text: str) -> int:
    """``500000``, ``512K``, ``100M``, ``2G`` (binary multiples) -> bytes."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmMgGtT]?)(?:i?[bB])?\s*", text)
    if not match:
        raise ValueError(f"not a size: {text!r} (use e.g. 500M or 2G)")
    factor = 1024 ** " KMGT".index(match.group(2).upper() or " ")
    return int(float(match.group(1)) * factor)
