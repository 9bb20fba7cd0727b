#!/usr/bin/env python3
"""Benchmark validate-conversation as a whole process, against orjson baselines in one run.

Prints:
  100 MB transcript: process wall time / `python -c "import orjson; orjson.loads(...)"`  (<= 1.5x)
                     peak memory / the same baseline's peak memory                      (<= 1.5x)
  1,000 files of ~2 KB in one invocation: wall time (target < 0.3 s), and an in-process
                     orjson loop over the same files for scale
  one small file: start-up time of the command
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import agent_conversation as ac  # noqa: E402
from bench_codec import make_transcript  # noqa: E402

BIN = Path(sys.executable).parent


def timed(cmd: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{cmd[0]} failed with {status}")
    return elapsed, usage.ru_maxrss


def best(cmd: list[str], repeat: int) -> tuple[float, int]:
    runs = [timed(cmd) for _ in range(repeat)]
    return min(r[0] for r in runs), max(r[1] for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mb", type=float, default=100.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    validate = str(BIN / "validate-conversation")
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "big.json"
        big.write_text(
            ac.dumps(make_transcript(int(args.mb * 1e6)), "yoagent@0.22"), encoding="utf-8"
        )
        size = big.stat().st_size / 1e6
        base = [
            sys.executable,
            "-c",
            f"import orjson; orjson.loads(open({str(big)!r},'rb').read())",
        ]
        t_base, m_base = best(base, args.repeat)
        t_cli, m_cli = best([validate, "-q", str(big)], args.repeat)
        print(
            f"{size:.0f} MB transcript: validate-conversation {t_cli:.2f} s "
            f"vs orjson {t_base:.2f} s "
            f"-> {t_cli / t_base:.2f}x (target <= 1.5x)"
        )
        print(
            f"  peak memory {m_cli / 1024:.0f} MiB vs {m_base / 1024:.0f} MiB "
            f"-> {m_cli / m_base:.2f}x (target <= 1.5x)"
        )

        small_dir = Path(tmp) / "many"
        small_dir.mkdir()
        conv = ac.Conversation.new()
        conv.add_user("what is in the current directory? " * 8, timestamp=1)
        conv.add_assistant(
            "Let me look. " * 40,
            model="m",
            provider="p",
            timestamp=2,
            usage={"input": 10, "output": 20},
        )
        conv.add_extension("status_update", {"status": "running"})
        text = ac.dumps(conv, "yoagent@0.22")
        for i in range(1000):
            (small_dir / f"c{i:04d}.json").write_text(text, encoding="utf-8")
        t_many, _ = best([validate, "-q", str(small_dir)], args.repeat)
        loop = (
            "import orjson,glob\n"
            f"for f in glob.glob({str(small_dir)!r}+'/*.json'): orjson.loads(open(f,'rb').read())"
        )
        t_loop, _ = best([sys.executable, "-c", loop], args.repeat)
        print(
            f"1,000 files of {len(text) / 1000:.1f} KB: {t_many:.3f} s in one invocation "
            f"(target < 0.3 s); an orjson loop in a fresh python takes {t_loop:.3f} s "
            f"-> {t_many / t_loop:.2f}x"
        )
        one = small_dir / "c0000.json"
        t_one, _ = best([validate, "-q", str(one)], args.repeat * 2)
        t_py, _ = best([sys.executable, "-c", "pass"], args.repeat * 2)
        print(
            f"one small file: {t_one:.3f} s (bare python start-up {t_py:.3f} s; "
            "check-jsonschema takes 0.19 s)"
        )


if __name__ == "__main__":
    main()
