"""Hostile HTTP servers on loopback: trickled headers, endless bodies, a gzip bomb, redirects to
other schemes and hosts. Every server stops by itself within a few seconds; the whole module
takes about 15 s."""

from __future__ import annotations

import gc
import io
import socket
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from agent_conversation.cli import download, inputs
from agent_conversation.cli.validate import run as validate

EXAMPLE = (
    Path(__file__).resolve().parent.parent / "fixtures/examples/conversation.json"
).read_bytes()
Handler = Callable[[socket.socket, bytes, threading.Event], None]
SERVER_LIFETIME = 12.0  # seconds: no handler runs longer


class Server:
    """One listening socket on loopback; each connection gets ``handler(conn, request, stop)``."""

    def __init__(self, handler: Handler, host: str = "127.0.0.1") -> None:
        self.handler = handler
        self.sock = socket.create_server((host, 0))
        self.sock.settimeout(0.1)
        self.host, self.port = host, self.sock.getsockname()[1]
        self.url = f"http://{host}:{self.port}"
        self.requests: list[bytes] = []
        self.stop = threading.Event()
        self.born = time.monotonic()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while not self.stop.is_set() and time.monotonic() - self.born < SERVER_LIFETIME:
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            data = b""
            try:
                while b"\r\n\r\n" not in data and len(data) < 65536:
                    chunk = conn.recv(4096)
                    if not chunk:
                        return
                    data += chunk
                self.requests.append(data)
                self.handler(conn, data, self.stop)
            except OSError:
                pass

    def close(self) -> None:
        self.stop.set()
        self.sock.close()


@pytest.fixture
def serve() -> Iterator[Callable[..., Server]]:
    servers: list[Server] = []

    def make(handler: Handler, host: str = "127.0.0.1") -> Server:
        servers.append(Server(handler, host))
        return servers[-1]

    yield make
    for server in servers:
        server.close()


@pytest.fixture
def fast_deadline(monkeypatch: pytest.MonkeyPatch) -> float:
    """--timeout 0.4 gives a 2 s overall deadline (instead of the 30 s floor)."""
    monkeypatch.setattr(download, "MIN_DEADLINE", 0.0)
    return 0.4


def check(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, float]:
    saved = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(b""))
    started = time.monotonic()
    try:
        code = validate(["--format", "text", *args])
    finally:
        sys.stdin = saved
        gc.enable()
    elapsed = time.monotonic() - started
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and "internal error" not in out + err, out + err
    return code, out + err, elapsed


def ok(conn: socket.socket, request: bytes, stop: threading.Event) -> None:
    head = f"HTTP/1.1 200 OK\r\nContent-Length: {len(EXAMPLE)}\r\nConnection: close\r\n\r\n"
    conn.sendall(head.encode() + EXAMPLE)


def test_trickled_headers_meet_the_overall_deadline(
    serve: Any, fast_deadline: float, capsys: pytest.CaptureFixture[str]
) -> None:
    def trickle(conn: socket.socket, request: bytes, stop: threading.Event) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\n")
        for byte in b"X-Slow: " + b"a" * 200:  # one byte every 0.05 s: the read timeout resets
            if stop.is_set():
                return
            conn.sendall(bytes([byte]))
            time.sleep(0.05)

    server = serve(trickle)
    code, out, elapsed = check(["--timeout", str(fast_deadline), f"{server.url}/c.json"], capsys)
    assert code == 2 and "download took longer than 2 s" in out
    assert elapsed < 6


def test_endless_bodies_meet_the_size_limit_and_the_deadline(
    serve: Any, fast_deadline: float, capsys: pytest.CaptureFixture[str]
) -> None:
    def endless(conn: socket.socket, request: bytes, stop: threading.Event) -> None:
        slow = b"slow" in request.split(b"\r\n", 1)[0]
        conn.sendall(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n[")
        started = time.monotonic()
        while not stop.is_set() and time.monotonic() - started < 8:
            conn.sendall(b"1," * (50 if slow else 32768))
            if slow:
                time.sleep(0.02)

    server = serve(endless)
    args = ["--timeout", str(fast_deadline), "--max-size", "1M"]
    code, out, elapsed = check([*args, f"{server.url}/fast.json"], capsys)
    assert code == 2 and "larger than the --max-size limit of 1 MiB" in out and elapsed < 6
    code, out, elapsed = check([*args, f"{server.url}/slow.json"], capsys)
    assert code == 2 and "download took longer than 2 s" in out and elapsed < 6


def test_a_gzip_bomb_stops_at_the_size_limit(
    serve: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # gzip framing
    zeros = b"\0" * (1 << 20)
    bomb = b"".join(packer.compress(zeros) for _ in range(256)) + packer.flush()  # 256 MiB
    assert len(bomb) < 1 << 20

    def gzip_bomb(conn: socket.socket, request: bytes, stop: threading.Event) -> None:
        head = (
            "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n"
            f"Content-Length: {len(bomb)}\r\nConnection: close\r\n\r\n"
        )
        conn.sendall(head.encode() + bomb)

    server = serve(gzip_bomb)
    code, out, elapsed = check(["--max-size", "8M", f"{server.url}/bomb.json"], capsys)
    assert code == 2 and "larger than the --max-size limit of 8 MiB" in out and elapsed < 10


def redirect_to(location: str) -> Handler:
    def handler(conn: socket.socket, request: bytes, stop: threading.Event) -> None:
        head = f"HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n"
        conn.sendall(head.encode())

    return handler


@pytest.mark.parametrize(
    "location", ["file:///etc/passwd", "ftp://127.0.0.1/x.json", "gopher://127.0.0.1:70/x"]
)
def test_redirects_to_other_schemes_are_not_followed(
    serve: Any, location: str, capsys: pytest.CaptureFixture[str]
) -> None:
    server = serve(redirect_to(location))
    code, out, _ = check([f"{server.url}/c.json"], capsys)
    assert code == 2 and "only http:// and https:// are followed" in out
    assert len(server.requests) == 1


def test_redirect_loops_end(serve: Any, capsys: pytest.CaptureFixture[str]) -> None:
    server = serve(redirect_to("/again"))
    code, out, _ = check([f"{server.url}/c.json"], capsys)
    assert code == 2 and f"more than {download.MAX_REDIRECTS} redirects" in out
    assert len(server.requests) == download.MAX_REDIRECTS + 1


def test_redirect_to_another_host_drops_credentials(
    serve: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        other = serve(ok, host="127.0.0.2")
    except OSError:
        pytest.skip("127.0.0.2 is not a loopback address here")
    first = serve(redirect_to(f"{other.url}/c.json"))
    url = f"http://alice:s3cr3tpw@127.0.0.1:{first.port}/c.json"
    code, out, _ = check([url], capsys)
    assert code == 0 and "s3cr3tpw" not in out and "alice" not in out
    assert b"authorization:" in first.requests[0].lower()  # given to the host it was meant for
    assert b"authorization:" not in other.requests[0].lower()  # not passed on


def test_https_is_never_downgraded_to_http() -> None:
    import httpx

    with pytest.raises(inputs.InputError, match="down to plain http"):
        download.check_redirect("x", httpx.URL("https://a/x"), httpx.URL("http://a/x"))
    download.check_redirect("x", httpx.URL("http://a/x"), httpx.URL("https://b/x"))
