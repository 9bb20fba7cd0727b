"""schema/ with JavaScript tooling (tests/schema-tools: ajv, json-schema-to-typescript, tsc).

`npm ci` installs the pinned packages from the committed package-lock.json (registry only).
Skips with a reason when node/npm are missing, unless INTEROP_REQUIRED=1 (CI sets it): then fails.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest
from schema_verdicts import corpus_cases, disagreements, fixture_cases

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / "tests" / "schema-tools"
SCHEMA_DIR = ROOT / "schema"
BASE_ID = "https://agent-conversation-format.dev/schema/"
# JSON.parse reads every number as a double: an integer above 2^53 is rounded, so 2^64-1 (a valid
# u64) becomes 2^64 and fails `maximum`, and 2^64 (too big) equals the rounded maximum. Such
# documents are left out of the comparison (documented in schema/README.md).
BIG_INTEGER = re.compile(r"(?<![\d.eE+-])\d{16,}(?![\d.eE])")


@cache
def tools() -> Path:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        if os.environ.get("INTEROP_REQUIRED") == "1":
            pytest.fail("INTEROP_REQUIRED=1 but node/npm are not installed")
        pytest.skip("node/npm are not installed: the JavaScript schema checks cannot run")
    if not (TOOLS / "node_modules" / ".package-lock.json").exists():
        proc = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--prefer-offline"],
            cwd=TOOLS,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return TOOLS


def node(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["node", str(tools() / "check.mjs"), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_every_schema_compiles_in_ajv_strict_mode_with_the_vocabulary() -> None:
    proc = node("compile", str(SCHEMA_DIR))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    compiled = [line for line in proc.stdout.splitlines() if line.startswith("ok ")]
    assert len(compiled) == len(list(SCHEMA_DIR.rglob("*.schema.json")))


def test_every_bundle_compiles_alone_in_ajv_strict_mode() -> None:
    """A ``*.bundle.json`` is self-contained: a fresh ajv (the vocabulary, no other schema)
    compiles it, so one file is all a JavaScript user needs."""
    proc = node("bundles", str(SCHEMA_DIR))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    compiled = [line for line in proc.stdout.splitlines() if line.startswith("ok ")]
    assert len(compiled) == len(list(SCHEMA_DIR.rglob("*.bundle.json"))) > 20


def test_ajv_strict_refuses_the_schemas_without_the_vocabulary(tmp_path: Path) -> None:
    """The vocabulary file is what makes strict mode pass (it is not switched off)."""
    shutil.copytree(SCHEMA_DIR, tmp_path / "schema")
    vocabulary = json.loads((tmp_path / "schema" / "vocabulary.json").read_text())
    del vocabulary["keywords"]["x-wire-order"]
    (tmp_path / "schema" / "vocabulary.json").write_text(json.dumps(vocabulary))
    proc = node("compile", str(tmp_path / "schema"))
    assert proc.returncode == 1 and 'unknown keyword: "x-wire-order"' in proc.stdout


def test_typescript_types_from_the_wire_view_narrow_under_tsc_strict() -> None:
    generated = tools() / "generated"
    shutil.rmtree(generated, ignore_errors=True)
    proc = node("types", str(SCHEMA_DIR), str(generated))
    assert proc.returncode == 0, proc.stderr
    text = (generated / "yoagent_0_13.ts").read_text(encoding="utf-8")
    for name in ("UserMessage", "AssistantMessage", "ToolResultMessage", "ExtensionMessage"):
        assert f"export interface {name} {{" in text
    for name in ("TextContent", "ImageContent", "ThinkingContent", "ToolCallContent", "Usage"):
        assert f"export interface {name} {{" in text
    assert "[k: string]: unknown\n}\n" not in text.split("export interface UserMessage", 1)[1][:80]
    tsc = tools() / "node_modules" / ".bin" / "tsc"
    flags = ["--strict", "--noEmit", "--target", "es2020", "--module", "es2020"]
    flags += ["--moduleResolution", "bundler"]
    proc = subprocess.run(
        [str(tsc), *flags, "seed.ts"], cwd=tools(), capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # and the check can fail: a misspelt field after narrowing is a type error
    bad = tools() / "seed_bad.ts"
    bad.write_text(
        (tools() / "seed.ts").read_text(encoding="utf-8").replace("m.stopReason", "m.stopreason")
    )
    try:
        proc = subprocess.run(
            [str(tsc), *flags, "seed_bad.ts"], cwd=tools(), capture_output=True, text=True
        )
    finally:
        bad.unlink()
    assert proc.returncode != 0 and "stopreason" in proc.stdout


@pytest.mark.parametrize("source", ["corpus", "fixtures"])
def test_ajv_verdicts_equal_the_crates(source: str) -> None:
    cases = corpus_cases() if source == "corpus" else fixture_cases()
    lines = []
    for case in cases:
        crate, revision = case.dialect.split("@")
        schema = f"{BASE_ID}{crate}/{revision}/conversation.reader.schema.json"
        lines.append(json.dumps({"id": case.key, "schema": schema, "doc": case.doc}))
    proc = node("verdicts", str(SCHEMA_DIR), stdin="\n".join(lines) + "\n")
    assert proc.returncode == 0, proc.stderr[-2000:]
    found = {v["id"]: v["valid"] for v in map(json.loads, proc.stdout.splitlines())}
    assert len(found) == len(cases)
    lossy = {case.key for case in cases if BIG_INTEGER.search(case.doc)}
    comparable = [case for case in cases if case.key not in lossy]
    wrong = disagreements(comparable, found)
    assert not wrong, f"{len(wrong)} disagreements, e.g.\n" + "\n".join(wrong[:10])
    assert any(not case.ok and not found[case.key] for case in comparable)
