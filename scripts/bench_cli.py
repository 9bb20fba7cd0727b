#!/usr/bin/env python3
"""Benchmark validate-conversation as a whole process, against orjson baselines, in one run.

Everything is generated in a temporary directory and measured in the same run:

  1. one ~100 MB transcript: wall time of `validate-conversation -q big.json` divided by that of
     `python -c "import orjson; orjson.loads(open(f,'rb').read())"`        (target <= 1.5x)
     and the ratio of their peak memory (max RSS)                         (target <= 1.5x)
  2. 1,000 files of ~2 KB in one invocation: wall time                     (target < 0.3 s)
     next to a plain in-process orjson loop over the same files (and the same loop in a
     fresh interpreter, which pays the start-up the command pays)
  3. one small file: the command's wall time                               (target well < 0.19 s)
     next to a bare `python -c pass`
  4. (for scale) the same history as a ~100 MB yoagent session file (JSONL)

Usage: scripts/bench_cli.py [--mb 100] [--repeat 3]
Not a test: timings depend on the machine. Prints the ratios; exits 0.
"""

from __future__ import annotations

import argparse
import glob
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import agent_conversation as ac
import orjson

BIN = Path(sys.executable).parent
VALIDATE = str(BIN / "validate-conversation")


def timed(cmd: list[str]) -> tuple[float, int, int]:
    """Wall seconds, peak RSS (KiB) and exit code of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"{' '.join(cmd[:3])}... failed with exit code {code}: {err}")
    return elapsed, usage.ru_maxrss, code


def best(cmd: list[str], repeat: int) -> tuple[float, int, int]:
    runs = [timed(cmd) for _ in range(repeat)]
    return min(r[0] for r in runs), max(r[1] for r in runs), runs[-1][2]


WORDS = (
    "the agent reads files runs tests and reports what it found while the user waits for a "
    "result that compiles cleanly after refactoring a module into smaller functions with "
    'clearer names and some "quoted" text or a path like C:\\work\\src'
).split(" ")
ACCENTS = "naïve café — ✓ 🚀 日本語"


def _text(i: int, n: int) -> str:
    text = " ".join(WORDS[(i * 7 + k) % len(WORDS)] for k in range(n))
    return f"{text} {ACCENTS}" if i % 10 == 0 else text  # some messages are not ASCII


def _output(i: int) -> str:
    """Tool output: lines of a listing or a file, a few hundred bytes to a few KB."""
    return "\n".join(f"{k:4d}\t{_text(i + k, 6 + (i + k) % 9)}" for k in range(5 + i % 50))


def transcript(target_bytes: int) -> ac.Conversation:
    """A realistic history: prompts, thinking, tool calls with arguments, tool output."""
    conv = ac.Conversation.new()
    ts = 1_700_000_000_000
    turn = 0
    size = 0
    while size < target_bytes:
        turn += 1
        ts += 1000
        conv.add_user(_text(turn, 20 + turn % 40), timestamp=ts)
        call = f"call_{turn}"
        conv.add_assistant(
            [
                {"type": "thinking", "thinking": _text(turn, 40 + turn % 80), "signature": "sig"},
                {"type": "text", "text": _text(turn + 1, 10 + turn % 70)},
                {
                    "type": "toolCall",
                    "id": call,
                    "name": "bash",
                    "arguments": {"command": "ls -la src/", "timeout": 30, "cwd": "/work"},
                },
            ],
            model="claude-sonnet-4-20250514",
            provider="anthropic",
            timestamp=ts + 500,
            usage={"input": 1000 + turn, "output": 200, "cacheRead": 50},
            stop_reason="toolUse",
        )
        output = _output(turn)
        conv.add_tool_result(call, "bash", output, timestamp=ts + 900)
        if turn % 10 == 0:
            conv.add_extension("status_update", {"status": "running", "turn": turn})
        size += 1200 + len(output)
    return conv


def sized_transcript(mb: float) -> str:
    """The yoagent@0.22 text of a transcript of about ``mb`` megabytes."""
    probe = ac.dumps(transcript(1_000_000), "yoagent@0.22")
    scale = 1_000_000 / len(probe.encode("utf-8"))
    return ac.dumps(transcript(int(mb * 1_000_000 * scale)), "yoagent@0.22")


def small_conversation() -> str:
    """One ~2 KB saved conversation: a question, a tool call, its result, an answer."""
    conv = ac.Conversation.new()
    conv.add_user("What is in the current directory? Please list it and summarise.", timestamp=1)
    conv.add_assistant(
        [
            {"type": "text", "text": "Let me look at the directory listing first. " * 4},
            {"type": "toolCall", "id": "c1", "name": "bash", "arguments": {"command": "ls -la"}},
        ],
        model="claude-sonnet-4-20250514",
        provider="anthropic",
        timestamp=2,
        usage={"input": 120, "output": 40},
        stop_reason="toolUse",
    )
    listing = "\n".join(
        f"-rw-r--r-- 1 user user {i * 37:6d} Nov 24 05:35 file{i}.py" for i in range(14)
    )
    conv.add_tool_result("c1", "bash", listing, timestamp=3)
    conv.add_assistant(
        "There are fourteen Python files; the largest is file13.py. " * 3,
        model="claude-sonnet-4-20250514",
        provider="anthropic",
        timestamp=4,
        usage={"input": 900, "output": 60},
    )
    return ac.dumps(conv, "yoagent@0.22")


def session_text(conv_text: str) -> str:
    from agent_conversation.sessions import Session, SessionEntry, dumps_session

    conv = ac.loads(conv_text, "yoagent@0.22")
    entries = [
        SessionEntry(f"e{i + 1}", f"e{i}" if i else None, record, 1_700_000_000_000 + i)
        for i, record in enumerate(conv.records)
    ]
    return dumps_session(Session("yoagent@0.22", entries))


def generate(directory: Path, mb: float, files: int) -> None:
    """Write the inputs: big.json, big.jsonl (the same history as a session), many/*.json."""
    text = sized_transcript(mb)
    (directory / "big.json").write_text(text, encoding="utf-8")
    (directory / "big.jsonl").write_text(session_text(text), encoding="utf-8")
    many = directory / "many"
    many.mkdir()
    small = small_conversation()
    for i in range(files):
        (many / f"c{i:04d}.json").write_text(small, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mb", type=float, default=100.0, help="size of the big transcript")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (best)")
    parser.add_argument("--files", type=int, default=1000, help="number of small files")
    parser.add_argument("--generate-into", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate_into:
        generate(args.generate_into, args.mb, args.files)
        return
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f}; best of {args.repeat} runs"
    )

    with tempfile.TemporaryDirectory() as tmp:
        # The inputs are made by a child process: a child's peak RSS (ru_maxrss) starts from
        # its parent's at fork, so this process must stay small while it measures.
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--generate-into",
                tmp,
                "--mb",
                str(args.mb),
                "--files",
                str(args.files),
            ],
            check=True,
        )
        # 1. one big transcript -----------------------------------------------------------------
        big = Path(tmp) / "big.json"
        size = big.stat().st_size / 1e6
        base = [
            sys.executable,
            "-c",
            f"import orjson; orjson.loads(open({str(big)!r},'rb').read())",
        ]
        t_base, m_base, _ = best(base, args.repeat)
        t_cli, m_cli, code = best([VALIDATE, "-q", str(big)], args.repeat)
        assert code == 0, "the benchmark transcript must be valid"
        print(
            f"{size:.0f} MB transcript: validate-conversation {t_cli:.2f} s, orjson baseline "
            f"{t_base:.2f} s -> {t_cli / t_base:.2f}x (target <= 1.5x)"
        )
        print(
            f"  peak memory {m_cli / 1024:.0f} MiB vs {m_base / 1024:.0f} MiB "
            f"-> {m_cli / m_base:.2f}x (target <= 1.5x)"
        )

        # 2. many small files -------------------------------------------------------------------
        many = Path(tmp) / "many"
        files = sorted(glob.glob(str(many / "*.json")))
        small_size = os.path.getsize(files[0])
        t_many, _, code = best([VALIDATE, "-q", str(many)], args.repeat)
        assert code == 0
        loops = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            for name in files:
                with open(name, "rb") as handle:
                    orjson.loads(handle.read())
            loops.append(time.perf_counter() - start)
        t_loop = min(loops)
        fresh = (
            "import orjson, glob\n"
            f"for f in sorted(glob.glob({str(many)!r} + '/*.json')):\n"
            "    orjson.loads(open(f, 'rb').read())\n"
        )
        t_fresh, _, _ = best([sys.executable, "-c", fresh], args.repeat)
        print(
            f"{len(files):,} files of {small_size / 1000:.1f} KB in one invocation: "
            f"{t_many:.3f} s (target < 0.3 s); in-process orjson loop {t_loop:.3f} s, "
            f"the same loop in a fresh python {t_fresh:.3f} s -> {t_many / t_fresh:.2f}x of that"
        )

        # 3. one small file ---------------------------------------------------------------------
        t_one, _, _ = best([VALIDATE, "-q", files[0]], args.repeat * 3)
        t_py, _, _ = best([sys.executable, "-c", "pass"], args.repeat * 3)
        t_orjson, _, _ = best([sys.executable, "-c", "import orjson"], args.repeat * 3)
        print(
            f"one small file: {t_one:.3f} s (target well under 0.19 s); bare python "
            f"{t_py:.3f} s, python + import orjson {t_orjson:.3f} s"
        )

        # 4. the same history as a session file -------------------------------------------------
        session = Path(tmp) / "big.jsonl"
        base = [
            sys.executable,
            "-c",
            f"import orjson\nfor line in open({str(session)!r}, 'rb'): orjson.loads(line)",
        ]
        t_sbase, m_sbase, _ = best(base, args.repeat)
        t_sess, m_sess, code = best([VALIDATE, "-q", str(session)], args.repeat)
        assert code == 0
        print(
            f"{session.stat().st_size / 1e6:.0f} MB session file (JSONL), for scale: "
            f"{t_sess:.2f} s "
            f"vs orjson line by line {t_sbase:.2f} s -> {t_sess / t_sbase:.2f}x; "
            f"peak memory {m_sess / 1024:.0f} MiB vs {m_sbase / 1024:.0f} MiB"
        )


if __name__ == "__main__":
    main()
