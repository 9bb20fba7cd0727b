#!/usr/bin/env python3
"""Regenerate the conformance expectations in fixtures/conformance from the real crates.

Two files, one per serde_json release the crates are built with:

- ``messages.jsonl.gz`` (default, ``--serde-json 1.0.146``): every case re-run through
  tests/interop (serde_json pinned at 1.0.146, ryu floats) for each crate version stored in it.
- ``messages.serde_json-1.0.154.jsonl.gz`` (``--serde-json 1.0.154``): the documents of the
  first file plus generated float cases (family ``floats``: 17-digit literals serde_json reads
  one ulp off, magnitudes from 1e16 on written as zmij writes them, integers beyond u64, ...),
  run through the ``conversation`` bin of tests/interop-latest (serde_json 1.0.154, zmij) for
  every crate version that build has.

Without ``--check`` the file is rewritten atomically; with ``--check`` the script exits 1
listing every case where the stored expectation and the crates disagree.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "python"))

from agent_conversation.codec.numbers import format_f64  # noqa: E402
from interop_harness import Harness, build  # noqa: E402

FOLDER = ROOT / "fixtures" / "conformance"
CORPUS = FOLDER / "messages.jsonl.gz"
LATEST_CORPUS = FOLDER / "messages.serde_json-1.0.154.jsonl.gz"
FLOAT_CASES = 400
SEED = 154


def read_cases(path: Path) -> list[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def write_cases(path: Path, cases: list[dict[str, Any]]) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(fd)
    # mtime=0: the same cases give the same bytes (no spurious diffs in git)
    with (
        open(tmp, "wb") as raw,
        gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as handle,
    ):
        for case in cases:
            handle.write((json.dumps(case, ensure_ascii=False) + "\n").encode("utf-8"))
    os.chmod(tmp, 0o644)  # mkstemp makes it 0600
    os.replace(tmp, path)


# -- generated float cases -----------------------------------------------------------------------
def _float_literal(rng: random.Random) -> str:
    """A number literal as an agent's serde_json (zmij) writes it, or a hand-written oddity."""
    pick = rng.randrange(12)
    if pick < 5:  # 17-significant-digit fractions: about one in ten is read one ulp off
        return format_f64(rng.random() * rng.choice([1, 10, 1000, 1e-3]), True)
    if pick == 5:
        return format_f64(rng.uniform(-1e6, 1e6), True)
    if pick == 6:  # from 1e16 on: the layouts differ (zmij writes `e+`)
        return format_f64(rng.choice([1, -1]) * 10 ** rng.uniform(16, 300), True)
    if pick == 7:
        return format_f64(10 ** rng.uniform(-320, -5), True)
    if pick == 8:  # integers beyond u64/i64 become floats
        return str(rng.choice([1, -1]) * rng.randrange(2**64, 10**24))
    if pick == 9:  # not the shortest text: the value is kept, the text is not
        return f"{rng.random():.20f}"
    if pick == 10:
        return rng.choice(["-0.0", "0.0", "5e-324", "1.7976931348623157e+308", "1e+16", "100.0"])
    return str(rng.randrange(-(2**63), 2**64))


def _free_value(rng: random.Random, depth: int = 0) -> Any:
    """A free JSON value whose numbers are placeholders (``"\\u0000N"``) for literals."""
    if depth > 2 or rng.random() < 0.4:
        return "\u0000"
    if rng.random() < 0.5:
        return [_free_value(rng, depth + 1) for _ in range(rng.randint(1, 4))]
    return {f"k{rng.randrange(30)}": _free_value(rng, depth + 1) for _ in range(rng.randint(1, 4))}


def _with_literals(value: Any, rng: random.Random) -> str:
    text = json.dumps(value, separators=(",", ":"))
    parts = text.split('"\\u0000"')
    return "".join(part + (_float_literal(rng) if i < len(parts) - 1 else "") for i, part in
                   enumerate(parts))  # fmt: skip


def float_cases(
    base: list[dict[str, Any]], count: int = FLOAT_CASES, seed: int = SEED
) -> list[dict[str, Any]]:
    """Deterministic documents with float literals in free values (arguments, data)."""
    rng = random.Random(seed)
    templates = [
        case["doc"]
        for case in base
        if case["family"] == "valid" and '"arguments":{}' in case["doc"]
    ]
    cases = []
    for n in range(count):
        data = _with_literals(_free_value(rng), rng)
        extension = f'{{"role":"extension","kind":"metrics","data":{data}}}'
        if templates and rng.random() < 0.5:
            doc = rng.choice(templates)
            arguments = _with_literals(
                {f"a{i}": _free_value(rng, 1) for i in range(rng.randint(1, 3))}, rng
            )
            doc = doc.replace('"arguments":{}', f'"arguments":{arguments}', 1)
            doc = doc.rstrip()[:-1] + "," + extension + "]"
        else:
            doc = f"[{extension}]"
        cases.append({"id": f"f1-{n}", "family": "floats", "doc": doc, "expect": {}})
    return cases


# -- running --------------------------------------------------------------------------------------
def run(harness: Harness, cases: list[dict[str, Any]]) -> list[tuple[str, str, Any, Any]]:
    """Re-run every case for every crate version in its ``expect``; return the differences and
    store the crates' answers in the cases."""
    requests = [(d, case["doc"], "conversation") for case in cases for d in case["expect"]]
    answers = iter(harness.run_many(requests))
    differences = []
    for case in cases:
        for version in case["expect"]:
            answer = next(answers)
            if answer != case["expect"][version]:
                differences.append((case["id"], version, case["expect"][version], answer))
            case["expect"][version] = answer
    return differences


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    parser.add_argument(
        "--serde-json",
        choices=("1.0.146", "1.0.154"),
        default="1.0.146",
        help="which file: the pinned ryu build (default) or the newest serde_json build",
    )
    args = parser.parse_args()
    latest = args.serde_json == "1.0.154"
    path = LATEST_CORPUS if latest else CORPUS
    harness = Harness(build(latest=latest))
    if latest and not args.check:
        versions, layout = harness.versions()
        assert layout == "1e+16", f"the newest build writes 1e16 as {layout}: not zmij"
        cases = [{**case, "expect": {}} for case in read_cases(CORPUS)] + float_cases(
            read_cases(CORPUS)
        )
        for case in cases:
            case["expect"] = {version: None for version in versions}
    else:
        cases = read_cases(path)
    differences = run(harness, cases)
    if args.check:
        for cid, version, stored, real in differences[:20]:
            print(f"{cid} {version}: stored {str(stored)[:120]} / crate {str(real)[:120]}")
        total = sum(len(case["expect"]) for case in cases)
        print(f"{total} outcomes, {len(differences)} differ from the stored expectations")
        return 1 if differences else 0
    write_cases(path, cases)
    changed = 0 if latest else len(differences)
    print(f"rewrote {path.relative_to(ROOT)}: {len(cases)} cases, {changed} outcomes changed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
