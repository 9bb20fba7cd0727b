"""Build and drive the interop harness: the real crates from crates.io.

Two builds of the same driver (tests/interop/src/main.rs):

- ``build()``: tests/interop, serde_json pinned at 1.0.146 (floats written by ryu: ``1e16``),
  yoagent 0.18.0; the build the conformance corpus messages.jsonl.gz was recorded with.
- ``build(latest=True)``: the ``conversation`` bin of tests/interop-latest, serde_json 1.0.154
  (zmij: ``1e+16``), yoagent 0.18.1; what a fresh ``cargo build`` of an agent resolves today.

Target directories live outside the clone (``~/.cache/agent-conversation-format/…``; override
with ``INTEROP_TARGET_DIR`` / ``INTEROP_LATEST_TARGET_DIR``).

``Harness.run_many([(dialect, doc, kind), ...])`` pipes every request through one process of
the binary and returns its answers: ``{"ok": True, "out": ...}`` or ``{"ok": False, "error": ...}``.
``Harness.versions()`` lists the crate versions the build answers for.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "tests" / "interop" / "Cargo.toml"
LATEST_MANIFEST = ROOT / "tests" / "interop-latest" / "Cargo.toml"
CACHE = Path.home() / ".cache" / "agent-conversation-format"


def target_dir(latest: bool = False) -> Path:
    if latest:
        return Path(os.environ.get("INTEROP_LATEST_TARGET_DIR", CACHE / "interop-latest-target"))
    return Path(os.environ.get("INTEROP_TARGET_DIR", CACHE / "interop-target"))


def cargo() -> str | None:
    return shutil.which("cargo") or (
        str(Path.home() / ".cargo" / "bin" / "cargo")
        if (Path.home() / ".cargo" / "bin" / "cargo").exists()
        else None
    )


def build(latest: bool = False) -> Path:
    """Build the harness (incrementally); return the binary's path.

    ``latest``: the serde_json 1.0.154 build (only its ``conversation`` bin: the other bins of
    tests/interop-latest belong to other harnesses).
    """
    exe = cargo()
    if exe is None:
        raise FileNotFoundError("cargo is not installed")
    manifest = LATEST_MANIFEST if latest else MANIFEST
    command = [exe, "build", "--release", "--quiet", "--manifest-path", str(manifest),
               "--target-dir", str(target_dir(latest))]  # fmt: skip
    if latest:
        command += ["--bin", "conversation"]
    subprocess.run(command, check=True)
    return target_dir(latest) / "release" / ("conversation" if latest else "interop")


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

    def versions(self) -> tuple[list[str], str]:
        """The crate versions this build answers for, and how its serde_json writes 1e16."""
        answer = self.run("", "", "versions")
        return answer["out"], answer["float_layout"]


def _feed(proc: subprocess.Popen, lines: str) -> None:
    assert proc.stdin is not None
    proc.stdin.write(lines)
    proc.stdin.close()


def pipe_json_lines(
    command: list[str], requests: list[Any], timeout: float = 300, cwd: str | None = None
) -> list[Any]:
    """Each request as one JSON line on the command's stdin; its JSON answer lines, in order
    (one per request; the process must exit 0)."""
    lines = "".join(json.dumps(r) + "\n" for r in requests)
    proc = subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8",
        cwd=cwd,
    )  # fmt: skip
    writer = threading.Thread(target=_feed, args=(proc, lines))
    writer.start()
    out = proc.stdout.read()  # type: ignore[union-attr]
    writer.join()
    assert proc.wait(timeout=timeout) == 0, f"{command[0]} exited with {proc.returncode}"
    answers = [json.loads(line) for line in out.split("\n") if line.strip()]
    assert len(answers) == len(requests), "the harness did not answer every request"
    return answers
