"""Hostile input and a hostile environment (issue 16): every promise of the README held.

Each test here failed on the code before the fix. HTTP attacks: tests/test_hostile_http.py.
"""

from __future__ import annotations

import errno
import gc
import io
import os
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import agent_conversation as ac
import pytest
from agent_conversation import api
from agent_conversation.cli import inputs
from agent_conversation.cli.convert import main as convert
from agent_conversation.cli.validate import run as validate
from agent_conversation.errors import ConversationError
from agent_conversation.sessions import loads_phi_session, loads_session

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = (ROOT / "fixtures" / "examples" / "conversation.json").read_bytes()
BIN = Path(sys.executable).parent
VALIDATE = shutil.which("validate-conversation", path=str(BIN)) or "validate-conversation"
CONVERT = shutil.which("convert-conversation", path=str(BIN)) or "convert-conversation"
USER = '{"role":"user","content":[{"type":"text","text":"hi"}],"timestamp":1}'
HUGE = "1" * 4301


def cli(tool: Any, args: list[str], capsys: pytest.CaptureFixture[str], stdin: bytes = b"") -> Any:
    saved = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin))
    try:
        code = tool(args)
    finally:
        sys.stdin = saved
        gc.enable()  # validate-conversation turns it off for its short-lived process
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and "internal error" not in out + err, out + err
    return code, out, err


def shell(command: str, cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess[bytes]:
    proc = subprocess.run(
        command,
        shell=True,
        cwd=cwd,
        capture_output=True,
        timeout=timeout,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert b"Traceback" not in proc.stdout + proc.stderr, proc.stderr.decode()
    assert b"internal error" not in proc.stdout + proc.stderr, proc.stderr.decode()
    return proc


# -- 1. integers of more than 4,300 digits -------------------------------------------------------
@pytest.mark.parametrize(
    "document",
    [
        f"[{HUGE}]",
        f"[-{HUGE}]",
        f'[{USER[:-14]}"timestamp":{HUGE}}}]',  # a u64 field
        '[{"role":"assistant","content":[{"type":"toolCall","id":"c","name":"n","arguments":'
        f'{{"x":{HUGE}}}}}],"stopReason":"toolUse","model":"m","provider":"p","usage":{{"input":1,'
        '"output":1,"cacheRead":0,"cacheWrite":0,"totalTokens":2},"timestamp":1}]',  # free JSON
    ],
)
def test_integers_past_the_int_string_limit_are_out_of_range(document: str) -> None:
    limit = sys.get_int_max_str_digits()
    for dialect in ("auto", "yoagent@0.4", "phi-core@0.7"):
        with pytest.raises(ConversationError, match="number out of range"):
            ac.loads(document, dialect)
    assert ac.detect(document) == []
    assert sys.get_int_max_str_digits() == limit  # not raised globally


def test_huge_integers_fail_as_serde_fails() -> None:
    """The real crates (interop harness): the same error at the same line and column."""
    sys.path.insert(0, str(ROOT / "tests"))
    from interop_harness import Harness, build, cargo

    if cargo() is None:
        if os.environ.get("INTEROP_REQUIRED") == "1":
            pytest.fail("INTEROP_REQUIRED=1 but cargo is not installed")
        pytest.skip("cargo is not installed: the interop harness cannot be built")
    harness = Harness(build())
    documents = [f"[{HUGE}]", f'[{USER[:-14]}"timestamp":{HUGE}}}]', f"[1e{HUGE}]"]
    for dialect in ("yoagent@0.22", "phi-core@0.9"):
        answers = harness.run_many([(dialect, d, "conversation") for d in documents])
        for answer, document in zip(answers, documents, strict=True):
            assert not answer["ok"] and answer["error"].startswith("number out of range")
            with pytest.raises(ConversationError) as ours:
                ac.loads(document, dialect)
            assert str(ours.value).endswith(answer["error"].removeprefix("number out of range"))


def test_exponents_past_the_int_string_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    zeros = "0" * 5000
    data = f"[1.5e{zeros}1,2e-{zeros}3,0.{zeros}1e{zeros}5001,1e-{HUGE}]"
    document = f'[{{"role":"x","kind":"k","data":{data}}}]'
    for dialect in ("yoagent@0.22", "phi-core@0.9"):
        assert ac.loads(document, dialect).records[0]["data"] == [15.0, 0.002, 1.0, 0.0]
    with pytest.raises(ConversationError, match="number out of range"):
        ac.loads(f"[1e{HUGE}]")
    assert ac.detect(f"[1e{HUGE}]") == []


def test_huge_integers_in_sessions_are_conversation_errors() -> None:
    line = f'{{"id":"a","parent_id":null,"message":{USER},"timestamp":{HUGE}}}'
    with pytest.raises(ConversationError):
        loads_session(line)
    with pytest.raises(ConversationError, match="out of range"):
        loads_phi_session(f'{{"loops":[{{"messages":[{USER}]}}],"n":{HUGE}}}')


def test_huge_integer_file_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "huge.json"
    path.write_text(f"[{HUGE}]")
    code, out, _ = cli(validate, [str(path)], capsys)
    assert code == 1 and "number out of range" in out
    code, _, err = cli(convert, [str(path), "--to", "phi-core"], capsys)
    assert code == 2 and "number out of range" in err


# -- 3 and 11. one rule for -o and --in-place ----------------------------------------------------
def test_output_refuses_fifos_devices_and_magic_links(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "in.json"
    src.write_bytes(EXAMPLE)
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    link = tmp_path / "stdout.json"
    link.symlink_to("/proc/self/fd/1")
    for target in (fifo, Path("/dev/null")):
        before = os.lstat(target)
        code, _, err = cli(convert, [str(src), "--to", "phi-core", "-o", str(target)], capsys)
        assert code == 2 and "not a regular file" in err, err
        after = os.lstat(target)
        assert (before.st_mode, before.st_ino) == (after.st_mode, after.st_ino)
    code, _, err = cli(convert, [str(fifo), "--to", "phi-core", "--in-place"], capsys)
    assert code == 2 and "FIFO" in err and stat.S_ISFIFO(os.lstat(fifo).st_mode)
    # a link to /proc/self/fd/1 while standard output is a pipe
    proc = subprocess.run(
        [CONVERT, str(src), "--to", "phi-core", "-o", str(link)], capture_output=True, timeout=60
    )
    assert proc.returncode == 2 and b"FIFO (named pipe), not a regular file" in proc.stderr
    assert proc.stdout == b"" and link.is_symlink()


def test_output_refuses_a_device_node(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    node = tmp_path / "null"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, AttributeError):
        pytest.skip("cannot make a device node here (needs root)")
    src = tmp_path / "in.json"
    src.write_bytes(EXAMPLE)
    code, _, err = cli(convert, [str(src), "--to", "phi-core", "-o", str(node)], capsys)
    assert code == 2 and "character device" in err
    assert stat.S_ISCHR(os.lstat(node).st_mode)


def test_output_symlink_is_written_through_like_in_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "in.json"
    src.write_bytes(EXAMPLE)
    real = tmp_path / "real.json"
    real.write_bytes(b"old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    code, _, _ = cli(convert, [str(src), "--to", "phi-core", "-o", str(link)], capsys)
    assert code == 0 and link.is_symlink() and real.read_bytes().startswith(b'[{"content":')


def test_in_place_keeps_owner_group_and_mode(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if os.geteuid() != 0:
        pytest.skip("changing a file's owner needs root")
    target = tmp_path / "c.json"
    target.write_bytes(EXAMPLE)
    os.chown(target, 65534, 65534)
    target.chmod(0o640)
    code, _, err = cli(convert, [str(target), "--to", "yoagent@0.9", "--in-place"], capsys)
    assert code == 0, err
    info = target.stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (65534, 65534, 0o640)
    assert target.read_bytes() != EXAMPLE


def test_hard_linked_targets_are_refused_not_split(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "c.json"
    target.write_bytes(EXAMPLE)
    other = tmp_path / "other-name.json"
    os.link(target, other)
    code, _, err = cli(convert, [str(target), "--to", "phi-core", "--in-place"], capsys)
    assert code == 2 and "2 hard links" in err
    assert os.path.samefile(target, other) and target.read_bytes() == EXAMPLE
    src = tmp_path / "in.json"
    src.write_bytes(EXAMPLE)
    code, _, err = cli(convert, [str(src), "--to", "phi-core", "-o", str(other)], capsys)
    assert code == 2 and "hard links" in err and other.read_bytes() == EXAMPLE


def test_write_atomic_gives_new_files_the_umask_mode(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        api.write_atomic(tmp_path / "new.json", b"[]")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.json").stat().st_mode) == 0o640
    ac.dump(ac.loads(b"[]", "yoagent"), tmp_path / "dumped.json")
    assert stat.S_IMODE((tmp_path / "dumped.json").stat().st_mode) == 0o666 & ~old


# -- 4 and 5. streams: full, closed, short writes ------------------------------------------------
def test_short_writes_and_a_full_disk_on_stdout(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "in.json"
    src.write_bytes(EXAMPLE)
    real_write = os.write
    budget = {"left": 0}

    def disk(fd: int, data: Any) -> int:
        if fd != sys.stdout.fileno():  # capfd's file behind standard output
            return real_write(fd, data)
        if budget["left"] <= 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        n = min(len(data), 100, budget["left"])  # short writes: 100 bytes at a time
        budget["left"] -= n
        return real_write(fd, bytes(data[:n]))

    monkeypatch.setattr(os, "write", disk)
    budget["left"] = 10**9
    code = convert([str(src), "--to", "phi-core"])
    out, err = capfd.readouterr()
    assert code == 0 and out.encode() == ac.convert(ac.loads(EXAMPLE), "phi-core").text.encode()
    budget["left"] = 600  # then the disk is full
    code = convert([str(src), "--to", "phi-core"])
    out, err = capfd.readouterr()
    assert code == 2 and "cannot write to standard output: No space left on device" in err
    assert budget["left"] == 0 and "0 losses" not in err


@pytest.mark.parametrize(
    ("command", "code", "says"),
    [
        ("{V} ok.json 2>&-", 0, ""),
        ("{V} missing.json 2>&-", 2, ""),
        ("{V} bad.json 2>&-", 1, ""),
        ("{V} ok.json >&-", 2, "standard output is closed"),
        ("{V} -q ok.json >&-", 0, ""),
        ("{V} ok.json > /dev/full", 2, "no space left on device"),
        ("{V} - <&-", 2, "standard input is closed"),
        ("{C} ok.json --to phi-core -o out.json 2>&-", 0, ""),
        ("{C} ok.json --to phi-core > /dev/full", 2, "No space left on device"),
        ("{C} ok.json --to phi-core >&-", 2, "cannot write to standard output"),
        ("{C} - --to phi-core <&-", 2, "standard input is closed"),
        ("{C} missing.json --to phi-core 2>&-", 2, ""),
    ],
)
def test_closed_and_failing_standard_streams(
    tmp_path: Path, command: str, code: int, says: str
) -> None:
    (tmp_path / "ok.json").write_bytes(EXAMPLE)
    (tmp_path / "bad.json").write_bytes(b"[1]")
    proc = shell(command.format(V=VALIDATE, C=CONVERT), tmp_path)
    assert proc.returncode == code, proc.stderr
    assert says in (proc.stdout + proc.stderr).decode()
    if "-o out.json" in command:
        assert (tmp_path / "out.json").read_bytes().startswith(b'[{"content":')


# -- 7 and 8. size limit for convert; FIFOs and devices ------------------------------------------
def test_convert_has_the_input_size_limit(tmp_path: Path) -> None:
    proc = shell(f"{CONVERT} - --to phi-core --max-size 1M < /dev/zero", tmp_path)
    assert proc.returncode == 2 and b"larger than the --max-size limit of 1 MiB" in proc.stderr
    (tmp_path / "ok.json").write_bytes(EXAMPLE)
    proc = shell(f"{CONVERT} ok.json --to phi-core --max-size 1K", tmp_path)
    assert proc.returncode == 2 and b"larger than the --max-size limit of 1 KiB" in proc.stderr


def test_named_fifos_and_devices_are_refused_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "x.json")
    started = time.monotonic()
    for command in (
        f"{VALIDATE} x.json",
        f"{CONVERT} x.json --to phi-core",
        f"{VALIDATE} /dev/zero",
    ):
        proc = shell(command, tmp_path, timeout=30)
        assert proc.returncode == 2
        assert b"not a regular file" in proc.stdout + proc.stderr
    assert time.monotonic() - started < 25


def test_fifos_in_a_walked_directory_are_skipped_with_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "ok.json").write_bytes(EXAMPLE)
    os.mkfifo(tmp_path / "d" / "x.json")
    code, out, err = cli(validate, [str(tmp_path / "d")], capsys)
    assert code == 0 and "1 file, 1 valid" in out
    assert "warning: skipped" in err and "x.json: a FIFO" in err


# -- 9. globs through symlink loops --------------------------------------------------------------
def test_globs_do_not_follow_symlink_loops(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    loop = tmp_path / "loop"
    (loop / "sub").mkdir(parents=True)
    (loop / "sub" / "c.json").write_bytes(EXAMPLE)
    (loop / "sub" / "up").symlink_to("..")
    (loop / "sub" / "again").symlink_to("..")
    (loop / "same.json").symlink_to(loop / "sub" / "c.json")
    monkeypatch.chdir(tmp_path)
    started = time.monotonic()
    code, out, _ = cli(validate, ["loop/**/*.json", "loop/sub/c.json"], capsys)
    assert time.monotonic() - started < 20
    assert code == 0 and "1 file, 1 valid" in out  # one file, however many names reach it


# -- 10. credentials in URLs ---------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_url_credentials_are_never_printed(fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    url = "http://alice:s3cr3tpw@127.0.0.1:9/x.json"
    code, out, err = cli(validate, ["--format", fmt, "--timeout", "2", url], capsys)
    assert code == 2 and "s3cr3tpw" not in out + err and "alice" not in out + err
    assert "127.0.0.1:9/x.json" in out
    assert inputs.redact("ftp://tok@h/x and https://u:p@h2/") == "ftp://***@h/x and https://***@h2/"


# -- minor ---------------------------------------------------------------------------------------
def test_control_characters_cannot_forge_lines_or_drive_the_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    forged = "\nok.json: valid (conversation)\x1b]0;owned\x07\x1b[2J\u202e"
    doc = (
        '[{"role":"assistant","content":[],"stopReason":' + _json(forged) + ',"model":"m",'
        '"provider":"p","usage":{"input":1,"output":1,"cacheRead":0,"cacheWrite":0,'
        '"totalTokens":2},"timestamp":1}]'
    )
    path = tmp_path / "evil\x1b[31m.json"
    path.write_text(doc)
    for fmt in ("text", "github"):
        code, out, _ = cli(validate, ["--format", fmt, str(path)], capsys)
        assert code == 1
        assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
        assert not any(line.startswith("ok.json") for line in out.splitlines())
        assert "\\x1b" in out
    code, _, err = cli(convert, [str(path), "--to", "phi-core"], capsys)
    assert code == 2 and "\x1b" not in err and "\\x1b" in err


def _json(text: str) -> str:
    import json

    return json.dumps(text)


SIGNAL_CHILD = textwrap.dedent(
    """
    import os, signal, sys
    from agent_conversation.cli.convert import main
    real = os.fsync
    def fsync(fd):
        os.kill(os.getpid(), getattr(signal, sys.argv[1]))
        real(fd)
    os.fsync = fsync
    sys.exit(main(sys.argv[2:]))
    """
)


@pytest.mark.parametrize(("name", "code"), [("SIGTERM", 143), ("SIGHUP", 129), ("SIGINT", 130)])
def test_signals_leave_no_temporary_file(tmp_path: Path, name: str, code: int) -> None:
    src = tmp_path / "in.json"
    src.write_bytes(EXAMPLE)
    args = [sys.executable, "-c", SIGNAL_CHILD, name, str(src), "--to", "phi-core"]
    proc = subprocess.run(
        [*args, "-o", str(tmp_path / "out.json")], capture_output=True, timeout=60
    )
    assert proc.returncode == code, proc.stderr
    assert sorted(os.listdir(tmp_path)) == ["in.json"]
    proc = subprocess.run([*args, "--in-place"], capture_output=True, timeout=60)
    assert proc.returncode == code and sorted(os.listdir(tmp_path)) == ["in.json"]
    assert src.read_bytes() == EXAMPLE


def test_read_only_folder_names_the_target(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "in.json"
    src.write_bytes(EXAMPLE)
    out = tmp_path / "out.json"

    def read_only(prefix: str, suffix: str, dir: Any) -> Any:
        raise PermissionError(errno.EACCES, "Permission denied", f"{dir}/{prefix}x1y2{suffix}")

    import tempfile

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    code, _, err = cli(convert, [str(src), "--to", "phi-core", "-o", str(out)], capsys)
    assert code == 2 and f"{out}: Permission denied" in err and ".tmp" not in err


@pytest.mark.parametrize("value", ["inf", "nan", "-1", "0", "1e300"])
def test_timeout_must_be_finite(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(validate, ["--timeout", value, "x.json"], capsys)
    assert code == 2 and "--timeout must be a positive number" in err


@pytest.mark.parametrize(
    ("dialect", "says"),
    [
        ("phi-core@0.11", "phi-core has no version 0.11.x"),
        ("phi-core@0.11.2", "phi-core has no version 0.11.x"),
        ("yoagent@0.3", "has no save API"),
        ("yoagent@0.1.0", "has no save API"),
    ],
)
def test_versions_that_never_had_a_wire_format(
    dialect: str, says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(ConversationError, match=says):
        ac.loads("[]", dialect)
    code, _, err = cli(validate, ["--dialect", dialect, "x.json"], capsys)
    assert code == 2 and says in err
    assert ac.loads("[]", "phi-core@0.10.4").dialect == ac.loads("[]", "phi-core@0.12").dialect


def test_size_words_never_say_larger_than_itself(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    with open(big, "wb") as handle:  # sparse: costs no disk
        handle.truncate(2 * 1024**3 + 1)
    with pytest.raises(inputs.InputError) as caught:
        inputs.read(inputs.Source(str(big), "file", str(big)), 30.0)
    assert caught.value.message == (
        "2,147,483,649 bytes, larger than the --max-size limit of 2,147,483,648 bytes"
    )


def test_an_unreadable_directory_is_reported_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    closed = tmp_path / "closed"
    closed.mkdir()
    (closed / "a.json").write_bytes(EXAMPLE)
    real = os.scandir

    def scandir(path: Any = ".") -> Any:
        if os.fspath(path) == str(closed):
            raise PermissionError(errno.EACCES, "Permission denied", str(closed))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    code, out, _ = cli(validate, [str(closed)], capsys)
    assert code == 2 and out.count(str(closed)) == 1 and "permission denied" in out


def test_convert_errors_name_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"[1]")
    code, _, err = cli(convert, [str(bad), "--to", "phi-core"], capsys)
    assert code == 2 and f"error: {bad}: message 0" in err
    code, _, err = cli(convert, ["-", "--to", "phi-core"], capsys, stdin=b"[1]")
    assert code == 2 and "error: <stdin>: message 0" in err


def test_wrong_argument_types_raise_a_clear_type_error() -> None:
    for call in (
        lambda: ac.loads(None),  # type: ignore[arg-type]
        lambda: ac.detect(None),  # type: ignore[arg-type]
        lambda: ac.loads(5),  # type: ignore[arg-type]
        lambda: loads_session(None),  # type: ignore[arg-type]
        lambda: loads_phi_session(None),  # type: ignore[arg-type]
    ):
        with pytest.raises(TypeError, match="the document must be str or bytes"):
            call()
    with pytest.raises(TypeError, match="the dialect must be a str"):
        ac.loads("[]", None)  # type: ignore[arg-type]


def test_warnings_in_large_conversations_keep_their_position(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Conversations are read element span by element span: a warning is placed by parsing
    its element's span only, so it keeps line:col at any size (no size limit applies)."""
    from agent_conversation.cli import checks

    path = tmp_path / "c.json"
    path.write_text(f'[{USER[:-1]},"extra":1}}]')
    code, out, _ = cli(validate, [str(path)], capsys)
    assert code == 0 and f"{path}:1:" in out and "no line:col" not in out
    monkeypatch.setattr(checks, "POSITION_LIMIT", 10)
    code, out, _ = cli(validate, [str(path)], capsys)
    assert code == 0 and f"{path}:1:" in out and "no line:col" not in out


def test_special_files_at_the_write_rule(tmp_path: Path) -> None:
    with pytest.raises(OSError, match="is a directory"):
        api.write_atomic(tmp_path, b"[]")
    assert api.check_target(tmp_path / "absent.json") is None
    signal.getsignal(signal.SIGTERM)  # the in-process runs above restored their handlers
    assert signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, signal.default_int_handler, None)
