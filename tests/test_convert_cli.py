"""convert-conversation: exit codes, the loss report, atomic output, --in-place, stdin/stdout,
session files, and never a traceback."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import agent_conversation as ac
import pytest
from agent_conversation.cli.convert import main
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = str(Path(sys.executable).parent / "convert-conversation")
EXAMPLE = (ROOT / "fixtures" / "examples" / "conversation.json").read_bytes()
FROZEN = (
    b'[{"role":"assistant","content":[{"type":"toolCall","id":"tc-1","name":"bash",'
    b'"arguments":{"command":"ls"},"providerMetadata":{"thought_signature":"sig-2"}}],'
    b'"stopReason":"refusal","model":"m","provider":"p","usage":{"input":100,"output":50,'
    b'"cacheRead":10,"cacheWrite":5,"totalTokens":165},"timestamp":1234,"errorMessage":"boom"}]'
)
FROZEN_PHI = (
    b'[{"content":[{"arguments":{"command":"ls"},"id":"tc-1","name":"bash","type":"toolCall"}],'
    b'"error_message":"boom","model":"m","provider":"p","role":"assistant",'
    b'"stopReason":"guardRail","timestamp":1234,"usage":{"cache_read":10,"cache_write":5,'
    b'"input":100,"output":50,"reasoning":0,"total_tokens":165}}]'
)
USER = '{"role":"user","content":[{"type":"text","text":"hi"}],"timestamp":1}'
SESSION = "\n".join(
    [
        '{"id":"e1","parent_id":null,"message":' + USER + ',"timestamp":5}',
        '{"id":"e2","parent_id":"e1","message":{"role":"assistant","content":[{"type":"toolCall",'
        '"id":"t","name":"n","arguments":{},"providerMetadata":{"a":1}}],"stopReason":"refusal",'
        '"model":"m","provider":"p","usage":{"input":1,"output":2,"cacheRead":0,"cacheWrite":0,'
        '"totalTokens":3},"timestamp":2},"timestamp":6,"label":"x"}',
    ]
).encode()


class Run:
    def __init__(self, code: int, out: bytes, err: str) -> None:
        self.code, self.out, self.err = code, out, err


@pytest.fixture
def cli(capsysbinary: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Run main() in this process: stdin bytes in, exit code, stdout bytes and stderr text out."""

    def run(*args: str, stdin: bytes = b"") -> Run:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
        code = main(list(args))
        captured = capsysbinary.readouterr()
        err = captured.err.decode()
        assert "Traceback" not in err and "internal error" not in err, err
        return Run(code, captured.out, err)

    return run


def files(folder: Path) -> list[str]:
    return sorted(os.listdir(folder))


# -- exit codes and the loss report --------------------------------------------------------------


def test_converts_to_a_file(cli: Any, tmp_path: Path) -> None:
    src = tmp_path / "in.json"
    src.write_bytes(EXAMPLE)
    out = tmp_path / "out.json"
    run = cli(str(src), "--to", "yoagent@0.12.0", "-o", str(out))
    assert run.code == 0, run.err
    assert out.read_bytes() == ac.dumps(ac.loads(EXAMPLE), "yoagent@0.12.0").encode()
    assert run.out == b""
    assert (
        "in.json (yoagent@0.22, 5 messages)" in run.err
        and "(yoagent@0.12.0, wire revision yoagent@0.9): 0 losses" in run.err
    )
    # a new file gets the usual permissions, not the temporary file's 0600
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask
    assert cli(str(src), "--to", "phi-core", "-o", str(out), "-q").err == ""


def test_refused_because_of_loss_exits_1_and_writes_nothing(cli: Any, tmp_path: Path) -> None:
    src = tmp_path / "in.json"
    src.write_bytes(FROZEN)
    out = tmp_path / "out.json"
    run = cli(str(src), "--to", "phi-core@0.10.0", "-o", str(out))
    assert run.code == 1
    assert run.err.splitlines() == [
        "lost: message 0 (/0/content/0/providerMetadata): `providerMetadata` = "
        '{"thought_signature":"sig-2"} — phi-core@0.10.0\'s toolCall block has no such field',
        "lost: message 0 (/0/stopReason): stop reason 'refusal' — phi-core@0.10.0 has no such stop "
        "reason (it has stop, length, toolUse, error, aborted, maxTurns, userStop, handoff, "
        "guardRail, contextCompacted, paused); map it with stop_reason_map / --map-stop-reason",
        "convert-conversation: refused: 2 losses converting to phi-core@0.10.0; allow the loss "
        "(allow_loss / --allow-loss) and map the stop reasons (stop_reason_map / "
        "--map-stop-reason)",
    ]
    assert files(tmp_path) == ["in.json"]
    # --allow-loss is not enough for a stop reason the target lacks
    run = cli(str(src), "--to", "phi-core@0.10.0", "-o", str(out), "--allow-loss")
    assert run.code == 1 and "map the stop reasons" in run.err
    assert files(tmp_path) == ["in.json"]
    # an existing output file is left as it was
    out.write_bytes(b"old")
    assert cli(str(src), "--to", "phi-core", "-o", str(out)).code == 1
    assert out.read_bytes() == b"old" and files(tmp_path) == ["in.json", "out.json"]


def test_allow_loss_and_map_stop_reason(cli: Any, tmp_path: Path) -> None:
    src = tmp_path / "in.json"
    src.write_bytes(FROZEN)
    out = tmp_path / "out.json"
    args = ["--to", "phi-core@0.10.0", "-o", str(out), "--allow-loss"]
    run = cli(str(src), *args, "--map-stop-reason", "refusal=guardRail")
    assert run.code == 0, run.err
    assert out.read_bytes() == FROZEN_PHI
    assert run.err.splitlines()[0].startswith("lost: message 0 (/0/content/0/providerMetadata)")
    assert run.err.splitlines()[1] == (
        "changed: message 0 (/0/stopReason): stop reason 'refusal' written as 'guardRail' — "
        "phi-core@0.10.0 has no 'refusal'; mapped as asked"
    )
    assert run.err.splitlines()[2].endswith(": 1 loss, 1 stop reason mapped")
    # a mapping alone is not a loss
    no_meta = FROZEN.replace(b',"providerMetadata":{"thought_signature":"sig-2"}', b"")
    run = cli("-", "--to", "yoagent@0.8", "--map-stop-reason", "refusal=error", stdin=no_meta)
    assert run.code == 0 and b'"stopReason":"error"' in run.out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--to", "nope@1"], "unknown dialect 'nope@1'"),
        (["--to", "yoagent", "--from", "yoagent@0.1"], "yoagent before 0.4.0 has no save API"),
        (["--to", "yoagent", "--map-stop-reason", "refusal"], "takes FROM=TO"),
        (["--to", "yoagent@0.4", "--map-stop-reason", "refusal=paused"], "no stop reason 'paused'"),
        (["--to", "yoagent", "--map-stop-reason", "a=stop", "--map-stop-reason", "a=error"],
         "twice"),
        (["--to", "yoagent", "--in-place", "-o", "x.json"], "either -o or --in-place"),
        (["--to", "yoagent", "-o", "{missing}/x.json"], "no such directory"),
        (["--to", "yoagent", "-o", "{dir}"], "is a directory"),
        (["--to", "yoagent", "-o", "{src}"], "refusing to overwrite the input"),
        (["--to", "yoagent", "--float-format", "repr"], "invalid choice"),
        (["--from", "yoagent"], "required: --to"),
    ],
)  # fmt: skip
def test_usage_errors_exit_2(cli: Any, tmp_path: Path, args: list[str], message: str) -> None:
    src = tmp_path / "in.json"
    src.write_bytes(EXAMPLE)
    names = {"missing": str(tmp_path / "nope"), "dir": str(tmp_path), "src": str(src)}
    run = cli(str(src), *[a.format(**names) for a in args])
    assert run.code == 2
    assert message in run.err
    assert src.read_bytes() == EXAMPLE and files(tmp_path) == ["in.json"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "EOF while parsing a value"),
        (b"[1", "EOF while parsing a list"),
        (b"\xff", "not valid UTF-8"),
        (b'[{"role":"user"}]', "missing field `content`"),
        (b'[{"role":"assistant","content":[],"stopReason":"end_turn","model":"m","provider":"p",'
         b'"usage":{"input":1,"output":1},"timestamp":1}]', "end_turn"),
        (b"[" * 200 + b"]" * 200, "limit of 128"),
        (b'{"session_id":"s","loops":[]}', "phi-core session"),
    ],
)  # fmt: skip
def test_input_errors_exit_2(cli: Any, data: bytes, message: str) -> None:
    run = cli("-", "--to", "phi-core", stdin=data)
    assert run.code == 2 and run.out == b""
    assert message in run.err, run.err


def test_missing_input_and_directory_input(cli: Any, tmp_path: Path) -> None:
    run = cli(str(tmp_path / "missing.json"), "--to", "yoagent")
    assert run.code == 2 and "no such file" in run.err
    run = cli(str(tmp_path), "--to", "yoagent")
    assert run.code == 2 and "is a directory" in run.err


def test_help_exits_0(cli: Any) -> None:
    run = cli("--help")
    assert run.code == 0 and b"--map-stop-reason FROM=TO" in run.out and b"exit codes" in run.out


# -- writing: atomic, in place, standard output --------------------------------------------------


def test_output_is_never_half_written(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "in.json"
    src.write_bytes(EXAMPLE)
    out = tmp_path / "out.json"
    out.write_bytes(b"previous")
    expected = ac.dumps(ac.loads(EXAMPLE), "yoagent@0.9").encode()
    seen: list[tuple[str, bytes, bytes]] = []
    real_replace = os.replace

    def spy(tmp: Any, dest: Any) -> None:
        # At the moment of the rename the temporary file is complete and the destination untouched.
        seen.append((os.path.dirname(tmp), Path(tmp).read_bytes(), Path(dest).read_bytes()))
        real_replace(tmp, dest)

    monkeypatch.setattr(os, "replace", spy)
    assert cli(str(src), "--to", "yoagent@0.9", "-o", str(out)).code == 0
    assert seen == [(str(tmp_path), expected, b"previous")]
    assert out.read_bytes() == expected and files(tmp_path) == ["in.json", "out.json"]


def test_a_failed_write_leaves_no_file(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "in.json"
    src.write_bytes(EXAMPLE)

    def broken(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", broken)
    run = cli(str(src), "--to", "phi-core", "-o", str(tmp_path / "out.json"))
    assert run.code == 2 and "Input/output error" in run.err
    assert files(tmp_path) == ["in.json"]
    run = cli(str(src), "--to", "phi-core", "--in-place")
    assert run.code == 2 and src.read_bytes() == EXAMPLE and files(tmp_path) == ["in.json"]


def test_in_place(cli: Any, tmp_path: Path) -> None:
    target = tmp_path / "c.json"
    target.write_bytes(EXAMPLE)
    target.chmod(0o640)
    run = cli(str(target), "--to", "yoagent@0.9", "--in-place")
    assert run.code == 0, run.err
    assert target.read_bytes() == ac.dumps(ac.loads(EXAMPLE), "yoagent@0.9").encode()
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert files(tmp_path) == ["c.json"]
    assert cli(str(target), "--to", "yoagent@0.18", "--in-place").code == 0
    assert target.read_bytes() == EXAMPLE
    # through a symlink: the file it points to is replaced, the link stays a link
    link = tmp_path / "link.json"
    link.symlink_to(target)
    assert cli(str(link), "--to", "phi-core", "--in-place").code == 0
    assert link.is_symlink() and target.read_bytes().startswith(b'[{"content":')
    # refused: the file is left alone
    target.write_bytes(FROZEN)
    assert cli(str(target), "--to", "phi-core", "--in-place").code == 1
    assert target.read_bytes() == FROZEN
    assert cli("-", "--to", "phi-core", "--in-place", stdin=EXAMPLE).code == 2


def test_stdin_to_stdout(cli: Any, tmp_path: Path) -> None:
    run = cli("-", "--to", "phi-core@0.10.0", stdin=EXAMPLE)
    assert run.code == 0
    assert run.out == ac.convert(ac.loads(EXAMPLE), "phi-core").text.encode()
    assert (
        "<stdin> (yoagent@0.22, 5 messages) → standard output "
        "(phi-core@0.10.0, wire revision phi-core@0.9)" in run.err
    )
    back = cli("-", "--to", "yoagent@0.18.0", "-o", "-", stdin=run.out)
    assert back.code == 0 and back.out == EXAMPLE
    # --from decides how the input is read
    run = cli("-", "--to", "yoagent@0.9", "--from", "phi-core@0.7", stdin=EXAMPLE)
    assert run.code == 1 and "unknown key `cacheRead`" in run.err


def test_non_ascii_text_is_written_as_utf8(cli: Any) -> None:
    doc = '[{"role":"user","content":[{"type":"text","text":"é 😀 \u2028"}],"timestamp":1}]'
    run = cli("-", "--to", "phi-core", stdin=doc.encode())
    assert run.code == 0
    assert run.out.decode("utf-8") == (
        '[{"content":[{"text":"é 😀 \u2028","type":"text"}],"role":"user","timestamp":1}]'
    )


# -- session files --------------------------------------------------------------------------------


def test_session_files(cli: Any, tmp_path: Path) -> None:
    src = tmp_path / "s.jsonl"
    src.write_bytes(SESSION)
    run = cli(str(src), "--to", "yoagent@0.12.0")
    assert run.code == 0, run.err
    lines = run.out.decode().split("\n")
    assert len(lines) == 2 and not run.out.endswith(b"\n")
    assert lines[0] == '{"id":"e1","parent_id":null,"message":' + USER + ',"timestamp":5}'
    assert lines[1].startswith('{"id":"e2","parent_id":"e1","message":{"role":"assistant"')
    assert '"provider_metadata":{"a":1}' in lines[1] and '"cache_read":0' in lines[1]
    assert lines[1].endswith(',"timestamp":6,"label":"x"}')
    assert "2-entry session" in run.err
    # and back, in place
    converted = tmp_path / "old.jsonl"
    converted.write_bytes(run.out)
    assert cli(str(converted), "--to", "yoagent@0.18.0", "--in-place").code == 0
    assert converted.read_bytes() == SESSION
    assert files(tmp_path) == ["old.jsonl", "s.jsonl"]


def test_session_losses_and_refusals(cli: Any, tmp_path: Path) -> None:
    src = tmp_path / "s.jsonl"
    src.write_bytes(SESSION.replace(b'"label":"x"', b'"label":"x","mood":1'))
    out = tmp_path / "o.jsonl"
    run = cli(str(src), "--to", "yoagent@0.9", "-o", str(out))
    assert run.code == 1
    assert "lost: line 2 (/mood): unknown key `mood`" in run.err
    assert files(tmp_path) == ["s.jsonl"]
    assert cli(str(src), "--to", "yoagent@0.9", "-o", str(out), "--allow-loss").code == 0
    assert b"mood" not in out.read_bytes()
    # targets without session files
    for target in ("phi-core", "yoagent@0.8", "yoagent@0.10"):
        run = cli(str(src), "--to", target, "--allow-loss")
        assert run.code == 2 and "has no session files" in run.err
    # a broken session: its line number
    src.write_bytes(
        SESSION + b'\n{"id":"e3","parent_id":"e9","message":' + USER.encode() + b',"timestamp":1}'
    )
    run = cli(str(src), "--to", "yoagent")
    assert run.code == 2 and "line 3" in run.err and "e9" in run.err


def test_session_detected_by_content_or_forced(cli: Any, tmp_path: Path) -> None:
    src = tmp_path / "s.log"
    src.write_bytes(SESSION)
    assert cli(str(src), "--to", "yoagent@0.13").code == 0
    one_line = tmp_path / "one"
    one_line.write_bytes(SESSION.split(b"\n")[0])
    run = cli(str(one_line), "--to", "yoagent@0.13", "--type", "session")
    assert run.code == 0 and run.out == SESSION.split(b"\n")[0]
    assert cli(str(src), "--to", "yoagent", "--type", "conversation").code == 2


# -- never a traceback -----------------------------------------------------------------------------

GOLDEN_DOCS = [
    case["document"].encode()
    for path in sorted((ROOT / "fixtures" / "golden").glob("*.json"))
    for case in json.loads(path.read_text(encoding="utf-8"))["cases"]
]


@st.composite
def mangled(draw: Any) -> bytes:
    base = draw(st.sampled_from([*GOLDEN_DOCS, SESSION, EXAMPLE, FROZEN]))
    for _ in range(draw(st.integers(0, 3))):
        if not base:
            break
        at = draw(st.integers(0, len(base) - 1))
        how = draw(st.sampled_from(["cut", "drop", "insert"]))
        if how == "cut":
            base = base[:at]
        elif how == "drop":
            base = base[:at] + base[at + 1 :]
        else:
            base = (
                base[:at]
                + draw(st.sampled_from([b"{", b"]", b",", b'"', b"\n", b"\xff", b"0"]))
                + base[at:]
            )
    return base


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    mangled() | st.binary(max_size=40),
    st.sampled_from(ac.known_dialects()),
    st.booleans(),
)  # fmt: skip
def test_never_a_traceback(cli: Any, data: bytes, target: str, allow: bool) -> None:
    args = ["-", "--to", target, "--map-stop-reason", "refusal=stop"]
    run = cli(*args, *(["--allow-loss"] if allow else []), stdin=data)
    assert run.code in (0, 1, 2)
    if run.code == 0:
        assert run.out
    else:
        assert run.out == b"" and run.err.strip()


# -- the installed console script ----------------------------------------------------------------


def test_console_script(tmp_path: Path) -> None:
    def script(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([SCRIPT, *args], input=stdin, capture_output=True, timeout=120)

    proc = script("-", "--to", "phi-core@0.10.0", stdin=EXAMPLE)
    assert (
        proc.returncode == 0
        and proc.stdout == ac.convert(ac.loads(EXAMPLE), "phi-core").text.encode()
    )
    proc = script("-", "--to", "phi-core@0.10.0", stdin=FROZEN)
    assert proc.returncode == 1 and b"refused" in proc.stderr and proc.stdout == b""
    proc = script("-", "--to", "phi-core@0.10.0", stdin=b"[")
    assert proc.returncode == 2 and b"Traceback" not in proc.stderr
    proc = subprocess.run(
        [sys.executable, "-m", "agent_conversation.cli.convert", "-", "--to", "yoagent@0.9"],
        input=EXAMPLE,
        capture_output=True,
        timeout=120,
    )
    assert proc.returncode == 0 and b'"cache_read"' in proc.stdout


def test_version_and_help_from_the_installed_script() -> None:
    """--version works without the required --to (it is no usage error), as for
    validate-conversation; --help exits 0, an unknown option 2 with one usage line."""
    version = subprocess.run([SCRIPT, "--version"], capture_output=True, timeout=60)
    assert (version.returncode, version.stdout, version.stderr) == (
        0,
        f"convert-conversation {ac.__version__}\n".encode(),
        b"",
    )
    assert subprocess.run([SCRIPT, "--help"], capture_output=True, timeout=60).returncode == 0
    bad = subprocess.run([SCRIPT, "--bogus"], capture_output=True, timeout=60)
    assert bad.returncode == 2 and bad.stdout == b""
    assert bad.stderr.decode().splitlines()[-1].startswith("convert-conversation: error: ")
