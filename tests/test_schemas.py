"""The published schemas: metaschema-clean, with ids, and in agreement with the crates."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from agent_conversation.dialects import resolve

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = sorted((ROOT / "schema").rglob("*.schema.json"))
CONVERSATIONS = sorted((ROOT / "schema").glob("*/*/conversation.schema.json"))
CHECK = str(Path(sys.executable).parent / "check-jsonschema")


def test_every_revision_folder_is_present() -> None:
    names = {f"{p.parent.parent.name}@{p.parent.name}" for p in CONVERSATIONS}
    assert {"yoagent@0.4", "yoagent@0.8", "yoagent@0.9", "yoagent@0.13", "yoagent@0.22"} <= names
    assert {"phi-core@0.7", "phi-core@0.8", "phi-core@0.9"} <= names


def test_every_schema_passes_the_metaschema_check() -> None:
    proc = subprocess.run(
        [CHECK, "--check-metaschema", *map(str, SCHEMAS)], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_schema_has_an_id_and_annotations(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    assert schema["$id"].endswith(str(path.relative_to(ROOT / "schema")))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["x-crate-versions"]


def _validator(dialect: str) -> jsonschema.Draft202012Validator:
    crate, rev = dialect.split("@")
    schema = json.loads((ROOT / "schema" / crate / rev / "conversation.schema.json").read_text())
    return jsonschema.Draft202012Validator(schema)


GOLDEN_ASSISTANT = {
    "role": "assistant",
    "content": [
        {"type": "text", "text": "hi"},
        {"type": "image", "data": "aGk=", "mimeType": "image/png"},
        {"type": "thinking", "thinking": "hmm", "signature": "sig-1"},
        {
            "type": "toolCall",
            "id": "tc-1",
            "name": "bash",
            "arguments": {"command": "ls"},
            "providerMetadata": {"thought_signature": "sig-2"},
        },
    ],
    "stopReason": "toolUse",
    "model": "claude-sonnet",
    "provider": "anthropic",
    "usage": {"input": 100, "output": 50, "cacheRead": 10, "cacheWrite": 5, "totalTokens": 165},
    "timestamp": 1234,
    "errorMessage": "boom",
}


@pytest.mark.parametrize(
    ("mutation", "dialect"),
    [
        ({"role": "system"}, "yoagent@0.13"),
        ({"stopReason": "end_turn"}, "yoagent@0.13"),
        ({"stopReason": "refusal"}, "yoagent@0.8"),
        ({"stopReason": "maxTurns"}, "yoagent@0.13"),
        ({"timestamp": -1}, "phi-core@0.9"),
        ({"timestamp": 2**64}, "yoagent@0.4"),
        ({"usage": {"input": 1}}, "yoagent@0.13"),
        ({"usage": {"input": 1, "output": 2, "cacheRead": 1, "cache_read": 1}}, "yoagent@0.13"),
        ({"content": [{"type": "video"}]}, "yoagent@0.13"),
    ],
)
def test_schemas_reject_what_the_crates_reject(mutation: dict, dialect: str) -> None:
    message = {**GOLDEN_ASSISTANT, **mutation}
    assert not _validator(dialect).is_valid([message])


def test_golden_assistant_is_valid_where_the_crates_accept_it() -> None:
    for dialect in ("yoagent@0.13", "yoagent@0.22", "yoagent@0.4", "phi-core@0.7"):
        assert _validator(dialect).is_valid([GOLDEN_ASSISTANT]), dialect


def test_no_false_rejections_on_the_conformance_corpus() -> None:
    """Where a crate accepted a document, its revision's schema accepts it too."""
    corpus = ROOT / "fixtures" / "conformance" / "messages.jsonl.gz"
    validators: dict[str, jsonschema.Draft202012Validator] = {}
    accepted = also_refused = refused = 0
    with gzip.open(corpus, "rt", encoding="utf-8") as handle:
        for line in handle:
            case = json.loads(line)
            try:
                doc = json.loads(case["doc"])
                parsed = True
            except (ValueError, RecursionError):
                parsed = False
            for dialect, expect in case["expect"].items():
                name = resolve(dialect)
                validator = validators.setdefault(name, _validator(name))
                try:
                    ok = parsed and validator.is_valid(doc)
                except RecursionError:
                    ok = False
                if expect["ok"]:
                    accepted += 1
                    assert ok, (case["id"], dialect)
                else:
                    refused += 1
                    also_refused += not ok
    assert accepted > 5000
    # Duplicate keys, 1.0 vs 1, nesting depth and lexical errors are beyond JSON Schema.
    assert also_refused > 0.8 * refused
