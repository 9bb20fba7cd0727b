"""docs/exchange.md: every example runs and prints exactly the output shown under it."""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

DOC = Path(__file__).resolve().parent.parent / "docs" / "exchange.md"
BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.S)


def blocks() -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in BLOCK.finditer(DOC.read_text())]


def test_python_examples_print_what_the_doc_shows() -> None:
    namespace: dict[str, Any] = {}
    found = blocks()
    checked = 0
    for k, (lang, code) in enumerate(found):
        if lang != "python":
            continue
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(code, f"{DOC.name} block {k}", "exec"), namespace)
        following = found[k + 1] if k + 1 < len(found) else ("", "")
        if following[0] == "text":
            assert out.getvalue() == following[1], f"block {k}"
            checked += 1
        else:
            assert out.getvalue() == "", f"block {k} prints but the doc shows nothing"
    assert checked >= 6


def test_console_example_runs_as_shown(tmp_path: Path) -> None:
    namespace: dict[str, Any] = {}
    exec(next(code for lang, code in blocks() if lang == "python"), namespace)
    (tmp_path / "history.json").write_text(namespace["saved"])
    console = next(code for lang, code in blocks() if lang == "console")
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    expected: list[str] = []
    commands: list[tuple[str, list[str]]] = []
    for line in console.splitlines():
        if line.startswith("$ "):
            commands.append((line[2:], []))
        else:
            commands[-1][1].append(line)
    for command, lines in commands:
        done = subprocess.run(
            shlex.split(command), cwd=tmp_path, env=env, capture_output=True, text=True,
            timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert done.stderr.splitlines() == lines, command
        expected += lines
    assert expected
