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
import time
from collections.abc import Iterator
from pathlib import Path

import agent_conversation as ac
import pytest
from agent_conversation.cli.naming import revision_span

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "fixtures" / "examples" / "conversation.json"
CORPUS = ROOT / "fixtures" / "conformance" / "messages.jsonl.gz"
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
    *args: str,
    stdin: bytes | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[bytes]:
    assert SCRIPT, "validate-conversation is not installed"
    proc = subprocess.run(
        [SCRIPT, *args],
        input=stdin,
        capture_output=True,
        timeout=timeout,
        env={**os.environ, "NO_COLOR": "1", **(env or {})},
    )
    assert b"Traceback" not in proc.stderr + proc.stdout, proc.stderr.decode()
    return proc


def out(proc: subprocess.CompletedProcess[bytes]) -> str:
    return proc.stdout.decode()


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def entry(entry_id: str, parent: str | None, message: str, ts: int = 5) -> str:
    head = f'{{"id":"{entry_id}","parent_id":{json.dumps(parent)}'
    return f'{head},"message":{message},"timestamp":{ts}}}'


# -- verdicts, exit codes, formats ---------------------------------------------------------------
def test_valid_file_exit_0_prints_the_detected_dialect_and_a_summary() -> None:
    proc = run(str(EXAMPLE))
    assert proc.returncode == 0, out(proc)
    lines = out(proc).splitlines()
    assert lines[0] == f"{EXAMPLE}: valid (conversation, yoagent@0.22 = yoagent 0.22.0–0.26.x)"
    assert lines[-1] == "1 file, 1 valid, 0 invalid, 0 warnings"
    assert proc.stderr == b""


def test_invalid_file_line_col_message_pointer_cause(tmp_path: Path) -> None:
    bad = write(
        tmp_path / "bad.json", f"[\n{USER},\n" + '{"role":"user","content":[],"timestamp":-1}\n]'
    )
    proc = run("--dialect", "yoagent@0.18.0", str(bad))
    assert proc.returncode == 1
    first = out(proc).splitlines()[0]
    assert first.startswith(f"{bad}:3:41: error: message 1 (/1/timestamp): ")
    assert "-1" in first
    assert out(proc).splitlines()[-1] == "1 file, 0 valid, 1 invalid, 0 warnings"


def test_json_format(tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.json", '[{"role":"user","content":[],"timestamp":1.5}]')
    proc = run("--format", "json", str(EXAMPLE), str(bad), str(tmp_path / "missing.json"))
    assert proc.returncode == 2
    doc = json.loads(proc.stdout)
    assert doc["summary"] == {
        "files": 3,
        "valid": 1,
        "invalid": 2,
        "unreadable": 1,
        "warnings": 0,
    }
    assert doc["exit_code"] == 2 and doc["tool"] == "validate-conversation"
    good, broken, missing = doc["files"]
    assert good["dialect"] == "yoagent@0.22" and good["valid"] and good["type"] == "conversation"
    assert good["crate_versions"] == "0.22.0–0.26.x"
    problem = broken["problems"][0]
    assert {k: problem[k] for k in ("index", "pointer", "line", "column")} == {
        "index": 0,
        "pointer": "/0/timestamp",
        "line": 1,
        "column": 42,
    }
    assert "1.5" in problem["message"] and problem["kind"]
    assert missing["error"] == "no such file or directory" and not missing["valid"]


def test_github_format(tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.json", '[{"role":"user","content":[],"timestamp":1.5}]')
    odd = write(tmp_path / "odd.json", '[{"role":"user","content":[],"timestamp":1,"mood":1}]')
    proc = run("--format", "github", str(bad), str(odd))
    assert proc.returncode == 1
    lines = out(proc).splitlines()
    assert lines[0].startswith(
        f"::error file={bad},line=1,col=42,title=validate-conversation::message 0 (/0/timestamp): "
    )
    assert lines[1].startswith(f"::warning file={odd},line=1,col=")
    assert "unknown key `mood`" in lines[1]
    assert lines[-1] == "2 files, 1 valid, 1 invalid, 1 warning"
    # annotation properties are escaped
    comma = write(tmp_path / "a,b.json", "[")
    assert f"file={tmp_path}/a%2Cb.json" in out(run("--format", "github", str(comma)))


def test_quiet_prints_only_problems(tmp_path: Path) -> None:
    assert run("-q", str(EXAMPLE)).stdout == b""
    bad = write(tmp_path / "bad.json", "[1]")
    lines = out(run("-q", str(EXAMPLE), str(bad))).splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{bad}:1:2: error: message 0 (/0): ")


def test_exit_2_wins_over_1(tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.json", "[1]")
    assert run(str(bad), str(tmp_path / "nope.json")).returncode == 2
    assert run(str(bad)).returncode == 1


# -- inputs --------------------------------------------------------------------------------------
def test_stdin() -> None:
    proc = run("-", stdin=EXAMPLE.read_bytes())
    assert proc.returncode == 0
    assert out(proc).startswith("<stdin>: valid (conversation, yoagent@0.22")
    proc = run("--type", "session", "-", stdin=entry("e1", None, USER).encode())
    assert proc.returncode == 0 and "<stdin>: valid (session" in out(proc)


def test_directories_and_globs(tmp_path: Path) -> None:
    write(tmp_path / "a" / "one.json", f"[{USER}]")
    write(tmp_path / "a" / "b" / "two.json", f"[{USER}]")
    write(tmp_path / "a" / "b" / "s.jsonl", entry("e1", None, USER))
    write(tmp_path / "a" / "notes.txt", "ignored")
    write(tmp_path / "a" / ".git" / "x.json", "ignored: hidden directory")
    write(tmp_path / "a" / "node_modules" / "p" / "package.json", '{"name":"x"}')
    proc = run(str(tmp_path / "a"))
    assert proc.returncode == 0, out(proc)
    assert out(proc).splitlines()[-1] == "3 files, 3 valid, 0 invalid, 0 warnings"
    shutil.rmtree(tmp_path / "a" / "node_modules")  # a glob takes what it matches
    proc = run(str(tmp_path / "a" / "**" / "*.json"))
    assert proc.returncode == 0 and "2 files, 2 valid" in out(proc)
    # the same file named twice is checked once
    proc = run(str(tmp_path / "a" / "one.json"), str(tmp_path / "a"))
    assert "3 files" in out(proc)


def test_empty_directory_and_unmatched_glob_exit_2(tmp_path: Path) -> None:
    write(tmp_path / "readme.txt", "no json here")
    proc = run(str(tmp_path))
    assert proc.returncode == 2 and "directory holds no *.json or *.jsonl files" in out(proc)
    proc = run(str(tmp_path / "*.json"))
    assert proc.returncode == 2 and "pattern matches no files" in out(proc)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "the file is empty"),
        (b"   \n", "the file is empty"),
        (b"\xff\xfe\x00[", "not valid UTF-8"),
        (b"[\xc3\x28]", "not valid UTF-8"),
        (b"\x00\x01binary", ""),
        (b"[" * 5000, "limit of 128"),
        (b"{", ""),
        (b"null", ""),
        (b"\xef\xbb\xbf[]", ""),
        (b'{"a":' * 3000 + b"1" + b"}" * 3000, ""),
    ],
)
def test_odd_inputs_are_invalid_never_a_traceback(
    tmp_path: Path, content: bytes, words: str
) -> None:
    proc = run(str(write(tmp_path / "odd.json", content)))
    assert proc.returncode == 1, out(proc)
    assert words in out(proc)
    assert proc.stderr == b""


def test_empty_session_file_is_what_the_crate_loads(tmp_path: Path) -> None:
    proc = run(str(write(tmp_path / "empty.jsonl", b"\n\n")))
    assert proc.returncode == 0
    assert "the session has no entries" in out(proc)
    assert run("--strict", str(tmp_path / "empty.jsonl")).returncode == 1


def test_usage_errors_and_missing_files_exit_2(tmp_path: Path) -> None:
    proc = run("/nonexistent/file.json")
    assert proc.returncode == 2
    assert out(proc).startswith(
        "/nonexistent/file.json: error: cannot read: no such file or directory"
    )
    assert run().returncode == 2
    proc = run("--dialect", "nope@1", str(EXAMPLE))
    assert proc.returncode == 2 and b"unknown dialect" in proc.stderr
    assert run("--max-size", "lots", str(EXAMPLE)).returncode == 2
    assert run("--format", "xml", str(EXAMPLE)).returncode == 2
    assert run("--no-such-option", str(EXAMPLE)).returncode == 2
    proc = run("ftp://example.org/x.json", "file:///etc/passwd")
    assert proc.returncode == 2
    assert out(proc).count("only http:// and https:// URLs are read") == 2


def test_size_limit_and_endless_streams(tmp_path: Path) -> None:
    big = write(tmp_path / "big.json", "[" + ",".join([USER] * 2000) + "]")
    proc = run("--max-size", "64K", str(big))
    assert proc.returncode == 2 and "larger than the --max-size limit of 64 KiB" in out(proc)
    if os.path.exists("/dev/zero"):
        # named, a device is refused unread (tests/test_hostile.py); on stdin the limit holds
        with open("/dev/zero", "rb") as zero:
            proc = subprocess.run(
                [str(SCRIPT), "--max-size", "1M", "-"], stdin=zero, capture_output=True, timeout=30
            )
        assert proc.returncode == 2 and "larger than the --max-size limit" in out(proc)


def _without_root_privileges() -> list[str]:
    """Root reads every file: run the command without the capabilities that let it, to see a
    real EACCES (setpriv, util-linux)."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: cannot provoke EACCES")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search"]


def test_permission_denied_exit_2(tmp_path: Path) -> None:
    prefix = _without_root_privileges()
    locked = write(tmp_path / "locked.json", f"[{USER}]")
    locked.chmod(0)
    closed_dir = tmp_path / "tree" / "closed"
    write(closed_dir / "inner.json", f"[{USER}]")
    open_one = write(tmp_path / "tree" / "open.json", f"[{USER}]")
    closed_dir.chmod(0)
    assert SCRIPT
    try:
        proc = subprocess.run(
            [*prefix, SCRIPT, str(locked), str(tmp_path / "tree")],
            capture_output=True,
            timeout=60,
            env={**os.environ, "NO_COLOR": "1"},
        )
    finally:
        closed_dir.chmod(0o755)
    text = out(proc)
    assert proc.returncode == 2, text
    assert f"{locked}: error: cannot read: permission denied" in text
    assert f"{closed_dir}: error: cannot read: permission denied" in text
    assert f"{open_one}: valid" in text
    assert b"Traceback" not in proc.stderr


def test_never_writes_to_inputs(tmp_path: Path) -> None:
    target = write(
        tmp_path / "c.json", f'[{USER},{{"role":"x","kind":"k","data":{{"b":1,"a":2}}}}]'
    )
    before = target.read_bytes(), target.stat().st_mtime_ns
    run("--canonical", "--strict", "--format", "json", str(target), str(tmp_path))
    assert (target.read_bytes(), target.stat().st_mtime_ns) == before
    assert sorted(os.listdir(tmp_path)) == ["c.json"]


def test_file_names_that_are_not_utf8(tmp_path: Path) -> None:
    name = os.fsencode(tmp_path) + b"/\xff\xfe.json"
    with open(name, "wb") as handle:
        handle.write(f"[{USER}]".encode())
    for fmt in ("text", "json", "github"):
        proc = run("--format", fmt, str(tmp_path))
        assert proc.returncode == 0, proc.stderr


def test_broken_pipe_is_quiet(tmp_path: Path) -> None:
    for i in range(300):
        write(tmp_path / f"c{i:03d}.json", f"[{USER}]")
    assert SCRIPT
    proc = subprocess.run(
        f"'{SCRIPT}' '{tmp_path}' | head -n 1",
        shell=True,
        capture_output=True,
        timeout=60,
    )
    assert proc.stdout.decode().count("\n") == 1
    assert b"Traceback" not in proc.stderr and b"Error" not in proc.stderr


def test_colour_only_on_a_terminal_and_never_with_no_color(tmp_path: Path) -> None:
    import pty

    bad = write(tmp_path / "bad.json", "[1]")
    assert SCRIPT

    def on_terminal(env: dict[str, str]) -> bytes:
        leader, follower = pty.openpty()
        try:
            proc = subprocess.run(
                [SCRIPT, str(bad)], stdout=follower, stderr=follower, env=env, timeout=60
            )
            assert proc.returncode == 1
            os.close(follower)
            follower = -1
            chunks = []
            while True:
                try:
                    chunk = os.read(leader, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                chunks.append(chunk)
            return b"".join(chunks)
        finally:
            os.close(leader)
            if follower != -1:
                os.close(follower)

    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env["TERM"] = "xterm"
    assert b"\x1b[31m" in on_terminal(env)
    assert b"\x1b[" not in on_terminal({**env, "NO_COLOR": "1"})
    assert b"\x1b[" not in run(str(bad), env={"NO_COLOR": ""}).stdout  # a pipe: no colour


# -- --canonical, --strict, lint -----------------------------------------------------------------
def test_canonical_shows_first_difference_with_line_and_column(tmp_path: Path) -> None:
    pretty = write(tmp_path / "pretty.json", json.dumps(json.loads(EXAMPLE.read_text()), indent=2))
    assert run(str(pretty)).returncode == 0
    proc = run("--canonical", str(pretty))
    assert proc.returncode == 1
    first = out(proc).splitlines()[0]
    assert first.startswith(f"{pretty}:1:2: error: document: not byte-identical to what yoagent ")
    assert "first difference at byte 1" in first
    assert run("--canonical", str(EXAMPLE)).returncode == 0
    late = write(tmp_path / "late.json", EXAMPLE.read_bytes() + b"\n")
    proc = run("--canonical", str(late))
    assert proc.returncode == 1
    assert f"first difference at byte {len(EXAMPLE.read_bytes())}" in out(proc)
    assert "'end of file'" in out(proc)


def test_canonical_session_files(tmp_path: Path) -> None:
    lines = [entry("e1", None, USER), entry("e2", "e1", CALL), entry("e3", "e2", RESULT)]
    good = write(tmp_path / "s.jsonl", "\n".join(lines))
    assert run("--canonical", str(good)).returncode == 0
    newline = write(tmp_path / "n.jsonl", "\n".join(lines) + "\n")
    assert run(str(newline)).returncode == 0
    proc = run("--canonical", str(newline))
    assert proc.returncode == 1 and ":3:" in out(proc) and "not byte-identical" in out(proc)


def test_canonical_takes_the_float_format_the_file_shows(tmp_path: Path) -> None:
    zmij = write(tmp_path / "z.json", '[{"role":"x","kind":"k","data":[1e+16]}]')
    ryu = write(tmp_path / "r.json", '[{"role":"x","kind":"k","data":[1e16]}]')
    assert run("--canonical", str(zmij)).returncode == 0
    assert run("--canonical", str(ryu)).returncode == 0
    assert run("--canonical", "--float-format", "zmij", str(zmij)).returncode == 0
    proc = run("--canonical", "--float-format", "ryu", str(zmij))
    assert proc.returncode == 1 and "ryu floats" in out(proc)
    proc = run("--canonical", "--float-format", "zmij", str(ryu))
    assert proc.returncode == 1 and "zmij floats" in out(proc)


def test_strict_fails_on_round_trip_losses_and_names_the_version(tmp_path: Path) -> None:
    doc = write(tmp_path / "extra.json", '[{"role":"user","content":[],"timestamp":1,"mood":"ok"}]')
    proc = run(str(doc))
    assert proc.returncode == 0
    warning = out(proc).splitlines()[0]
    assert warning.startswith(f"{doc}:1:51: warning: message 0 (/0/mood): unknown key `mood`")
    revision = ac.loads(doc.read_bytes()).dialect
    assert revision is not None and revision.startswith("yoagent@")
    span = revision_span(revision)
    assert span and warning.endswith(f"would be dropped by yoagent {span}")  # e.g. 0.13.0–0.21.x
    proc = run("--strict", "--dialect", "yoagent@0.18.0", str(doc))
    assert proc.returncode == 1
    assert "would be dropped by yoagent 0.18.0" in out(proc)
    assert "(conversation, yoagent@0.18.0, wire revision yoagent@0.13), 1 problem" in out(proc)
    nulls = write(
        tmp_path / "null.json",
        '[{"role":"assistant","content":[],"stopReason":"stop","model":"m","provider":"p",'
        '"usage":{"input":1,"output":1},"timestamp":1,"errorMessage":null}]',
    )
    assert run(str(nulls)).returncode == 0
    proc = run("--strict", "--format", "json", str(nulls))
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["files"][0]["problems"][0]["kind"] == "null-optional"


def test_lint_warnings(tmp_path: Path) -> None:
    image = (
        '{"role":"user","content":[{"type":"image","data":"***","mimeType":"text/plain"}],'
        '"timestamp":0}'
    )
    orphan = RESULT.replace('"c1"', '"c9"')
    doc = write(tmp_path / "lint.json", f"[{CALL},{image},{orphan}]")
    proc = run("--format", "json", str(doc))
    assert proc.returncode == 0
    warnings = json.loads(proc.stdout)["files"][0]["warnings"]
    assert {w["kind"]: w["pointer"] for w in warnings} == {
        "unanswered-call": "/0/content/0/id",
        "time-backwards": "/1/timestamp",
        "image-mime": "/1/content/0/mimeType",
        "image-data": "/1/content/0/data",
        "orphan-result": "/2/toolCallId",
    }
    assert all(w["line"] == 1 and w["column"] for w in warnings)
    proc = run("--strict", str(doc))
    assert proc.returncode == 1
    assert "tool call 'c1' is never answered by a tool result" in out(proc)
    clean = write(tmp_path / "clean.json", f"[{USER},{CALL},{RESULT}]")
    assert run("--strict", str(clean)).returncode == 0


def test_lint_is_public_and_the_same_fed_whole_or_record_by_record() -> None:
    """agent_conversation.lint: the CLI's lint rules on loaded records, a session tree
    (``parents``: earlier means an ancestor) and the streaming Linter."""
    from agent_conversation.lint import Linter, lint

    image = (
        '{"role":"user","content":[{"type":"image","data":"***","mimeType":"text/plain"}],'
        '"timestamp":0}'
    )
    orphan = RESULT.replace('"c1"', '"c9"')
    records = ac.loads(f"[{CALL},{image},{orphan}]", "yoagent").records
    found = [(p.index, p.pointer, p.kind) for p in lint(records)]
    assert found == [
        (0, "/0/content/0/id", "unanswered-call"),
        (1, "/1/timestamp", "time-backwards"),
        (1, "/1/content/0/mimeType", "image-mime"),
        (1, "/1/content/0/data", "image-data"),
        (2, "/2/toolCallId", "orphan-result"),
    ]
    linter = Linter()
    for i, record in enumerate(records):
        linter.feed(i, record)
    assert [(p.index, p.pointer, p.kind) for p in linter.finish()] == found
    answered = ac.loads(f"[{USER},{CALL},{RESULT}]", "yoagent").records
    assert lint(answered) == []
    # a tree: the result's parent is the user message, not the call (a sibling branch)
    assert {p.kind for p in lint(answered, [-1, 0, 0])} == {"unanswered-call", "orphan-result"}


# -- session files -------------------------------------------------------------------------------
def test_session_valid_tree_with_branches(tmp_path: Path) -> None:
    lines = [
        entry("e1", None, USER),
        entry("e2", "e1", CALL),
        entry("e3", "e2", RESULT),
        entry("e4", "e1", CALL.replace('"c1"', '"c2"')),  # a branch: its call is not answered
        entry("e5", "e4", RESULT.replace('"c1"', '"c2"')),
    ]
    proc = run("--format", "json", str(write(tmp_path / "s.jsonl", "\n".join(lines))))
    assert proc.returncode == 0, out(proc)
    result = json.loads(proc.stdout)["files"][0]
    assert result["type"] == "session" and result["dialect"] == "yoagent@0.22"
    assert result["warnings"] == []  # each result answers the call on its own branch
    # a result whose call is on another branch
    lines.append(entry("e6", "e1", RESULT))
    proc = run("--format", "json", str(write(tmp_path / "t.jsonl", "\n".join(lines))))
    warning = json.loads(proc.stdout)["files"][0]["warnings"][0]
    assert (warning["kind"], warning["index"], warning["pointer"], warning["line"]) == (
        "orphan-result",
        5,
        "/message/toolCallId",
        6,
    )
    assert warning["column"] == lines[-1].index('"c1"') + 1


def test_session_errors_carry_line_numbers(tmp_path: Path) -> None:
    dup = "\n".join([entry("e1", None, USER), entry("e1", None, USER)])
    proc = run(str(write(tmp_path / "dup.jsonl", dup)))
    assert proc.returncode == 1
    assert f"{tmp_path}/dup.jsonl:2:7: error: entry 1 (/id): repeated id 'e1'" in out(proc)
    forward = "\n".join([entry("e1", "e2", USER), entry("e2", None, USER)])
    proc = run(str(write(tmp_path / "fwd.jsonl", forward)))
    assert proc.returncode == 1
    undefined = "fwd.jsonl:1:24: error: entry 0 (/parent_id): parent 'e2' of 'e1' is not defined"
    assert undefined in out(proc)
    bad_line = "\n".join([entry("e1", None, USER), "", "{not json", entry("e2", "e1", USER)])
    proc = run(str(write(tmp_path / "bad.jsonl", bad_line)))
    assert proc.returncode == 1
    assert out(proc).splitlines()[0].startswith(f"{tmp_path}/bad.jsonl:3:2: error: entry 1: ")
    bad_msg = entry("e1", None, USER.replace('"timestamp":1', '"timestamp":"1"'))
    proc = run("--format", "json", str(write(tmp_path / "msg.jsonl", bad_msg)))
    problem = json.loads(proc.stdout)["files"][0]["problems"][0]
    assert problem["pointer"] == "/message/timestamp" and problem["line"] == 1
    assert problem["column"] == bad_msg.index('"1"') + 1
    # a broken entry does not make its children's parent "undefined"
    cascade = "\n".join(
        [
            entry("e1", None, USER.replace('"timestamp":1', '"timestamp":-1')),
            entry("e2", "e1", USER),
        ]
    )
    proc = run(str(write(tmp_path / "cascade.jsonl", cascade)))
    assert proc.returncode == 1 and "not defined" not in out(proc)


def test_session_dialects(tmp_path: Path) -> None:
    path = write(tmp_path / "s.jsonl", entry("e1", None, USER))
    assert run("--dialect", "yoagent@0.18.0", str(path)).returncode == 0
    for old in ("yoagent@0.4.0", "yoagent@0.10.2", "phi-core@0.10.0"):
        proc = run("--dialect", old, str(path))
        assert proc.returncode == 1 and "has no session files" in out(proc), old
    camel = write(tmp_path / "c.jsonl", entry("e1", None, CALL))
    assert run("--dialect", "yoagent@0.12.0", str(camel)).returncode == 0  # unknown keys only
    assert run("--strict", "--dialect", "yoagent@0.12.0", str(camel)).returncode == 1


def test_session_reader_ignores_only_what_rust_trims(tmp_path: Path) -> None:
    spaced = write(tmp_path / "a.jsonl", "\u3000" + entry("e1", None, USER) + "\r\n\n")
    assert run(str(spaced)).returncode == 0
    separator = write(tmp_path / "b.jsonl", "\x1c" + entry("e1", None, USER))
    assert run("--type", "session", str(separator)).returncode == 1


def test_phi_session_file(tmp_path: Path) -> None:
    user = json.loads(ac.dumps(ac.loads(f"[{USER}]", "phi-core@0.10.0")))[0]
    call = json.loads(ac.dumps(ac.loads(f"[{CALL.replace('toolUse', 'stop')}]", "phi-core")))[0]
    # a whole document as phi-core 0.15.2 saves it (fixtures/records), with these messages
    doc = json.loads((ROOT / "fixtures/records/phi-session/phi-core-0.15.2.json").read_text())
    turn = doc["loops"][0]["turns"][0]
    turn.update(input_messages=[user], output_message=call, tool_results=[])
    doc["loops"][0]["messages"] = [user, call]
    path = write(tmp_path / "s1.json", json.dumps(doc, indent=2))
    proc = run(str(path))
    assert proc.returncode == 0, out(proc)
    assert "(phi-session, phi-core@0.9 = phi-core 0.9.0–0.15.x)" in out(proc)
    turn["output_message"]["timestamp"] = -3
    proc = run("--format", "json", str(write(tmp_path / "s2.json", json.dumps(doc, indent=2))))
    problems = json.loads(proc.stdout)["files"][0]["problems"]
    assert [p["pointer"] for p in problems] == [
        "/loops/0/messages/1/timestamp",  # the same object sits in both places
        "/loops/0/turns/0/output_message/timestamp",
    ]
    assert all(p["line"] for p in problems)
    del doc["loops"][0]["messages"]
    proc = run(str(write(tmp_path / "s3.json", json.dumps(doc))))
    assert proc.returncode == 1 and "missing field `messages`" in out(proc)
    proc = run(str(write(tmp_path / "other.json", '{"name": "x"}')))
    assert proc.returncode == 1 and "no AgentMessage arrays" in out(proc)


# -- URLs ----------------------------------------------------------------------------------------
class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        if self.path == "/ok.json":
            self._send(200, EXAMPLE.read_bytes())
        elif self.path == "/session.jsonl":
            self._send(200, entry("e1", None, USER).encode())
        elif self.path == "/big.json":
            self._send(200, b"[" + b" " * 300_000 + b"]")
        elif self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ok.json")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/slow":
            time.sleep(3)
            self._send(200, b"[]")
        else:
            self._send(404, b"not here")

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:
            pass

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.1})
    thread.daemon = True
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


def test_urls(server: str) -> None:
    proc = run(f"{server}/ok.json", f"{server}/moved", f"{server}/session.jsonl")
    assert proc.returncode == 0, out(proc)
    assert out(proc).splitlines()[-1] == "3 files, 3 valid, 0 invalid, 0 warnings"
    assert "session.jsonl: valid (session" in out(proc)
    proc = run(f"{server}/missing.json")
    assert proc.returncode == 2
    assert out(proc).startswith(f"{server}/missing.json: error: cannot fetch: HTTP 404 Not Found")
    proc = run(f"{server}/loop")
    assert proc.returncode == 2 and "more than 5 redirects" in out(proc)
    proc = run("--max-size", "100K", f"{server}/big.json")
    assert proc.returncode == 2 and "larger than the --max-size limit of 100 KiB" in out(proc)
    proc = run("--timeout", "1", f"{server}/slow")
    assert proc.returncode == 2 and "timed out" in out(proc)
    proc = run("--format", "github", f"{server}/missing.json")
    assert out(proc).startswith("::error title=validate-conversation::")


def test_url_connection_and_dns_failures() -> None:
    proc = run("--timeout", "3", "http://127.0.0.1:9/x.json")
    assert proc.returncode == 2
    assert "could not connect to '127.0.0.1': connection refused" in out(proc)
    proc = run("--timeout", "3", "http://no-such-host.invalid/x.json", timeout=60)
    assert proc.returncode == 2
    assert "could not resolve host 'no-such-host.invalid'" in out(proc)


# -- the command itself --------------------------------------------------------------------------
def test_version_help_and_module_entry_point() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "agent_conversation", "--version"], capture_output=True, timeout=60
    )
    assert (
        proc.returncode == 0 and proc.stdout == f"validate-conversation {ac.__version__}\n".encode()
    )
    helptext = out(run("--help"))
    assert "examples:" in helptext and "exit codes:" in helptext and "--canonical" in helptext
    proc = subprocess.run(
        [sys.executable, "-m", "agent_conversation", str(EXAMPLE)],
        capture_output=True,
        timeout=60,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert proc.returncode == 0 and proc.stdout == run(str(EXAMPLE)).stdout


def test_small_runs_import_neither_pydantic_nor_httpx(tmp_path: Path) -> None:
    probe = (
        "import sys\n"
        "from agent_conversation.cli.validate import main\n"
        f"code = main(['-q', {str(EXAMPLE)!r}])\n"
        "heavy = [m for m in ('pydantic', 'httpx', 'jsonschema') if m in sys.modules]\n"
        "print(code, heavy)\n"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, timeout=60)
    assert proc.stdout.decode().strip() == "0 []", proc.stderr


# -- the crates' verdicts ------------------------------------------------------------------------
def _corpus_sample(step: int) -> list[dict]:
    with gzip.open(CORPUS, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle][::step]


CORPUS_DIALECTS = ("yoagent@0.4.0", "yoagent@0.12.0", "yoagent@0.18.0", "phi-core@0.10.0")


def test_conformance_sample_verdicts_equal_the_crates_and_the_codec(tmp_path: Path) -> None:
    cases = _corpus_sample(10)
    paths = [str(write(tmp_path / f"{c['id']}.json", c["doc"].encode("utf-8"))) for c in cases]
    for dialect in CORPUS_DIALECTS:
        proc = run("--format", "json", "--type", "conversation", "--dialect", dialect, *paths)
        verdicts = {Path(f["path"]).stem: f["valid"] for f in json.loads(proc.stdout)["files"]}
        for case in cases:
            expected = case["expect"][dialect]["ok"]
            assert verdicts[case["id"]] == expected, (case["id"], dialect)
            try:
                ac.loads(case["doc"].encode("utf-8"), dialect)
                codec = True
            except ac.ConversationError:
                codec = False
            assert codec == expected


def test_conformance_sample_canonical_is_what_the_crate_wrote(tmp_path: Path) -> None:
    cases = [c for c in _corpus_sample(15) if c["expect"]["yoagent@0.18.0"]["ok"]]
    written = []
    for case in cases:
        text = case["expect"]["yoagent@0.18.0"]["out"]
        written.append(str(write(tmp_path / f"{case['id']}.out.json", text.encode("utf-8"))))
    proc = run("--canonical", "--dialect", "yoagent@0.18.0", "-q", *written)
    assert proc.returncode == 0, out(proc)
    originals = [str(write(tmp_path / f"{c['id']}.json", c["doc"].encode())) for c in cases]
    proc = run("--canonical", "--dialect", "yoagent@0.18.0", "--format", "json", *originals)
    verdicts = {Path(f["path"]).name: f["valid"] for f in json.loads(proc.stdout)["files"]}
    for case in cases:
        same = case["doc"] == case["expect"]["yoagent@0.18.0"]["out"]
        assert verdicts[f"{case['id']}.json"] == same, case["id"]


def _top_level_items(text: str) -> list[str]:
    """The raw text of each element of a (syntactically valid) JSON array."""
    items, depth, start, in_string, escaped = [], 0, None, False, False
    for i, ch in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
            continue
        if ch == '"':
            in_string = True
        if depth == 1 and start is None and not ch.isspace() and ch not in ",]":
            start = i
        if ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
            if depth == 0:
                if start is not None:
                    items.append(text[start:i].rstrip())
                return items
        elif ch == "," and depth == 1:
            items.append(text[start:i].rstrip())
            start = None
    return items


def test_session_lines_get_the_same_verdicts_as_conversations(tmp_path: Path) -> None:
    """Each line's message is one AgentMessage: a session made of a corpus document's messages
    is valid exactly when the document is (both the fast and the exact session reader)."""
    cases = []
    for case in _corpus_sample(8):
        try:
            items = json.loads(case["doc"])
        except ValueError:
            continue
        if isinstance(items, list) and items:
            cases.append(case)
    paths = []
    for case in cases:
        items = _top_level_items(case["doc"].replace("\n", " "))
        assert len(items) == len(json.loads(case["doc"])), case["id"]
        lines = [
            entry(f"e{k + 1}", f"e{k}" if k else None, item, ts=k) for k, item in enumerate(items)
        ]
        fast = write(tmp_path / f"{case['id']}.jsonl", "\n".join(lines))
        exact = write(tmp_path / f"{case['id']}.x.jsonl", "\n".join(" " + ln for ln in lines))
        paths += [str(fast), str(exact)]
    for dialect in ("yoagent@0.12.0", "yoagent@0.18.0"):
        proc = run("--format", "json", "--dialect", dialect, *paths)
        verdicts = {Path(f["path"]).name: f["valid"] for f in json.loads(proc.stdout)["files"]}
        for case in cases:
            expected = case["expect"][dialect]["ok"]
            assert verdicts[f"{case['id']}.jsonl"] == expected, (case["id"], dialect)
            assert verdicts[f"{case['id']}.x.jsonl"] == expected, (case["id"], dialect)
