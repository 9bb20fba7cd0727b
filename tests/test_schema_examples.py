"""The examples beside the schemas: ``schema/<crate>/<revision>/examples/<Type>/*.json``.

Every `$defs` type of every schema folder has at least one example (a new type fails here until
it has one; scripts/collect_schema_examples.py takes them from what the real crates wrote), each
example is valid against its own `$defs` entry in every view of the folder (wire and reader), and
an example of a whole message is exactly what the codec writes for it in that dialect.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import agent_conversation as ac
import pytest
from agent_conversation import schemas
from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "schema"
WHOLE_MESSAGES = {
    "AgentMessage",
    "Message",
    "UserMessage",
    "AssistantMessage",
    "ToolResultMessage",
    "ExtensionMessage",
}
# phi-core 0.7/0.8 captured requests: no crate-written fixture holds one
PHI_07_REQUESTS = {
    "AnnotatedRequestPayload",
    "BlockProvenance",
    "BlockProvenance_follow_up",
    "BlockProvenance_identity_block",
    "BlockProvenance_loop_turn",
    "BlockProvenance_memory_tier",
    "BlockProvenance_steering",
    "BlockProvenance_system_prompt",
    "BlockProvenance_unknown",
    "ProvenanceRole",
    "ResponseFormat",
    "ResponseFormat_json_object",
    "ResponseFormat_json_schema",
    "ResponseFormat_text",
    "ToolDefinition",
}
# Types no crate-written fixture holds yet (fixtures/real/ and fixtures/records/ have no run that
# writes them). Listed so that the gap is visible; a listed type that gains an example fails.
NO_CRATE_OUTPUT_YET = {
    "phi-core/events/0.12": {
        "ResponseFormat_json_object",
    },
    "phi-core/events/0.7": PHI_07_REQUESTS,
    "phi-core/events/0.9": {
        "ResponseFormat_json_object",
    },
    "phi-core/session/0.12": {
        "AgentEvent",
        "AgentEvent_AgentEnd",
        "AgentEvent_AgentStart",
        "AgentEvent_CompactionEnded",
        "AgentEvent_CompactionStarted",
        "AgentEvent_InputRejected",
        "AgentEvent_MessageEnd",
        "AgentEvent_MessageStart",
        "AgentEvent_MessageUpdate",
        "AgentEvent_ParallelLoopEnd",
        "AgentEvent_ParallelLoopStart",
        "AgentEvent_ProgressMessage",
        "AgentEvent_PrunApplied",
        "AgentEvent_RevertApplied",
        "AgentEvent_ToolExecutionEnd",
        "AgentEvent_ToolExecutionStart",
        "AgentEvent_ToolExecutionUpdate",
        "AgentEvent_TurnEnd",
        "AgentEvent_TurnRequest",
        "AgentEvent_TurnStart",
        "CompactedSection",
        "CompactionBlock",
        "LoopEvent",
        "ParallelGroupRecord",
        "ResponseFormat_json_object",
        "ResponseFormat_json_schema",
        "SpawnRef",
        "StreamDelta",
        "ToolResult",
        "TurnRange",
    },
    "phi-core/session/0.7": PHI_07_REQUESTS
    | {
        "CompactedSection",
        "CompactionBlock",
        "ParallelGroupRecord",
        "SpawnRef",
        "TurnRange",
    },
    "phi-core/session/0.9": {
        "CompactedSection",
        "CompactionBlock",
        "ParallelGroupRecord",
        "ResponseFormat_json_object",
        "SpawnRef",
        "TurnRange",
    },
    "yoagent/events/0.13": {
        "CompactionMethod",
        "SessionEntry",
        "SessionStats",
        "StreamDelta_thinking",
        "SummaryStats",
    },
    "yoagent/events/0.17": {
        "SessionEntry",
        "StreamDelta_thinking",
    },
    "yoagent/events/0.26.6": {
        "DecisionStats",
    },
}


def views(folder: Path) -> list[Path]:
    """The schema files of a folder: wire and reader view, or the one file of events/sessions."""
    files = sorted(folder.glob("*.schema.json"))
    assert files, folder
    return files


FOLDERS = sorted({p.parent for p in SCHEMA.rglob("*.schema.json")})
EXAMPLES = sorted(SCHEMA.glob("**/examples/*/*.json"))


def rel(path: Path) -> str:
    return path.relative_to(SCHEMA).as_posix()


@cache
def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text("utf-8"))  # type: ignore[no-any-return]


@cache
def type_validator(path: Path, name: str) -> Draft202012Validator:
    ref = {"$ref": f"{load(path)['$id']}#/$defs/{name}"}
    return Draft202012Validator(ref, registry=schemas.registry())


def dialect_of(folder: Path) -> str | None:
    """``crate@revision`` for a conversation folder, else None."""
    if not (folder / "conversation.wire.schema.json").exists():
        return None
    return f"{folder.parent.name}@{folder.name}"


def test_there_are_examples_in_every_folder() -> None:
    assert len(FOLDERS) >= 20
    for folder in FOLDERS:
        assert (folder / "examples").is_dir(), rel(folder)


@pytest.mark.parametrize("folder", FOLDERS, ids=rel)
def test_every_type_has_an_example(folder: Path) -> None:
    names = set(load(views(folder)[0])["$defs"])
    for view in views(folder)[1:]:
        assert set(load(view)["$defs"]) == names, f"{rel(view)}: other types than its wire view"
    have = {p.parent.name for p in (folder / "examples").glob("*/*.json")}
    assert have <= names, f"examples of types {sorted(have - names)} the schema does not define"
    gaps = NO_CRATE_OUTPUT_YET.get(rel(folder), set())
    assert not gaps & have, f"NO_CRATE_OUTPUT_YET lists types that have an example: {gaps & have}"
    assert gaps <= names, f"NO_CRATE_OUTPUT_YET lists types the schema lacks: {gaps - names}"
    missing = names - have - gaps
    assert not missing, (
        f"{rel(folder)}: no example of {sorted(missing)}: run scripts/collect_schema_examples.py"
        " (a type no crate-written fixture holds goes into NO_CRATE_OUTPUT_YET)"
    )


@pytest.mark.parametrize("path", EXAMPLES, ids=rel)
def test_example_is_valid_against_its_type_in_every_view(path: Path) -> None:
    folder, name = path.parent.parent.parent, path.parent.name
    instance = json.loads(path.read_text("utf-8"))
    for view in views(folder):
        errors = list(type_validator(view, name).iter_errors(instance))
        assert not errors, f"{rel(view)}#/$defs/{name}: {errors[0].message}"


MESSAGES = [
    p for p in EXAMPLES if p.parent.name in WHOLE_MESSAGES and dialect_of(p.parents[2]) is not None
]


@pytest.mark.parametrize("path", MESSAGES, ids=rel)
def test_message_example_round_trips_byte_exactly(path: Path) -> None:
    dialect = dialect_of(path.parents[2])
    assert dialect is not None
    text = path.read_text("utf-8")
    assert text.endswith("}\n") and "\n" not in text[:-1], "one compact line, as the crates write"
    document = f"[{text[:-1]}]"
    assert ac.dumps(ac.loads(document, dialect), dialect) == document


def test_message_examples_exist_for_every_conversation_revision() -> None:
    revisions = {dialect_of(p.parents[2]) for p in MESSAGES}
    expected = {dialect_of(f) for f in FOLDERS} - {None}
    assert revisions == expected
