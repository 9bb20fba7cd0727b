"""The TypeScript package (typescript/): `npm ci` then `npm test` (node's built-in test runner).

Its tests cover the fixtures, the conformance corpus, generated types and tables (--check), the
literal scan, the packed tarball, and property tests against this Python package (the node tests
call back into ``sys.executable``). Skips with a reason when node/npm are missing, unless
INTEROP_REQUIRED=1 (CI sets it), then it fails.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "typescript"


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        if os.environ.get("INTEROP_REQUIRED") == "1":
            pytest.fail(f"INTEROP_REQUIRED=1 but {name} is not installed (Node >= 20 is needed)")
        pytest.skip(f"{name} is not installed: the TypeScript package cannot be tested")
    return found


def _summary(output: str) -> str:
    """The runner's totals and every failing test's name (node's TAP reporter)."""
    totals = [
        line for line in output.splitlines() if re.match(r"^# (tests|pass|fail|skipped) ", line)
    ]
    failed = [line.strip() for line in output.splitlines() if re.match(r"^\s*not ok \d+ ", line)]
    return "\n".join(totals + failed)


def test_typescript_package() -> None:
    node = _tool("node")
    npm = _tool("npm")
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=True).stdout
    major = int(version.strip().lstrip("v").split(".")[0])
    assert major >= 20, f"Node >= 20 is needed, found {version.strip()}"
    env = {**os.environ, "PYTHON": sys.executable, "INTEROP_REQUIRED": "1"}
    ci = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund"], cwd=PACKAGE, capture_output=True, text=True, env=env
    )
    assert ci.returncode == 0, f"npm ci failed:\n{ci.stdout[-3000:]}\n{ci.stderr[-3000:]}"
    run = subprocess.run(
        [npm, "test"],
        cwd=PACKAGE,
        capture_output=True,
        text=True,
        env=env,
    )
    output = run.stdout + run.stderr
    summary = _summary(output)
    assert run.returncode == 0, f"npm test failed:\n{summary}\n\n{output[-6000:]}"
    assert re.search(r"^# fail 0$", output, re.M), f"no test summary from node:\n{output[-3000:]}"
    print(summary)
