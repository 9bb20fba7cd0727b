"""Run the fuzz targets at length.

    python -m tests.fuzz --calls 1000000            # every target in turn, built-in mutator
    python -m tests.fuzz --calls 200000 --target loads --seed 7
    python -m tests.fuzz --engine atheris --target cli_validate -- -max_total_time=600

Findings (any exception other than ConversationError, or a CLI run with a bad exit code or an
internal error) are printed once per distinct cause and their inputs saved under ``--crashes``
(default: ``.fuzz-crashes/``). Exit code 1 when there was a finding.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import sys
import time
import traceback
from pathlib import Path

from .corpus import seeds
from .mutate import mutate
from .targets import TARGETS


def run_builtin(names: list[str], calls: int, seed: int, crashes: Path, report_every: float) -> int:
    rng = random.Random(seed)
    corpus = seeds()
    findings: dict[str, int] = {}
    counts = dict.fromkeys(names, 0)
    started = last = time.monotonic()
    for i in range(calls):
        name = names[i % len(names)]
        data = corpus[rng.randrange(len(corpus))]
        if rng.random() < 0.9:
            data = mutate(data, rng, corpus)
        counts[name] += 1
        try:
            TARGETS[name](data)
        except Exception as err:  # noqa: BLE001 - every other exception is a finding
            frame = traceback.extract_tb(err.__traceback__)[-1]
            cause = f"{name}: {type(err).__name__} at {frame.filename}:{frame.lineno}"
            findings[cause] = findings.get(cause, 0) + 1
            if findings[cause] == 1:
                crashes.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha1(data).hexdigest()[:12]
                (crashes / f"{name}-{digest}.bin").write_bytes(data)
                print(f"FINDING {cause}: {err!s:.300} (input {name}-{digest}.bin)", flush=True)
        now = time.monotonic()
        if now - last >= report_every:
            last = now
            print(f"{i + 1} calls, {now - started:.0f} s, {len(findings)} findings", flush=True)
    elapsed = time.monotonic() - started
    print(
        f"done: {calls} calls in {elapsed:.0f} s ({calls / max(elapsed, 1e-9):.0f}/s); "
        f"per target: {counts}; findings: {sum(findings.values())} "
        f"({len(findings)} distinct)",
        flush=True,
    )
    for cause, n in sorted(findings.items()):
        print(f"  {n:8d}  {cause}")
    return 1 if findings else 0


def run_atheris(names: list[str], extra: list[str], crashes: Path) -> int:  # pragma: no cover
    import atheris

    corpus_dir = crashes / "atheris-corpus"
    corpus_dir.mkdir(parents=True, exist_ok=True)
    for data in seeds():
        (corpus_dir / hashlib.sha1(data).hexdigest()[:16]).write_bytes(data)

    def one_input(data: bytes) -> None:
        TARGETS[names[(data[0] if data else 0) % len(names)]](data)

    atheris.instrument_all()  # coverage feedback from every module loaded so far (the package)
    atheris.Setup([sys.argv[0], *extra, str(corpus_dir)], one_input)
    atheris.Fuzz()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.fuzz",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--target", action="append", choices=sorted(TARGETS))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--engine", choices=("builtin", "atheris"), default="builtin")
    parser.add_argument("--crashes", type=Path, default=Path(".fuzz-crashes"))
    parser.add_argument("--report-every", type=float, default=60.0, metavar="SECONDS")
    parser.add_argument("extra", nargs="*", help="after --: libFuzzer flags (atheris engine)")
    args = parser.parse_args(argv)
    names = args.target or list(TARGETS)
    os.environ.setdefault("NO_COLOR", "1")
    if args.engine == "atheris":
        return run_atheris(names, args.extra, args.crashes)
    return run_builtin(names, args.calls, args.seed, args.crashes, args.report_every)


if __name__ == "__main__":
    sys.exit(main())
