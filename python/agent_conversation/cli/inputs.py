"""Where documents come from: files, directories, globs, standard input, http(s) URLs."""

from __future__ import annotations

import glob
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass

MAX_URL_BYTES = 256 * 1024 * 1024
MAX_REDIRECTS = 5
SUFFIXES = (".json", ".jsonl")


class InputError(Exception):
    """An input could not be read at all (exit code 2)."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name
        self.message = message


@dataclass
class Source:
    name: str  # what reports call it: a path, "<stdin>" or a URL
    kind: str  # "file", "stdin", "url"
    location: str


def expand(paths: list[str]) -> Iterator[Source | InputError]:
    """Every document named by the arguments, in order; unreadable names become InputError."""
    for arg in paths:
        if arg == "-":
            yield Source("<stdin>", "stdin", "-")
        elif arg.startswith(("http://", "https://")):
            yield Source(arg, "url", arg)
        elif "://" in arg.split("/", 1)[0] + "/" and not os.path.exists(arg):
            yield InputError(arg, "only http:// and https:// URLs are supported")
        elif os.path.isdir(arg):
            found = False
            for root, dirs, files in os.walk(arg):
                dirs.sort()
                for name in sorted(files):
                    if name.endswith(SUFFIXES):
                        found = True
                        yield Source(os.path.join(root, name), "file", os.path.join(root, name))
            if not found:
                yield InputError(arg, "directory holds no *.json or *.jsonl files")
        elif os.path.exists(arg) or not glob.has_magic(arg):
            yield Source(arg, "file", arg)
        else:
            matches = sorted(glob.glob(arg, recursive=True))
            files = [m for m in matches if os.path.isfile(m)]
            if not files:
                yield InputError(arg, "pattern matches no files")
            for match in files:
                yield Source(match, "file", match)


def read(source: Source, timeout: float) -> bytes:
    """The bytes of one source; InputError when it cannot be read."""
    if source.kind == "stdin":
        return sys.stdin.buffer.read()
    if source.kind == "url":
        return _fetch(source.location, timeout)
    try:
        with open(source.location, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        raise InputError(source.name, "no such file") from None
    except PermissionError:
        raise InputError(source.name, "permission denied") from None
    except IsADirectoryError:
        raise InputError(source.name, "is a directory") from None
    except OSError as err:
        raise InputError(source.name, err.strerror or str(err)) from None


def _fetch(url: str, timeout: float) -> bytes:
    import httpx  # imported only when a URL is given: it is slow to import

    limits = httpx.Timeout(timeout, connect=min(timeout, 10.0))
    try:
        with httpx.Client(
            timeout=limits, follow_redirects=True, max_redirects=MAX_REDIRECTS
        ) as client:
            with client.stream("GET", url) as response:
                if response.status_code >= 400:
                    raise InputError(url, f"HTTP {response.status_code} {response.reason_phrase}")
                declared = response.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > MAX_URL_BYTES:
                    raise InputError(url, f"larger than the {MAX_URL_BYTES // 2**20} MiB limit")
                chunks = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > MAX_URL_BYTES:
                        raise InputError(url, f"larger than the {MAX_URL_BYTES // 2**20} MiB limit")
                    chunks.append(chunk)
                return b"".join(chunks)
    except httpx.TooManyRedirects:
        raise InputError(url, f"more than {MAX_REDIRECTS} redirects") from None
    except httpx.ConnectError as err:
        text = str(err)
        if (
            "Name or service not known" in text
            or "nodename nor servname" in text
            or "getaddrinfo" in text
        ):
            raise InputError(url, "host name could not be resolved") from None
        raise InputError(url, f"could not connect ({text or 'connection refused'})") from None
    except httpx.TimeoutException:
        raise InputError(url, f"timed out after {timeout:g} s") from None
    except httpx.UnsupportedProtocol:
        raise InputError(url, "only http:// and https:// URLs are supported") from None
    except httpx.HTTPError as err:
        raise InputError(url, f"request failed ({err.__class__.__name__}: {err})") from None
