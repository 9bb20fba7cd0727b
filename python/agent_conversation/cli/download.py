"""``http(s)://`` inputs: one download under an overall deadline, redirects followed one hop at
a time (only http(s), never from https down to http), a size limit counted on decoded bytes.
"""

from __future__ import annotations

import threading
import time

from .inputs import InputError, too_large

MAX_REDIRECTS = 5
MIN_DEADLINE = 30.0  # seconds: a whole download may take max(5 x --timeout, this)


def deadline_seconds(timeout: float) -> float:
    return max(5 * timeout, MIN_DEADLINE)


def deadline_words(timeout: float) -> str:
    return f"{deadline_seconds(timeout):g} s"


def fetch(url: str, name: str, timeout: float, max_size: int) -> bytes:
    """Download under one overall deadline covering connect, headers and body.

    httpx's read timeout restarts with every byte, so a server trickling its headers would
    hold a plain request forever: the request runs in a worker thread, and the caller stops
    waiting at the deadline (the worker also checks it between chunks and then ends).
    """
    seconds = deadline_seconds(timeout)
    deadline = time.monotonic() + seconds
    body: list[bytes] = []
    failure: list[BaseException] = []
    done = threading.Event()

    def work() -> None:
        try:
            body.append(_download(url, name, timeout, max_size, deadline))
        except BaseException as err:  # noqa: BLE001 - handed to the caller
            failure.append(err)
        finally:
            done.set()

    threading.Thread(target=work, name="validate-conversation-fetch", daemon=True).start()
    if not done.wait(seconds + 0.5):
        raise InputError(
            name,
            f"download took longer than {deadline_words(timeout)} (connecting, headers and "
            "body together)",
        )
    if failure:
        raise failure[0]
    return body[0]


def _download(url: str, name: str, timeout: float, max_size: int, deadline: float) -> bytes:
    import httpx  # imported only when a URL is given: it is slow to import

    from .. import __version__

    limits = httpx.Timeout(timeout, connect=min(timeout, 10.0))

    def too_slow() -> InputError:
        return InputError(name, f"download took longer than {deadline_words(timeout)}")

    try:
        with httpx.Client(
            timeout=limits,
            follow_redirects=False,  # followed below, one hop at a time, each checked
            headers={"User-Agent": f"validate-conversation/{__version__}"},
        ) as client:
            request = client.build_request("GET", url)
            for _ in range(MAX_REDIRECTS + 1):
                response = client.send(request, stream=True)
                try:
                    if time.monotonic() > deadline:
                        raise too_slow()
                    following = response.next_request
                    if following is not None:
                        check_redirect(name, request.url, following.url)
                        request = following
                        continue
                    status = response.status_code
                    if not 200 <= status < 300:
                        reason = response.reason_phrase or ""
                        where = "" if str(response.url) == url else f" (from {response.url})"
                        raise InputError(name, f"HTTP {status} {reason}".rstrip() + where)
                    declared = response.headers.get("content-length", "")
                    if declared.isascii() and declared.isdigit() and len(declared) < 30:
                        if int(declared) > max_size:
                            raise InputError(name, too_large(int(declared), max_size))
                    chunks = []
                    size = 0
                    for chunk in response.iter_bytes():  # decoded (gzip...) bytes are counted
                        size += len(chunk)
                        if size > max_size:
                            raise InputError(name, too_large(None, max_size))
                        if time.monotonic() > deadline:
                            raise too_slow()
                        chunks.append(chunk)
                    return b"".join(chunks)
                finally:
                    response.close()
            raise InputError(name, f"more than {MAX_REDIRECTS} redirects")
    except InputError:
        raise
    except httpx.TooManyRedirects:
        raise InputError(name, f"more than {MAX_REDIRECTS} redirects") from None
    except httpx.UnsupportedProtocol:
        raise InputError(
            name, "redirected to an unsupported URL scheme (only http:// and https://)"
        ) from None
    except httpx.InvalidURL as err:
        raise InputError(name, f"invalid URL ({err})") from None
    except httpx.ConnectTimeout:
        raise InputError(name, f"connection timed out after {min(timeout, 10.0):g} s") from None
    except httpx.TimeoutException:
        raise InputError(name, f"timed out: no data for {timeout:g} s") from None
    except httpx.ConnectError as err:
        raise InputError(name, _connect_words(err, url)) from None
    except httpx.HTTPError as err:
        raise InputError(name, f"request failed ({err.__class__.__name__}: {err})") from None
    except (MemoryError, OverflowError) as err:
        words = "not enough memory to download it" if isinstance(err, MemoryError) else str(err)
        raise InputError(name, words) from None


def check_redirect(name: str, here: object, there: object) -> None:
    """Only http(s) is followed, and never from https down to plain http."""
    scheme = str(getattr(there, "scheme", "")).lower()
    if scheme not in ("http", "https"):
        raise InputError(
            name,
            f"redirected to a {scheme or 'non-http'}:// URL ({there}); only http:// and "
            "https:// are followed",
        )
    if str(getattr(here, "scheme", "")).lower() == "https" and scheme == "http":
        raise InputError(name, f"redirected from https:// down to plain http:// ({there}); refused")


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
