"""Build and run the `loops` driver (tests/interop-latest): the crates' real agent loops.

``build()`` builds the ``loops`` and ``conversation`` bins of tests/interop-latest (the newest
serde_json, zmij floats) and returns their paths; ``run_loops(binary, out)`` writes a fresh run
into ``out`` in the layout of fixtures/real/README.md; ``real_runs(root)`` reads such a tree.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from interop_harness import cargo

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "tests" / "interop-latest" / "Cargo.toml"
COMMITTED = ROOT / "fixtures" / "real"

# The name the `conversation` bin of tests/interop-latest gives each crate version the loops ran
# (its yoagent 0.18 dependency is 0.18.1, which it calls yoagent@0.18.0).
HARNESS_NAME = {
    "yoagent@0.26.6": "yoagent@0.26.6",
    "yoagent@0.18.1": "yoagent@0.18.0",
    "yoagent@0.12.0": "yoagent@0.12.0",
    "phi-core@0.15.2": "phi-core@0.15.2",
    "phi-core@0.8.0": "phi-core@0.8.0",
}


def target_dir() -> Path:
    default = Path.home() / ".cache" / "agent-conversation-format" / "interop-latest-target"
    return Path(os.environ.get("INTEROP_LATEST_TARGET_DIR", default))


def build() -> tuple[Path, Path]:
    """Build (incrementally) the ``loops`` and ``conversation`` bins; return their paths."""
    exe = cargo()
    if exe is None:
        raise FileNotFoundError("cargo is not installed")
    subprocess.run(
        [exe, "build", "--release", "--quiet", "--manifest-path", str(MANIFEST),
         "--target-dir", str(target_dir()), "--bin", "loops", "--bin", "conversation"],
        check=True,
    )  # fmt: skip
    release = target_dir() / "release"
    return release / "loops", release / "conversation"


def run_loops(binary: Path, out: Path) -> None:
    """Run every crate version's scenarios, writing into ``out``."""
    subprocess.run([str(binary), str(out)], check=True, timeout=300)


@dataclass(frozen=True)
class RealRun:
    """One scenario directory: what one real agent loop wrote."""

    path: Path
    crate: str
    version: str
    scenario: str

    @property
    def dialect(self) -> str:
        return f"{self.crate}@{self.version}"

    @property
    def key(self) -> str:
        return f"{self.crate}-{self.version}/{self.scenario}"

    def text(self, name: str) -> str | None:
        file = self.path / name
        if not file.exists():
            return None
        with open(file, encoding="utf-8", newline="") as handle:
            return handle.read()

    @property
    def messages(self) -> str:
        text = self.text("messages.json")
        assert text is not None, f"{self.key}: no messages.json"
        return text

    @property
    def meta(self) -> dict[str, Any]:
        return json.loads(self.text("meta.json") or "{}")


def real_runs(root: Path) -> list[RealRun]:
    """Every ``<crate>-<version>/<scenario>`` under ``root`` (config directories aside)."""
    runs = []
    for crate_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        crate, _, version = crate_dir.name.rpartition("-")
        for scenario in sorted(p for p in crate_dir.iterdir() if p.is_dir()):
            if scenario.name != "config":
                runs.append(RealRun(scenario, crate, version, scenario.name))
    return runs
