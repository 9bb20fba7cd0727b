#!/usr/bin/env python3
"""Benchmark the codec against orjson on one large transcript, in one run.

Prints the ratios the codec issue targets:
  loads          / orjson.loads                    (target <= 1.5x)
  loads + dumps  / orjson.loads + orjson.dumps     (target <= 3x)

Usage: python scripts/bench_codec.py [--mb 100] [--dialect yoagent@0.13] [--repeat 3]
"""

from __future__ import annotations

import argparse
import gc
import random
import time

import agent_conversation as ac
import orjson

WORDS = (
    "the agent reads a file then runs the tests and fixes what failed before it answers "
    "with a summary of every change made to the repository and why"
).split()


def _text(rng: random.Random, n_words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n_words))


def make_transcript(target_bytes: int, seed: int = 7) -> ac.Conversation:
    """A realistic history: prompts, thinking, tool calls with arguments, long tool output."""
    rng = random.Random(seed)
    conv = ac.Conversation.new()
    ts = 1_700_000_000_000
    size = 0
    turn = 0
    while size < target_bytes:
        turn += 1
        ts += rng.randint(1, 5000)
        conv.add_user(_text(rng, rng.randint(5, 60)), timestamp=ts)
        call_id = f"call_{turn}"
        ts += rng.randint(1, 5000)
        conv.add_assistant(
            [
                {
                    "type": "thinking",
                    "thinking": _text(rng, rng.randint(20, 120)),
                    "signature": "sig",
                },
                {"type": "text", "text": _text(rng, rng.randint(10, 80))},
                {
                    "type": "toolCall",
                    "id": call_id,
                    "name": "bash",
                    "arguments": {"command": "ls -la src/", "timeout": 30, "cwd": "/work"},
                },
            ],
            model="claude-sonnet-4-20250514",
            provider="anthropic",
            stop_reason="toolUse",
            usage={
                "input": rng.randint(100, 9000),
                "output": rng.randint(10, 900),
                "totalTokens": 1,
            },
            timestamp=ts,
        )
        ts += rng.randint(1, 5000)
        output = "\n".join(_text(rng, 12) for _ in range(rng.randint(5, 60)))
        conv.add_tool_result(call_id, "bash", output, timestamp=ts)
        if turn % 10 == 0:
            conv.add_extension("status_update", {"status": "running", "turn": turn})
        size += 600 + len(output) * 1
    return conv


def _without_gc(fn, arg):
    gc.disable()
    try:
        return fn(arg)
    finally:
        gc.enable()


def best_of(repeat: int, fn) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mb", type=float, default=100.0)
    parser.add_argument("--dialect", default="yoagent@0.13")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    conv = make_transcript(int(args.mb * 1_000_000))
    data = ac.dumps(conv, args.dialect).encode()
    print(f"transcript: {len(data) / 1e6:.1f} MB, {len(conv)} messages, dialect {args.dialect}")

    t_orjson_loads = best_of(args.repeat, lambda: orjson.loads(data))
    t_orjson_nogc = best_of(args.repeat, lambda: _without_gc(orjson.loads, data))
    tree = orjson.loads(data)
    t_orjson_dumps = best_of(args.repeat, lambda: orjson.dumps(tree))
    t_loads = best_of(args.repeat, lambda: ac.loads(data, args.dialect))
    t_auto = best_of(args.repeat, lambda: ac.loads(data))
    loaded = ac.loads(data, args.dialect)
    t_dumps = best_of(args.repeat, lambda: ac.dumps(loaded, args.dialect))
    assert ac.dumps(loaded, args.dialect).encode() == data, "round trip changed the bytes"

    rows = [
        ("orjson.loads", t_orjson_loads, None),
        ("orjson.dumps", t_orjson_dumps, None),
        ("orjson.loads, gc paused", t_orjson_nogc, None),
        ("loads (dialect given)", t_loads, t_loads / t_orjson_loads),
        ("loads (auto)", t_auto, t_auto / t_orjson_loads),
        ("dumps", t_dumps, t_dumps / t_orjson_dumps),
        (
            "loads+dumps",
            t_loads + t_dumps,
            (t_loads + t_dumps) / (t_orjson_loads + t_orjson_dumps),
        ),
    ]
    for name, seconds, ratio in rows:
        extra = f"  ratio {ratio:.2f}x" if ratio is not None else ""
        print(f"{name:24s} {seconds * 1000:9.1f} ms{extra}")
    print(
        f"(loads pauses the cyclic GC while parsing; against orjson.loads with the GC paused "
        f"too, loads is {t_loads / t_orjson_nogc:.2f}x)"
    )
    print(
        "targets: loads <= 1.5x orjson.loads "
        f"({'met' if t_loads / t_orjson_loads <= 1.5 else 'MISSED'}); "
        "loads+dumps <= 3x orjson "
        f"({'met' if (t_loads + t_dumps) / (t_orjson_loads + t_orjson_dumps) <= 3 else 'MISSED'})"
    )


if __name__ == "__main__":
    main()
