"""Where documents come from: files, directories, globs, standard input, http(s) URLs.

Nothing here writes anywhere: inputs are opened read-only and never modified.
"""

from __future__ import annotations

import glob
import os
import re
import stat
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass

SUFFIXES = (".json", ".jsonl")
MAX_REDIRECTS = 5
DEFAULT_MAX_SIZE = 2 * 1024**3  # bytes; --max-size
SKIPPED_DIRS = ("node_modules",)  # and every hidden directory, when walking a directory
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
_CHUNK = 1 << 20


class InputError(Exception):
    """An input could not be read at all (exit code 2). ``message`` is one line."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name
        self.message = message


@dataclass(frozen=True)
class Source:
    name: str  # what reports call it: a path, "<stdin>" or a URL
    kind: str  # "file", "stdin", "url"
    location: str

    @property
    def is_file(self) -> bool:
        return self.kind == "file"


def expand(paths: list[str]) -> Iterator[Source | InputError]:
    """Every document named by the arguments, in order; names that give nothing are InputError."""
    seen: set[str] = set()

    def once(source: Source) -> Iterator[Source]:
        key = os.path.normpath(source.location) if source.is_file else source.location
        if source.kind == "stdin" or key not in seen:
            seen.add(key)
            yield source

    for arg in paths:
        if arg == "-":
            yield from once(Source("<stdin>", "stdin", "-"))
            continue
        scheme = _SCHEME.match(arg)
        if scheme and not os.path.exists(arg):
            if scheme.group(1).lower() in ("http", "https"):
                yield from once(Source(arg, "url", arg))
            else:
                yield InputError(
                    arg,
                    f"unsupported URL scheme {scheme.group(1)!r}: only http:// and https:// "
                    "URLs are read",
                )
            continue
        if os.path.isdir(arg):
            found = False
            for item in _walk(arg):
                if isinstance(item, InputError):
                    yield item
                    continue
                found = True
                yield from once(item)
            if not found:
                yield InputError(arg, "directory holds no *.json or *.jsonl files")
        elif os.path.lexists(arg) or not glob.has_magic(arg):
            yield from once(Source(arg, "file", arg))
        else:
            matches = sorted(glob.glob(arg, recursive=True))
            if not matches:
                yield InputError(arg, "pattern matches no files")
            for match in matches:
                if os.path.isdir(match):
                    for item in _walk(match):
                        if isinstance(item, InputError):
                            yield item
                        else:
                            yield from once(item)
                else:
                    yield from once(Source(match, "file", match))


def _walk(top: str) -> Iterator[Source | InputError]:
    """*.json and *.jsonl under ``top``, sorted; hidden directories and node_modules skipped;
    unreadable directories reported (os.walk would skip them silently)."""
    errors: list[OSError] = []
    for root, dirs, files in os.walk(top, onerror=errors.append):
        while errors:
            err = errors.pop()
            yield InputError(err.filename or root, _os_words(err))
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED_DIRS)
        for name in sorted(files):
            if name.endswith(SUFFIXES):
                path = os.path.join(root, name)
                yield Source(path, "file", path)
    for err in errors:
        yield InputError(err.filename or top, _os_words(err))


def _os_words(err: OSError) -> str:
    if isinstance(err, PermissionError):
        return "permission denied"
    if isinstance(err, FileNotFoundError):
        return "no such file or directory"
    if isinstance(err, IsADirectoryError):
        return "is a directory"
    return (err.strerror or str(err)).lower()


def read(source: Source, timeout: float, max_size: int = DEFAULT_MAX_SIZE) -> bytes:
    """The bytes of one source; InputError when it cannot be read."""
    if source.kind == "stdin":
        return _read_stream(sys.stdin.buffer, source.name, max_size)
    if source.kind == "url":
        return _fetch(source.location, timeout, max_size)
    try:
        with open(source.location, "rb") as handle:
            info = os.fstat(handle.fileno())
            if stat.S_ISREG(info.st_mode):
                if info.st_size > max_size:
                    raise InputError(source.name, _too_large(info.st_size, max_size))
                return handle.read()
            if stat.S_ISDIR(info.st_mode):
                raise InputError(source.name, "is a directory")
            return _read_stream(handle, source.name, max_size)  # a FIFO, a device
    except InputError:
        raise
    except MemoryError:
        raise InputError(source.name, "not enough memory to read it") from None
    except OSError as err:
        raise InputError(source.name, _os_words(err)) from None


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
                raise InputError(name, _too_large(None, max_size))
            chunks.append(chunk)
    except OSError as err:
        raise InputError(name, _os_words(err)) from None
    return b"".join(chunks)


def _too_large(size: int | None, limit: int) -> str:
    have = f"{_size_words(size)}, " if size is not None else ""
    return f"{have}larger than the --max-size limit of {_size_words(limit)}"


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


def _fetch(url: str, timeout: float, max_size: int) -> bytes:
    import httpx  # imported only when a URL is given: it is slow to import

    from .. import __version__

    deadline = time.monotonic() + max(5 * timeout, 30.0)
    limits = httpx.Timeout(timeout, connect=min(timeout, 10.0))
    try:
        with httpx.Client(
            timeout=limits,
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            headers={"User-Agent": f"validate-conversation/{__version__}"},
        ) as client:
            with client.stream("GET", url) as response:
                status = response.status_code
                if not 200 <= status < 300:
                    reason = response.reason_phrase or ""
                    where = "" if str(response.url) == url else f" (from {response.url})"
                    raise InputError(url, f"HTTP {status} {reason}".rstrip() + where)
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > max_size:
                    raise InputError(url, _too_large(int(declared), max_size))
                chunks = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > max_size:
                        raise InputError(url, _too_large(None, max_size))
                    if time.monotonic() > deadline:
                        raise InputError(
                            url, f"download took longer than {deadline_words(timeout)}"
                        )
                    chunks.append(chunk)
                return b"".join(chunks)
    except InputError:
        raise
    except httpx.TooManyRedirects:
        raise InputError(url, f"more than {MAX_REDIRECTS} redirects") from None
    except httpx.UnsupportedProtocol:
        raise InputError(
            url, "redirected to an unsupported URL scheme (only http:// and https://)"
        ) from None
    except httpx.InvalidURL as err:
        raise InputError(url, f"invalid URL ({err})") from None
    except httpx.ConnectTimeout:
        raise InputError(url, f"connection timed out after {min(timeout, 10.0):g} s") from None
    except httpx.TimeoutException:
        raise InputError(url, f"timed out: no data for {timeout:g} s") from None
    except httpx.ConnectError as err:
        raise InputError(url, _connect_words(err, url)) from None
    except httpx.HTTPError as err:
        raise InputError(url, f"request failed ({err.__class__.__name__}: {err})") from None
    except MemoryError:
        raise InputError(url, "not enough memory to download it") from None


def deadline_words(timeout: float) -> str:
    return f"{max(5 * timeout, 30.0):g} s"


def _connect_words(err: BaseException, url: str) -> str:
    import socket
    import ssl
    from urllib.parse import urlsplit

    try:
        host = urlsplit(url).hostname or url
    except ValueError:
        host = url
    cause: BaseException | None = err
    while cause is not None:
        if isinstance(cause, socket.gaierror):
            return f"could not resolve host {host!r} ({cause.strerror or cause})"
        if isinstance(cause, ConnectionRefusedError):
            return f"could not connect to {host!r}: connection refused"
        if isinstance(cause, ssl.SSLError):
            return f"TLS error talking to {host!r}: {cause.reason or cause}"
        cause = cause.__cause__ or cause.__context__
    return f"could not connect to {host!r} ({err or 'connection failed'})"
