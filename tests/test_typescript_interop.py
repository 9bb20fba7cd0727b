"""The interop harness (the real crates) feeds its documents to the TypeScript package too.

The same generated documents as tests/test_interop.py (valid and mutated, every crate version)
and the session files: the TypeScript verdicts and bytes must equal the crates'. Skips with a
reason when cargo or node is missing, unless INTEROP_REQUIRED=1 (CI sets it).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from interop_harness import Harness, build, cargo
from test_interop import HARNESS_VERSION, agree, generated_documents, session_documents

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "typescript"


def _required(why: str) -> None:
    if os.environ.get("INTEROP_REQUIRED") == "1":
        pytest.fail(f"INTEROP_REQUIRED=1 but {why}")
    pytest.skip(why)


@pytest.fixture(scope="module")
def harness() -> Harness:
    if cargo() is None:
        _required("cargo is not installed: the interop harness cannot be built")
    try:
        return Harness(build())
    except subprocess.CalledProcessError as err:
        if os.environ.get("INTEROP_REQUIRED") == "1":
            raise
        pytest.skip(f"the interop harness did not build: {err}")


@pytest.fixture(scope="module")
def typescript() -> Path:
    npm = shutil.which("npm")
    if shutil.which("node") is None or npm is None:
        _required("node/npm are not installed: the TypeScript package cannot be run")
        raise AssertionError  # unreachable
    if not (PACKAGE / "node_modules").is_dir():
        ci = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"], cwd=PACKAGE, capture_output=True
        )
        assert ci.returncode == 0, ci.stderr.decode()[-3000:]
    done = subprocess.run([npm, "run", "build"], cwd=PACKAGE, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return PACKAGE / "test" / "answer.mjs"


def ts_answers(script: Path, requests: list[tuple[str, str, str]]) -> list[dict[str, Any]]:
    lines = "".join(
        json.dumps({"dialect": d, "doc": doc, "kind": k}) + "\n" for d, doc, k in requests
    )
    proc = subprocess.run(
        ["node", str(script)], input=lines, capture_output=True, text=True, cwd=PACKAGE
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    answers = [json.loads(line) for line in proc.stdout.split("\n") if line.strip()]
    assert len(answers) == len(requests)
    return answers


def test_typescript_agrees_with_every_crate_on_generated_documents(
    harness: Harness, typescript: Path
) -> None:
    dialects = list(HARNESS_VERSION.values()) + ["yoagent@0.13.0", "phi-core@0.15.2"]
    docs = generated_documents(4000)
    requests = [(d, doc, "conversation") for doc in docs for d in dialects]
    real = harness.run_many(requests)
    ours = ts_answers(typescript, requests)
    failures = [
        (dialect, doc[:300], answer, mine)
        for (dialect, doc, _), answer, mine in zip(requests, real, ours, strict=True)
        if not agree(answer, mine)
    ]
    accepted = sum(answer["ok"] for answer in real)
    assert not failures, f"{len(failures)}/{len(requests)} disagreements, e.g. {failures[:2]}"
    assert 0.2 * len(requests) < accepted < 0.95 * len(requests)


def test_typescript_sessions_match_the_crates(harness: Harness, typescript: Path) -> None:
    good, bad = session_documents('{"b":1,"a":2.5}')
    requests = [
        (dialect, doc, "session")
        for dialect in ("yoagent@0.12.0", "yoagent@0.18.0", "yoagent@0.26.6")
        for doc in [good, *bad]
    ]
    real = harness.run_many(requests)
    ours = ts_answers(typescript, requests)
    failures = [(r, a, m) for r, a, m in zip(requests, real, ours, strict=True) if not agree(a, m)]
    assert sum(a["ok"] for a in real) == 3
    assert not failures, failures[:2]
