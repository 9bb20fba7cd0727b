"""Every example in README.md and schema/README.md runs, and prints what the text shows.

Block kinds (the fence's info string decides):

- ``console``: lines starting with ``$ `` are shell commands, run with bash in a scratch copy of
  ``fixtures/examples/`` with this environment's console scripts first on PATH; the lines after a
  command, up to the next ``$ ``, are its expected output (stdout and stderr, in order).
- ``pycon``: a doctest session (``>>>`` / ``...``), run with :mod:`doctest` in the same scratch
  folder; the blocks of one file share their globals, top to bottom.
- ``sh``: the README's two newcomer commands; the test command must be what ``.ci/run`` runs, and
  the main job of the install command (validating the shipped example) must succeed.
- ``yaml``: parsed; a pre-commit snippet must name a hook that ``.pre-commit-hooks.yaml`` defines.
- ``text`` and ``json``: shown output or data, checked by the blocks around them; not run.

Any other info string fails the test, so a new kind of block cannot slip in unexecuted.
"""

from __future__ import annotations

import doctest
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", ROOT / "schema" / "README.md"]
EXAMPLES = ROOT / "fixtures" / "examples"
NOT_RUN = {"text", "json"}


@dataclass(frozen=True)
class Block:
    document: Path
    line: int
    info: str
    body: str

    @property
    def name(self) -> str:
        return f"{self.document.relative_to(ROOT)}:{self.line}"


_FENCE = re.compile(r"^```(\S*)[^\n]*\n(.*?)^```[ \t]*$", re.S | re.M)


def blocks(document: Path) -> list[Block]:
    text = document.read_text(encoding="utf-8")
    return [
        Block(document, text.count("\n", 0, m.start()) + 1, m.group(1), m.group(2))
        for m in _FENCE.finditer(text)
    ]


ALL = [b for d in DOCUMENTS for b in blocks(d)]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("readme")
    for item in EXAMPLES.iterdir():
        shutil.copy(item, folder / item.name)
    return folder


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["NO_COLOR"] = "1"
    env.pop("CI", None)  # output must not depend on where the suite runs
    return env


def _commands(body: str) -> list[tuple[str, str]]:
    """(command, expected output) pairs of a console block."""
    pairs: list[tuple[str, list[str]]] = []
    for line in body.splitlines():
        if line.startswith("$ "):
            pairs.append((line[2:], []))
        elif pairs:
            pairs[-1][1].append(line)
        elif line.strip():
            raise AssertionError(f"output before the first command: {line!r}")
    return [(cmd, "\n".join(out)) for cmd, out in pairs]


@pytest.mark.parametrize("block", [b for b in ALL if b.info == "console"], ids=lambda b: b.name)
def test_console_block(block: Block, scratch: Path) -> None:
    for command, expected in _commands(block.body):
        run = subprocess.run(
            ["bash", "-c", command + " 2>&1"], cwd=scratch, env=_env(),
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        got = run.stdout.rstrip("\n")
        if command == "echo $?":
            continue  # checked with the command before it, below
        assert got == expected, f"{block.name}: `{command}` printed:\n{got}"
    # `echo $?` lines state the exit code of the command before them.
    last = None
    for command, expected in _commands(block.body):
        if command == "echo $?":
            assert last is not None
            code = subprocess.run(
                ["bash", "-c", last], cwd=scratch, env=_env(), capture_output=True, timeout=120
            ).returncode
            assert str(code) == expected.strip(), f"{block.name}: `{last}` exited {code}"
        last = command


_PYCON_GLOBALS: dict[Path, dict[str, object]] = {}


@pytest.mark.parametrize("block", [b for b in ALL if b.info == "pycon"], ids=lambda b: b.name)
def test_python_block(block: Block, scratch: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(scratch)
    globs = _PYCON_GLOBALS.setdefault(block.document, {})
    parser = doctest.DocTestParser()
    test = parser.get_doctest(block.body, globs, block.name, str(block.document), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    lines: list[str] = []
    runner.run(test, out=lines.append, clear_globs=False)
    assert runner.failures == 0, "".join(lines)


SH = [b for b in ALL if b.info == "sh"]


def test_newcomer_commands_are_what_ci_runs() -> None:
    first = blocks(ROOT / "README.md")[0]
    assert first.info == "sh", "README must start with the two newcomer commands"
    install, tests = [line for line in first.body.splitlines() if line.strip()]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert tests in ci.splitlines(), ".ci/run must run the README's test command verbatim"
    assert "pip install" in install and "validate-conversation" in install


def test_newcomer_main_job_runs_on_the_shipped_example() -> None:
    install = blocks(ROOT / "README.md")[0].body.splitlines()[0]
    job = install.split("&&")[-1].strip().replace(".venv/bin/", "")
    run = subprocess.run(
        ["bash", "-c", job], cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize("block", [b for b in SH if b is not blocks(ROOT / "README.md")[0]],
                         ids=lambda b: b.name)  # fmt: skip
def test_other_shell_blocks_run(block: Block) -> None:
    for command in block.body.splitlines():
        command = command.split("#", 1)[0].strip().replace(".venv/bin/", "")
        if not command or command.startswith(("pip ", "python3 -m venv")):
            continue
        run = subprocess.run(
            ["bash", "-c", command], cwd=ROOT, env=_env(), capture_output=True, text=True,
            timeout=600,
        )  # fmt: skip
        assert run.returncode == 0, f"{block.name}: `{command}`\n{run.stdout}{run.stderr}"


@pytest.mark.parametrize("block", [b for b in ALL if b.info == "yaml"], ids=lambda b: b.name)
def test_yaml_block(block: Block) -> None:
    yaml = pytest.importorskip("yaml")
    data = yaml.safe_load(block.body)
    hooks = {h["id"] for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    if isinstance(data, dict) and "repos" in data:
        for repo in data["repos"]:
            for hook in repo["hooks"]:
                assert hook["id"] in hooks


def test_every_block_kind_is_known() -> None:
    known = {"console", "pycon", "sh", "yaml"} | NOT_RUN
    unknown = [(b.name, b.info) for b in ALL if b.info not in known]
    assert not unknown, f"blocks no test runs: {unknown}"
