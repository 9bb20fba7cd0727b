#!/usr/bin/env python3
"""The benchmark: validate-conversation, dumps and convert-conversation against the orjson floor.

For every family of input and every size, the inputs are made (deterministically) by a child
process, so this process stays small and each measured process's peak memory (max RSS) is its
own. Each command is a whole process, timed against the orjson floor measured in the same run:

  family        what the file is                                  floor
  yoagent       yoagent 0.18 as the crate writes it, floats in    orjson.loads(file)
                tool arguments
  pretty        the same, pretty-printed with a 2-space indent    orjson.loads(file)
  phi-core      phi-core 0.10 as the crate writes it              orjson.loads(file)
  python        written by Python's json.dumps (insertion order   orjson.loads(file)
                in tool arguments, some 17-digit floats)
  invalid       yoagent plus one invalid message at the end       orjson.loads(file)
  many          1,000 files of 4 KB in one invocation             an orjson loop over them
  session       a yoagent session (JSONL)                         orjson.loads of every line,
                                                                  the values kept
  phi-session   a phi-core session document (pretty-printed)      orjson.loads(file)
  dumps         ac.dump of a loaded yoagent conversation (bytes,  orjson.dumps(tree) + write
                atomic: temporary file, fsync, rename)
  convert       convert-conversation yoagent -> phi-core          orjson loads + dumps + write

Prints one row per family and size: the ratio of wall time to the floor and of peak memory,
each the median over --repeat paired runs (ours, then the floor, back to back, so that a
change in the machine's load hits both; the median, not the best, so one lucky run does not
decide). Targets (issue 11): valid families <= 1.5x time, <= 1.3x
memory; invalid <= 2x; many <= 1.5x; dumps/convert <= 2x.

Usage: scripts/bench.py [--quick] [--sizes 1,10,100] [--repeat 5] [--only yoagent,...]
Not a test: timings depend on the machine and its load. Exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

BIN = Path(sys.executable).parent
VALIDATE = str(BIN / "validate-conversation")
PHI_SESSION = (
    Path(__file__).resolve().parent.parent / "fixtures/real/phi-core-0.15.2/extension/session.json"
)
CONVERT = str(BIN / "convert-conversation")
FAMILIES = (
    "yoagent",
    "pretty",
    "phi-core",
    "python",
    "invalid",
    "many",
    "session",
    "phi-session",
    "dumps",
    "convert",
)

# -- inputs (made in a child process) -------------------------------------------------------------
WORDS = (
    "the agent reads files runs tests and reports what it found while the user waits for a "
    "result that compiles cleanly after refactoring a module into smaller functions with "
    'clearer names and some "quoted" text or a path like C:\\work\\src'
).split(" ")
ACCENTS = "naïve café — ✓ 🚀 日本語"


def _text(i: int, n: int) -> str:
    text = " ".join(WORDS[(i * 7 + k) % len(WORDS)] for k in range(n))
    return f"{text} {ACCENTS}" if i % 10 == 0 else text


def _output(i: int) -> str:
    return "\n".join(f"{k:4d}\t{_text(i + k, 6 + (i + k) % 9)}" for k in range(5 + i % 50))


def transcript(target_bytes: int, python_floats: bool = False, first_turn: int = 0) -> object:
    """A realistic history: prompts, thinking, tool calls with arguments (a float among them),
    tool output, now and then an extension record. ``python_floats``: arguments in Python's
    insertion order (not sorted) and now and then a 17-digit float. ``first_turn`` shifts the
    texts, so that histories made with different ones differ."""
    import agent_conversation as ac

    rng = random.Random(7)
    conv = ac.Conversation.new()
    ts = 1_700_000_000_000
    turn, size = first_turn, 0
    while size < target_bytes:
        turn += 1
        ts += 1000
        conv.add_user(_text(turn, 20 + turn % 40), timestamp=ts)
        call = f"call_{turn}"
        arguments: dict[str, object] = {"command": "ls -la src/", "timeout": 30, "cwd": "/work"}
        arguments["temperature"] = 0.5 if turn % 2 else 0.25
        if python_floats and turn % 20 == 0:
            arguments["score"] = rng.random()  # 16-17 significant digits
        if not python_floats:
            arguments = dict(sorted(arguments.items()))
        conv.add_assistant(
            [
                {"type": "thinking", "thinking": _text(turn, 40 + turn % 80), "signature": "sig"},
                {"type": "text", "text": _text(turn + 1, 10 + turn % 70)},
                {"type": "toolCall", "id": call, "name": "bash", "arguments": arguments},
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
        size += 1350 + len(output)
    return conv


def make(family: str, mb: float, out: Path) -> None:
    """Write the input(s) of one family at about ``mb`` megabytes under ``out``."""
    import agent_conversation as ac

    target = int(mb * 1_000_000)
    if family == "many":
        folder = out / "many"
        folder.mkdir()
        for i in range(1000):  # each file its own texts and numbers: nothing to memoize
            small = ac.dumps(transcript(2_600, first_turn=i), "yoagent@0.18").encode()
            (folder / f"c{i:04d}.json").write_bytes(small)
        return
    conv = transcript(target, python_floats=family == "python")
    if family in ("yoagent", "dumps", "convert"):
        data = ac.dumps(conv, "yoagent@0.18").encode()
    elif family == "pretty":
        tree = json.loads(ac.dumps(conv, "yoagent@0.18"))
        data = json.dumps(tree, indent=2, ensure_ascii=False).encode()
    elif family == "phi-core":
        data = ac.dumps(conv, "phi-core@0.10").encode()
    elif family == "python":
        data = json.dumps(conv.records, ensure_ascii=False, separators=(",", ":")).encode()
    elif family == "invalid":
        bad = b'{"role":"user","content":[{"type":"text","text":"hi"}],"timestamp":-1}'
        data = ac.dumps(conv, "yoagent@0.18").encode()[:-1] + b"," + bad + b"]"
    elif family == "session":
        from agent_conversation.dialects import resolve
        from agent_conversation.sessions import Session, SessionEntry, dumps_session

        entries = [
            SessionEntry(f"e{i + 1}", f"e{i}" if i else None, rec, 1_700_000_000_000 + i)
            for i, rec in enumerate(conv.records)
        ]
        data = dumps_session(Session(resolve("yoagent@0.18"), entries)).encode()
    elif family == "phi-session":
        messages = json.loads(ac.dumps(conv, "phi-core@0.10"))
        # the session around the messages as phi-core 0.15.2 saved it (fixtures/real)
        doc = json.loads(PHI_SESSION.read_text(encoding="utf-8"))
        template = doc["loops"][0]
        # four loops, each a run of whole turns (a loop starts at a user message: no tool call
        # is answered in another loop, as in a real session)
        starts = [i for i, m in enumerate(messages) if m.get("role") == "user"]
        cuts = [0, *(starts[len(starts) * k // 4] for k in (1, 2, 3)), len(messages)]
        doc["loops"] = [
            {**template, "loop_id": f"loop-{k}", "messages": messages[cuts[k] : cuts[k + 1]]}
            for k in range(4)
        ]
        data = json.dumps(doc, indent=2, ensure_ascii=False).encode()
    else:
        raise SystemExit(f"unknown family {family}")
    suffix = ".jsonl" if family == "session" else ".json"
    (out / f"{family}{suffix}").write_bytes(data)


# -- measuring ---------------------------------------------------------------------------------
def run(cmd: list[str]) -> tuple[float, int, int]:
    """Wall seconds, peak RSS (KiB) and exit code of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"{' '.join(cmd[:4])} failed with exit code {code}: {err[-2000:]}")
    if proc.stderr:
        proc.stderr.close()
    return elapsed, usage.ru_maxrss, code


def paired(
    ours: list[str], floor: list[str], repeat: int
) -> tuple[float, float, float, float, int]:
    """Medians over ``repeat`` paired runs: (time ratio, memory ratio, our seconds, the floor's
    seconds, our last exit code)."""
    pairs = []
    for _ in range(repeat):
        t_ours, m_ours, code = run(ours)
        t_floor, m_floor, _ = run(floor)
        pairs.append((t_ours, t_floor, m_ours, m_floor))
    median = statistics.median
    return (
        median(p[0] / p[1] for p in pairs),
        median(p[2] / p[3] for p in pairs),
        median(p[0] for p in pairs),
        median(p[1] for p in pairs),
        code,
    )


FLOOR_LOAD = "import orjson, sys\norjson.loads(open(sys.argv[1], 'rb').read())"
# the values kept, as orjson.loads(file) keeps the tree (a loop that drops each line's value at
# once measures no tree: about 3.5x less time, and constant memory)
FLOOR_LINES = (
    "import orjson, sys\nvalues = [orjson.loads(line) for line in open(sys.argv[1], 'rb')]"
)
FLOOR_MANY = (
    "import orjson, sys, os\n"
    "for name in sorted(os.listdir(sys.argv[1])):\n"
    "    orjson.loads(open(os.path.join(sys.argv[1], name), 'rb').read())"
)
FLOOR_CONVERT = (
    "import orjson, sys\n"
    "tree = orjson.loads(open(sys.argv[1], 'rb').read())\n"
    "open(sys.argv[2], 'wb').write(orjson.dumps(tree))"
)
# dumps: load once (not timed), then time writing the file both ways, in one process, paired;
# prints the median ratio and the median times.
DUMPS = (
    "import statistics, sys, time, orjson, agent_conversation as ac\n"
    "data = open(sys.argv[1], 'rb').read()\n"
    "conv = ac.loads(data, 'yoagent@0.18'); tree = orjson.loads(data)\n"
    "def floor():\n"
    "    open(sys.argv[2], 'wb').write(orjson.dumps(tree))\n"
    "def ours():\n"
    "    ac.dump(conv, sys.argv[2])\n"
    "def timed(f):\n"
    "    s = time.perf_counter(); f(); return time.perf_counter() - s\n"
    "pairs = [(timed(ours), timed(floor)) for _ in range(int(sys.argv[3]))]\n"
    "m = statistics.median\n"
    "print(m(a / b for a, b in pairs), m(a for a, _ in pairs), m(b for _, b in pairs))\n"
)


def measure(family: str, folder: Path, repeat: int) -> tuple[float, float | None, str]:
    """(time ratio, memory ratio or None, remark) for one family whose input is in folder."""
    py = sys.executable
    if family == "many":
        many = str(folder / "many")
        t, m, ours, floor, code = paired(
            [VALIDATE, "-q", many], [py, "-c", FLOOR_MANY, many], repeat
        )
        return t, m, f"{ours:.2f} s vs {floor:.2f} s" + ("" if code == 0 else f", EXIT {code}")
    if family == "dumps":
        out = folder / "out.json"
        proc = subprocess.run(
            [py, "-c", DUMPS, str(folder / "dumps.json"), str(out), str(repeat)],
            capture_output=True,
            text=True,
            check=True,
        )
        ratio, ours, floor = (float(x) for x in proc.stdout.split())
        out.unlink()
        return ratio, None, f"{ours:.2f} s vs {floor:.2f} s in process"
    if family == "convert":
        src, out = str(folder / "convert.json"), str(folder / "out.json")
        t, m, ours, floor, code = paired(
            [CONVERT, "-q", src, "--to", "phi-core@0.10", "-o", out],
            [py, "-c", FLOOR_CONVERT, src, out],
            repeat,
        )
        os.unlink(out)
        return t, m, f"{ours:.2f} s vs {floor:.2f} s" + ("" if code == 0 else f", EXIT {code}")
    name = folder / (f"{family}.jsonl" if family == "session" else f"{family}.json")
    floor = FLOOR_LINES if family == "session" else FLOOR_LOAD
    t, m, ours, floor_s, code = paired(
        [VALIDATE, "-q", str(name)], [py, "-c", floor, str(name)], repeat
    )
    expected = 1 if family == "invalid" else 0
    remark = f"{ours:.2f} s vs {floor_s:.2f} s" + ("" if code == expected else f", EXIT {code}")
    return t, m, remark


def _compile_package() -> None:
    """Byte-compile the package first, as installing it does: with PYTHONDONTWRITEBYTECODE set
    (as in some containers) an editable install would otherwise compile every module it
    imports in every measured process (about 0.1 s each, which the orjson floor never pays)."""
    import importlib.util

    spec = importlib.util.find_spec("agent_conversation")
    if spec is not None and spec.submodule_search_locations:
        folder = list(spec.submodule_search_locations)[0]
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        subprocess.run([sys.executable, "-m", "compileall", "-q", folder], check=True, env=env)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="10 MB only, one pair of runs each")
    parser.add_argument("--sizes", default="1,10,100", help="sizes in MB (comma-separated)")
    parser.add_argument(
        "--repeat", type=int, default=5, help="paired runs per measurement (median)"
    )
    parser.add_argument("--only", help="families to run (comma-separated)")
    parser.add_argument("--make", nargs=3, metavar=("FAMILY", "MB", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make:
        family, mb, out = args.make
        make(family, float(mb), Path(out))
        return
    _compile_package()
    sizes = [10.0] if args.quick else [float(s) for s in args.sizes.split(",")]
    repeat = 1 if args.quick and args.repeat == 5 else args.repeat
    families = args.only.split(",") if args.only else list(FAMILIES)
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    print(
        f"{now}; {platform.machine()} {os.cpu_count()} CPUs, {platform.system()}; "
        f"python {platform.python_version()}; load average {os.getloadavg()[0]:.1f}; "
        f"median of {repeat} paired runs"
    )
    print(f"{'family':<12} {'size':>6} {'time':>7} {'memory':>7}  remark")
    for mb in sizes:
        for family in families:
            with tempfile.TemporaryDirectory() as tmp:
                subprocess.run(
                    [sys.executable, __file__, "--make", family, str(mb), tmp], check=True
                )
                t_ratio, m_ratio, remark = measure(family, Path(tmp), repeat)
            size = "1000x4KB" if family == "many" else f"{mb:g} MB"
            memory = f"{m_ratio:6.2f}x" if m_ratio is not None else "      -"
            print(f"{family:<12} {size:>6} {t_ratio:6.2f}x {memory}  {remark}", flush=True)


if __name__ == "__main__":
    main()
