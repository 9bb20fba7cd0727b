"""Build and drive the interop harness (tests/interop): the real crates from crates.io.

``Harness.run_many([(dialect, doc, kind), ...])`` pipes every request through one process of
the harness binary and returns its answers: ``{"ok": True, "out": ...}`` or
``{"ok": False, "error": ...}``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "tests" / "interop" / "Cargo.toml"


def target_dir() -> Path:
    default = Path.home() / ".cache" / "agent-conversation-format" / "interop-target"
    return Path(os.environ.get("INTEROP_TARGET_DIR", default))


def cargo() -> str | None:
    return shutil.which("cargo") or (
        str(Path.home() / ".cargo" / "bin" / "cargo")
        if (Path.home() / ".cargo" / "bin" / "cargo").exists()
        else None
    )


def build() -> Path:
    """Build the harness (incrementally); return the binary's path."""
    exe = cargo()
    if exe is None:
        raise FileNotFoundError("cargo is not installed")
    subprocess.run(
        [exe, "build", "--release", "--quiet", "--manifest-path", str(MANIFEST),
         "--target-dir", str(target_dir())],
        check=True,
    )  # fmt: skip
    return target_dir() / "release" / "interop"


class Harness:
    def __init__(self, binary: Path) -> None:
        self.binary = binary

    def run_many(self, requests: list[tuple[str, str, str]]) -> list[dict]:
        lines = "".join(
            json.dumps({"dialect": d, "doc": doc, "kind": kind}) + "\n" for d, doc, kind in requests
        )
        proc = subprocess.Popen(
            [str(self.binary)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            encoding="utf-8",
        )  # fmt: skip
        writer = threading.Thread(target=_feed, args=(proc, lines))
        writer.start()
        out = proc.stdout.read()  # type: ignore[union-attr]
        writer.join()
        proc.wait(timeout=60)
        answers = [json.loads(line) for line in out.split("\n") if line.strip()]
        assert len(answers) == len(requests), "the harness did not answer every request"
        return answers

    def run(self, dialect: str, doc: str, kind: str = "conversation") -> dict:
        return self.run_many([(dialect, doc, kind)])[0]


def _feed(proc: subprocess.Popen, lines: str) -> None:
    assert proc.stdin is not None
    proc.stdin.write(lines)
    proc.stdin.close()
