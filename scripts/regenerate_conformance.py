#!/usr/bin/env python3
"""Regenerate the conformance expectations in fixtures/ from the real crates.

Re-runs every case of fixtures/conformance/messages.jsonl.gz through the interop harness for each
dialect stored in the file. Without ``--check`` it rewrites the file atomically; with ``--check``
it exits 1 listing every case where the stored expectation and the crates disagree.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from interop_harness import Harness, build  # noqa: E402

CORPUS = ROOT / "fixtures" / "conformance" / "messages.jsonl.gz"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    with gzip.open(CORPUS, "rt", encoding="utf-8") as handle:
        cases = [json.loads(line) for line in handle]
    harness = Harness(build())
    requests = [(d, case["doc"], "conversation") for case in cases for d in case["expect"]]
    answers = iter(harness.run_many(requests))
    differences = []
    for case in cases:
        for dialect in case["expect"]:
            answer = next(answers)
            if answer != case["expect"][dialect]:
                differences.append((case["id"], dialect, case["expect"][dialect], answer))
            case["expect"][dialect] = answer
    if args.check:
        for cid, dialect, stored, real in differences[:20]:
            print(f"{cid} {dialect}: stored {str(stored)[:120]} / crate {str(real)[:120]}")
        print(f"{len(requests)} outcomes, {len(differences)} differ from the stored expectations")
        return 1 if differences else 0
    fd, tmp = tempfile.mkstemp(dir=CORPUS.parent, suffix=".tmp")
    os.close(fd)
    with gzip.open(tmp, "wt", encoding="utf-8") as handle:
        for case in cases:
            handle.write(json.dumps(case, ensure_ascii=False) + "\n")
    os.replace(tmp, CORPUS)
    print(f"rewrote {CORPUS.relative_to(ROOT)}: {len(differences)} outcomes changed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
