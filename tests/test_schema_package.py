"""The schemas ship in the wheel: built with `pip wheel --no-deps`, installed into a fresh venv
outside the clone, they validate offline and drive --list-dialects / --print-schema."""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHECK = str(Path(sys.executable).parent / "check-jsonschema")
CONVERSATION = [
    {"role": "user", "content": [{"type": "text", "text": "Hello"}], "timestamp": 1700000000000},
    {
        "role": "assistant",
        "content": [{"type": "text", "text": "Hi there!"}],
        "stopReason": "stop",
        "model": "claude-sonnet-4-20250514",
        "provider": "anthropic",
        "usage": {"input": 100, "output": 50, "cacheRead": 0, "cacheWrite": 0, "totalTokens": 150},
        "timestamp": 1700000001000,
    },
]
PROBE = """
import json, sys, agent_conversation, agent_conversation.schemas as s
assert "site-packages" in agent_conversation.__file__, agent_conversation.__file__
doc = json.loads(sys.argv[1])
v = s.validator("yoagent@0.18.0")
bad = [dict(doc[0], timestamp=-1)]
print(json.dumps({
    "file": agent_conversation.__file__,
    "valid": v.is_valid(doc), "invalid": v.is_valid(bad),
    "wire": s.validator("yoagent@0.18.0", view="wire").is_valid(doc),
    "entry": s.validator("yoagent@0.18.0", type="SessionEntry").is_valid(
        {"id": "e1", "parent_id": None, "message": doc[0], "timestamp": 1}),
    "reader_path": str(s.schema_path("yoagent@0.18.0")),
    "wire_path": str(s.schema_path("yoagent@0.18.0", view="wire")),
    "config_path": str(s.schema_path("yoagent@0.18.0", kind="config")),
}))
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    # A clean source tree (what a fresh clone holds; no stale build/ of an earlier wheel).
    source = tmp / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    skip = shutil.ignore_patterns("__pycache__", "*.egg-info")
    for name in ("schema", "python"):
        shutil.copytree(ROOT / name, source / name, symlinks=True, ignore=skip)
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
         "-w", str(tmp / "dist"), str(source)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert build.returncode == 0, build.stderr[-3000:]
    (wheel,) = (tmp / "dist").glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        shipped = {n for n in archive.namelist() if n.startswith("agent_conversation/schema/")}
    expected = {
        f"agent_conversation/schema/{p.relative_to(ROOT / 'schema').as_posix()}"
        for p in (ROOT / "schema").rglob("*")
        if p.is_file()
    }
    assert shipped == expected
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", purelib,
         str(wheel)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert install.returncode == 0, install.stderr[-3000:]
    # The dependencies (pydantic, jsonschema, ...) come from this interpreter's site-packages,
    # after the venv's own: the package itself is the wheel's copy (the probe checks it).
    deps = [sysconfig.get_paths()["purelib"], *site.getsitepackages()]
    (Path(purelib) / "zz_deps.pth").write_text("\n".join(deps) + "\n")
    return python


def run(python: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(python), *args], capture_output=True, text=True, timeout=300, cwd=python.parent
    )


def test_the_installed_wheel_validates_offline(installed: Path) -> None:
    proc = run(installed, "-c", PROBE, json.dumps(CONVERSATION))
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout)
    assert str(ROOT) not in result["file"]
    assert result["valid"] and not result["invalid"] and result["wire"] and result["entry"]
    assert str(ROOT) not in result["reader_path"] and Path(result["reader_path"]).is_file()


# Any download fails: a schema that is not self-contained cannot pass by fetching its $refs.
OFFLINE = {"HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9"}


def check_jsonschema(schema: str | Path, document: Path) -> int:
    """check-jsonschema as a user runs it: the schema file alone, no ``--base-uri``, offline."""
    env = {**os.environ, **OFFLINE, "NO_PROXY": ""}
    proc = subprocess.run(
        [CHECK, "--no-cache", "--schemafile", str(schema), str(document)],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert "Unresolvable" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr
    return proc.returncode


def test_check_jsonschema_with_the_installed_schema_files(installed: Path, tmp_path: Path) -> None:
    proc = run(installed, "-c", PROBE, json.dumps(CONVERSATION))
    paths = json.loads(proc.stdout)
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(json.dumps(CONVERSATION))
    bad.write_text(json.dumps([{**CONVERSATION[1], "stopReason": "end_turn"}]))
    for key in ("wire_path", "reader_path", "config_path"):  # each usable on its own
        assert check_jsonschema(paths[key], good if key != "config_path" else bad) == (
            0 if key != "config_path" else 1
        )
    assert check_jsonschema(paths["wire_path"], bad) == 1
    assert check_jsonschema(paths["reader_path"], bad) == 1
    printed = tmp_path / "printed.json"  # what --print-schema prints is self-contained too
    main = (
        "import sys; from agent_conversation.cli.validate import run; sys.exit(run(sys.argv[1:]))"
    )
    printed.write_text(run(installed, "-c", main, "--print-schema", "yoagent@0.18.0").stdout)
    assert check_jsonschema(printed, good) == 0 and check_jsonschema(printed, bad) == 1


# The type a schema's root is (or, for a conversation, holds), by the bundle's file-name stem.
ROOT_TYPES = {"conversation": "AgentMessage", "config": "ExecutionLimits", "events": "AgentEvent",
              "session": "Session"}  # fmt: skip


def test_every_bundle_validates_its_examples_offline(installed: Path, tmp_path: Path) -> None:
    """Every shipped ``*.bundle.json`` (event, session and config schemas too) works alone: an
    example of its root type passes check-jsonschema with no network, a mangled one fails."""
    probe = run(installed, "-c", PROBE, json.dumps(CONVERSATION))
    shipped = Path(json.loads(probe.stdout)["reader_path"])
    schema_root = next(p for p in shipped.parents if p.name == "schema")
    bundles = sorted(schema_root.rglob("*.bundle.json"))
    assert len(bundles) == len(list((ROOT / "schema").rglob("*.bundle.json"))) > 20
    for n, bundle in enumerate(bundles):
        stem = bundle.name.split(".")[0]
        examples = sorted((bundle.parent / "examples" / ROOT_TYPES[stem]).glob("*.json"))
        assert examples, bundle
        value = json.loads(examples[0].read_text(encoding="utf-8"))
        good, bad = tmp_path / f"good{n}.json", tmp_path / f"bad{n}.json"
        good.write_text(json.dumps([value] if stem == "conversation" else value))
        bad.write_text(json.dumps([[1]] if stem == "conversation" else [1]))
        assert check_jsonschema(bundle, good) == 0, (bundle, examples[0])
        assert check_jsonschema(bundle, bad) == 1, bundle


def test_list_dialects_and_print_schema_from_the_wheel(installed: Path) -> None:
    main = (
        "import sys; from agent_conversation.cli.validate import run; sys.exit(run(sys.argv[1:]))"
    )
    listing = run(installed, "-c", main, "--list-dialects")
    assert listing.returncode == 0, listing.stderr
    lines = listing.stdout.splitlines()
    assert len(lines) == 84  # 73 yoagent and 11 phi-core releases that save conversations
    by_version = {line.split()[0]: line.split()[1:] for line in lines}
    assert by_version["yoagent@0.16.2"][:3] == ["yoagent@0.13", "config", "yoagent@0.15"]
    assert by_version["phi-core@0.15.2"][0] == "phi-core@0.9"
    assert "phi-core@0.11.0" not in by_version and "yoagent@0.3.0" not in by_version
    printed = run(installed, "-c", main, "--print-schema", "yoagent@0.18.0", "--view", "wire")
    assert printed.returncode == 0, printed.stderr
    assert json.loads(printed.stdout)["$id"].endswith("yoagent/0.13/conversation.wire.schema.json")
    reader = run(installed, "-c", main, "--print-schema", "phi-core@0.15.2")
    assert json.loads(reader.stdout)["x-wire-view"].endswith(
        "phi-core/0.9/conversation.wire.schema.json"
    )
    unknown = run(installed, "-c", main, "--print-schema", "nope@1")
    assert unknown.returncode == 2 and "unknown dialect" in unknown.stderr


def test_the_bundles_are_generated_from_the_sources() -> None:
    """``*.bundle.json`` are what scripts/generate_schema_bundles.py makes of the sources."""
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "generate_schema_bundles.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
