"""validate-conversation, run as the installed console script in a subprocess."""

from __future__ import annotations

import gzip
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import agent_conversation as ac
import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "fixtures" / "examples" / "conversation.json"
SCRIPT = shutil.which(
    "validate-conversation", path=str(Path(sys.executable).parent)
) or shutil.which("validate-conversation")

USER = '{"role":"user","content":[{"type":"text","text":"hi"}],"timestamp":1}'
CALL = (
    '{"role":"assistant","content":[{"type":"toolCall","id":"c1","name":"bash","arguments":{}}],'
    '"stopReason":"toolUse","model":"m","provider":"p","usage":{"input":1,"output":2,'
    '"cacheRead":0,"cacheWrite":0,"totalTokens":3},"timestamp":2}'
)
RESULT = (
    '{"role":"toolResult","toolCallId":"c1","toolName":"bash","content":[],"isError":false,'
    '"timestamp":3}'
)


def run(
    *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    assert SCRIPT, "validate-conversation is not installed"
    return subprocess.run(
        [SCRIPT, *args],
        input=stdin,
        capture_output=True,
        timeout=120,
        env={**os.environ, "NO_COLOR": "1", **(env or {})},
    )


def write(path: Path, text: str | bytes) -> Path:
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def test_valid_file_exit_0_and_summary() -> None:
    proc = run(str(EXAMPLE))
    assert proc.returncode == 0, proc.stdout
    out = proc.stdout.decode()
    assert "valid (conversation, yoagent@0.22)" in out
    assert out.strip().endswith("1 files, 1 valid, 0 invalid, 0 warnings")
    assert proc.stderr == b""


def test_invalid_file_names_line_column_message_and_pointer(tmp_path: Path) -> None:
    bad = write(
        tmp_path / "bad.json", f"[\n{USER},\n" + '{"role":"user","content":[],"timestamp":-1}\n]'
    )
    proc = run("--dialect", "yoagent@0.18.0", str(bad))
    assert proc.returncode == 1
    line = proc.stdout.decode().splitlines()[0]
    assert line.startswith(f"{bad}:3:41: error: message 1 (/1/timestamp): ")
    assert "-1" in line


def test_json_format(tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.json", '[{"role":"user","content":[],"timestamp":1.5}]')
    proc = run("--format", "json", str(EXAMPLE), str(bad))
    assert proc.returncode == 1
    doc = json.loads(proc.stdout)
    assert doc["summary"] == {"files": 2, "valid": 1, "invalid": 1, "warnings": 0}
    good, broken = doc["files"]
    assert good["dialect"] == "yoagent@0.22" and good["valid"]
    problem = broken["problems"][0]
    assert problem["index"] == 0 and problem["pointer"] == "/0/timestamp"
    assert problem["line"] == 1 and problem["column"] == 42


def test_github_format(tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.json", '[{"role":"user","content":[],"timestamp":1.5}]')
    proc = run("--format", "github", str(bad))
    assert proc.returncode == 1
    assert proc.stdout.decode().startswith(
        f"::error file={bad},line=1,col=42::message 0 (/0/timestamp)"
    )


def test_quiet_prints_only_problems(tmp_path: Path) -> None:
    assert run("-q", str(EXAMPLE)).stdout == b""


def test_stdin() -> None:
    proc = run("-", stdin=EXAMPLE.read_bytes())
    assert proc.returncode == 0
    assert b"<stdin>: valid" in proc.stdout


def test_directories_and_globs(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    write(tmp_path / "a" / "one.json", f"[{USER}]")
    write(tmp_path / "a" / "b" / "two.json", f"[{USER}]")
    write(tmp_path / "a" / "notes.txt", "ignored")
    proc = run(str(tmp_path / "a"))
    assert proc.returncode == 0 and b"2 files, 2 valid" in proc.stdout
    proc = run(str(tmp_path / "a" / "**" / "*.json"))
    assert proc.returncode == 0 and b"2 files, 2 valid" in proc.stdout


def test_empty_directory_and_unmatched_glob_exit_2(tmp_path: Path) -> None:
    assert run(str(tmp_path)).returncode == 2
    assert run(str(tmp_path / "*.json")).returncode == 2


@pytest.mark.parametrize(
    "content", [b"", b"   \n", b"\xff\xfe\x00[", b"\x00\x01binary", b"[" * 5000, b"{", b"null"]
)
def test_odd_inputs_never_traceback(tmp_path: Path, content: bytes) -> None:
    proc = run(str(write(tmp_path / "odd.json", content)))
    assert proc.returncode == 1, proc
    assert b"Traceback" not in proc.stderr + proc.stdout


def test_missing_file_and_usage_errors_exit_2() -> None:
    assert run("/nonexistent/file.json").returncode == 2
    assert run().returncode == 2
    assert run("--dialect", "nope@1", str(EXAMPLE)).returncode == 2
    assert run("ftp://example.org/x.json").returncode == 2


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads every file")
def test_permission_denied_exit_2(tmp_path: Path) -> None:
    locked = write(tmp_path / "locked.json", f"[{USER}]")
    locked.chmod(0)
    proc = run(str(locked))
    assert proc.returncode == 2 and b"permission denied" in proc.stdout


def test_never_writes_to_inputs(tmp_path: Path) -> None:
    target = write(
        tmp_path / "c.json", f'[{USER},{{"role":"x","kind":"k","data":{{"b":1,"a":2}}}}]'
    )
    before = target.read_bytes(), target.stat().st_mtime_ns
    run("--canonical", "--strict", str(target))
    assert (target.read_bytes(), target.stat().st_mtime_ns) == before
    assert sorted(os.listdir(tmp_path)) == ["c.json"]


def test_canonical_shows_first_difference(tmp_path: Path) -> None:
    pretty = write(tmp_path / "pretty.json", json.dumps(json.loads(EXAMPLE.read_text()), indent=2))
    assert run(str(pretty)).returncode == 0
    proc = run("--canonical", str(pretty))
    assert proc.returncode == 1
    assert b"first difference at byte 1" in proc.stdout
    assert run("--canonical", str(EXAMPLE)).returncode == 0


def test_strict_fails_on_round_trip_losses(tmp_path: Path) -> None:
    doc = write(tmp_path / "extra.json", '[{"role":"user","content":[],"timestamp":1,"mood":"ok"}]')
    proc = run(str(doc))
    assert proc.returncode == 0 and b"warning" in proc.stdout
    assert b"unknown key `mood` would be dropped" in proc.stdout
    assert run("--strict", str(doc)).returncode == 1


def test_lint_warnings(tmp_path: Path) -> None:
    image = (
        '{"role":"user","content":[{"type":"image","data":"***","mimeType":"text/plain"}],'
        '"timestamp":0}'
    )
    orphan = RESULT.replace('"c1"', '"c9"')
    doc = write(tmp_path / "lint.json", f"[{CALL},{image},{orphan}]")
    proc = run("--format", "json", str(doc))
    assert proc.returncode == 0
    kinds = {w["kind"] for w in json.loads(proc.stdout)["files"][0]["warnings"]}
    assert kinds == {
        "time-backwards",
        "image-mime",
        "image-data",
        "orphan-result",
        "unanswered-call",
    }
    assert run("--strict", str(doc)).returncode == 1


def _session_line(entry_id: str, parent: str | None, message: str, ts: int = 5) -> str:
    head = f'{{"id":"{entry_id}","parent_id":{json.dumps(parent)}'
    return f'{head},"message":{message},"timestamp":{ts}}}'


def test_session_files(tmp_path: Path) -> None:
    good = "\n".join(
        [
            _session_line("e1", None, USER),
            _session_line("e2", "e1", CALL),
            _session_line("e3", "e2", RESULT),
        ]
    )
    proc = run(str(write(tmp_path / "s.jsonl", good)))
    assert proc.returncode == 0, proc.stdout
    assert b"(session, yoagent@0.22)" in proc.stdout
    dup = "\n".join([_session_line("e1", None, USER), _session_line("e1", None, USER)])
    proc = run(str(write(tmp_path / "dup.jsonl", dup)))
    assert proc.returncode == 1 and b":2:1: error" in proc.stdout and b"repeated id" in proc.stdout
    forward = "\n".join([_session_line("e1", "e2", USER), _session_line("e2", None, USER)])
    proc = run(str(write(tmp_path / "fwd.jsonl", forward)))
    assert proc.returncode == 1 and b":1:1: error" in proc.stdout and b"not defined" in proc.stdout
    bad_line = "\n".join(
        [_session_line("e1", None, USER), "{not json", _session_line("e2", "e1", USER)]
    )
    proc = run(str(write(tmp_path / "bad.jsonl", bad_line)))
    assert proc.returncode == 1 and b"bad.jsonl:2:" in proc.stdout
    bad_msg = _session_line("e1", None, USER.replace('"timestamp":1', '"timestamp":"1"'))
    proc = run("--format", "json", str(write(tmp_path / "msg.jsonl", bad_msg)))
    problem = json.loads(proc.stdout)["files"][0]["problems"][0]
    assert problem["pointer"] == "/message/timestamp" and problem["line"] == 1


def test_phi_session_file(tmp_path: Path) -> None:
    phi_msg = ac.dumps(ac.loads(f"[{USER}]", "phi-core@0.10.0"))
    doc = {"session_id": "s1", "loops": [{"loop_id": "l1", "messages": json.loads(phi_msg)}]}
    path = write(tmp_path / "s1.json", json.dumps(doc, indent=2))
    proc = run(str(path))
    assert proc.returncode == 0, proc.stdout
    assert b"phi-session, phi-core@0.9" in proc.stdout
    doc["loops"][0]["messages"][0]["timestamp"] = -3
    proc = run("--format", "json", str(write(tmp_path / "s2.json", json.dumps(doc, indent=2))))
    problem = json.loads(proc.stdout)["files"][0]["problems"][0]
    assert problem["pointer"] == "/loops/0/messages/0/timestamp"
    assert problem["line"] is not None


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        if self.path == "/ok.json":
            body = EXAMPLE.read_bytes()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.end_headers()
        else:
            self.send_response(404)
            self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.timeout = 5
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_urls(server: str) -> None:
    assert run(f"{server}/ok.json").returncode == 0
    proc = run(f"{server}/missing.json")
    assert proc.returncode == 2 and b"HTTP 404" in proc.stdout
    proc = run(f"{server}/loop")
    assert proc.returncode == 2 and b"redirects" in proc.stdout
    proc = run("--timeout", "3", "http://127.0.0.1:9/x.json")
    assert proc.returncode == 2 and b"could not connect" in proc.stdout


def test_module_entry_point_matches_script() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "agent_conversation", "--version"], capture_output=True, timeout=60
    )
    assert proc.returncode == 0 and proc.stdout.startswith(b"validate-conversation ")
    assert b"examples:" in run("--help").stdout


def test_conformance_sample_verdicts_equal_the_codec(tmp_path: Path) -> None:
    corpus = ROOT / "fixtures" / "conformance" / "messages.jsonl.gz"
    with gzip.open(corpus, "rt", encoding="utf-8") as handle:
        cases = [json.loads(line) for line in handle][::12]
    paths = []
    for case in cases:
        paths.append(str(write(tmp_path / f"{case['id']}.json", case["doc"].encode("utf-8"))))
    for dialect in ("yoagent@0.4.0", "yoagent@0.18.0", "phi-core@0.10.0"):
        proc = run("--format", "json", "--type", "conversation", "--dialect", dialect, *paths)
        verdicts = {Path(f["path"]).stem: f["valid"] for f in json.loads(proc.stdout)["files"]}
        for case in cases:
            assert verdicts[case["id"]] == case["expect"][dialect]["ok"], (case["id"], dialect)


def test_canonical_with_zmij_floats(tmp_path: Path) -> None:
    doc = write(tmp_path / "f.json", '[{"role":"x","kind":"k","data":[1e+16]}]')
    assert run("--canonical", str(doc)).returncode == 1
    assert run("--canonical", "--float-format", "zmij", str(doc)).returncode == 0
