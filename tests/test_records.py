"""The records without cargo: fixtures written by the real crates (fixtures/records/, made by
tests/make_records_fixtures.py) read and written back byte for byte, detection by content, the
CLI's promises, and the warnings for values the crates cannot read back."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest
from agent_conversation.cli.validate import main
from agent_conversation.errors import ConversationError
from agent_conversation.records import RecordWarning, dumps_config, loads_config
from agent_conversation.records.events import (
    dumps_events,
    history_from_events,
    loads_event,
    loads_events,
    split_runs,
)
from agent_conversation.records.phi_sessions import dumps_phi_document, loads_phi_document

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "records"
CONFIGS = sorted((FIXTURES / "config").glob("*/*.json"))
EVENTS = sorted((FIXTURES / "events").glob("*.jsonl"))
SESSIONS = sorted((FIXTURES / "phi-session").glob("*.json"))


def _version(path: Path) -> str:
    crate, _, number = path.stem.rpartition("-") if path.suffix else ("", "", "")
    return f"{crate}@{number}"


def _dir_version(path: Path) -> str:
    crate, _, number = path.parent.name.rpartition("-")
    return f"{crate}@{number}"


def test_there_are_fixtures_for_every_type_and_crate() -> None:
    assert len(CONFIGS) >= 40 and len(EVENTS) == 8 and len(SESSIONS) == 3
    types = {p.stem.rsplit("-", 1)[0] for p in CONFIGS}
    assert types == {"CacheConfig", "ToolExecutionStrategy", "ContextConfig", "ExecutionLimits"}


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_config_fixture_round_trips(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    config = loads_config(text, _dir_version(path))
    assert config.type == path.stem.rsplit("-", 1)[0]
    assert not config.notes
    assert dumps_config(config, float_format="zmij") == text
    detected = loads_config(text)  # type and revision judged by content
    assert detected.type == config.type


@pytest.mark.parametrize("path", EVENTS, ids=lambda p: p.name)
def test_event_fixture_round_trips(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    stream = loads_events(text, _version(path))
    assert dumps_events(stream, float_format="zmij") == text
    assert loads_events(text).dialect.split("@")[0] == _version(path).split("@")[0]


@pytest.mark.parametrize("path", SESSIONS, ids=lambda p: p.name)
def test_phi_session_fixture_round_trips(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    doc = loads_phi_document(text, _version(path))
    assert dumps_phi_document(doc, float_format="zmij") == text


@pytest.mark.parametrize("path", [*CONFIGS[:8], *EVENTS, *SESSIONS], ids=lambda p: p.name)
def test_cli_accepts_fixtures_as_canonical(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    version = _dir_version(path) if path.parent.parent.name == "config" else _version(path)
    code = main(["--canonical", "--float-format", "zmij", "--dialect", version, str(path)])
    assert code == 0, capsys.readouterr().out


def test_a_015_session_is_refused_as_08_with_the_crates_reason() -> None:
    text = (FIXTURES / "phi-session" / "phi-core-0.15.2.json").read_text(encoding="utf-8")
    with pytest.raises(ConversationError) as caught:
        loads_phi_document(text, "phi-core@0.8.0")
    problem = caught.value.problems[0]
    assert "missing field `events`" in problem.message
    assert problem.pointer == "/loops/0" and problem.line is not None
    assert loads_phi_document(text).version == "0.15.2"


def test_a_08_sessions_events_are_checked(capsys: pytest.CaptureFixture[str]) -> None:
    text = (FIXTURES / "phi-session" / "phi-core-0.8.0.json").read_text(encoding="utf-8")
    doc = json.loads(text)
    doc["loops"][0]["events"][3]["event"]["triggered_by"] = "Nobody"
    with pytest.raises(ConversationError) as caught:
        loads_phi_document(json.dumps(doc, indent=2), "phi-core@0.8.0")
    problem = caught.value.problems[0]
    assert problem.pointer == "/loops/0/events/3/event/triggered_by"
    assert "unknown variant `Nobody`" in problem.message


def test_0_8_cannot_read_turn_request_events() -> None:
    line = (FIXTURES / "events" / "phi-core-0.15.2.jsonl").read_text().split("\n")
    request = next(x for x in line if '"TurnRequest"' in x)
    loads_event(request, "phi-core@0.15.2")
    with pytest.raises(ConversationError, match="unknown variant `TurnRequest`"):
        loads_event(request, "phi-core@0.8.0")


def test_yoagent_0_12_events_are_not_serializable() -> None:
    with pytest.raises(ConversationError, match="from 0.13.0"):
        loads_events('{"type":"agentStart"}\n', "yoagent@0.12.0")


def test_event_stream_errors_carry_line_numbers() -> None:
    text = '{"type":"agentStart"}\n\n{"type":"turnEnd","message":1}\n{"type":"nope"}\n'
    with pytest.raises(ConversationError) as caught:
        loads_events(text, "yoagent@0.26.6")
    lines = [(p.index, p.line, p.pointer) for p in caught.value.problems]
    assert lines == [(1, 3, "/message"), (2, 4, "/type")]


def test_history_from_events_takes_each_runs_messages() -> None:
    user = {"role": "user", "content": [{"type": "text", "text": "hi"}], "timestamp": 1}
    reply = {**user, "content": [{"type": "text", "text": "ho"}], "timestamp": 2}
    runs = [
        {"type": "agentStart"},
        {"type": "messageEnd", "message": user},
        {"type": "agentEnd", "messages": [user]},
        {"type": "agentStart"},
        {"type": "messageEnd", "message": reply},
    ]
    text = "".join(json.dumps(e) + "\n" for e in runs)
    conversation = history_from_events(text, "yoagent@0.26.6")
    assert [r["timestamp"] for r in conversation.records] == [1, 2]


def test_history_from_events_continues_the_start_history_run_by_run() -> None:
    user = {"role": "user", "content": [{"type": "text", "text": "hi"}], "timestamp": 1}
    note = {"role": "extension", "kind": "ui.note", "data": {"b": 1, "a": 2.5}}
    reply = {**user, "content": [{"type": "text", "text": "ho"}], "timestamp": 2}
    runs = [
        {"type": "agentStart"},
        {"type": "agentEnd", "messages": [user]},
        {"type": "agentStart"},
        {"type": "messageEnd", "message": reply},
    ]
    text = "\n" + "".join(json.dumps(e) + "\n" for e in runs)
    first, second = split_runs(text, "yoagent@0.26.6")
    assert first + second == text and second.startswith('{"type": "agentStart"}')
    start = json.dumps([user, note])  # the app appended a record no event shows
    conversation = history_from_events(second, "yoagent@0.26.6", start=start)
    assert [r.get("kind") or r["timestamp"] for r in conversation.records] == [1, "ui.note", 2]
    again = history_from_events(second, "yoagent@0.26.6", start=conversation)
    assert len(again) == 4
    with pytest.raises(ConversationError, match="start: .*missing field `content`"):
        history_from_events(second, "yoagent@0.26.6", start='[{"role": "user"}]')
    with pytest.raises(ConversationError, match="start: "):
        history_from_events(second, "yoagent@0.26.6", start="[")


def test_history_from_events_refuses_compaction() -> None:
    event = {
        "type": "contextCompacted", "method": "deterministic", "messagesBefore": 2,
        "messagesAfter": 1, "tokensBefore": 1, "tokensAfter": 1, "summary": None,
    }  # fmt: skip
    with pytest.raises(ConversationError, match="cannot be rebuilt"):
        history_from_events(json.dumps(event), "yoagent@0.26.6")


def test_nan_and_infinity_are_written_as_null_with_a_warning() -> None:
    config = loads_config(
        (FIXTURES / "config" / "yoagent-0.26.6" / "ContextConfig-1.json").read_text()
    )
    config.value["compact_target_ratio"] = math.nan
    with pytest.warns(RecordWarning, match="cannot read back"):
        text = dumps_config(config)
    assert '"compact_target_ratio":null' in text
    with pytest.raises(ConversationError, match="compact_target_ratio|expected f32"):
        loads_config(text, "yoagent@0.26.6", "ContextConfig")
    limits = loads_config(
        '{"max_turns":1,"max_total_tokens":2,"max_duration":{"secs":3,"nanos":0},"max_cost":1.5}',
        "phi-core@0.15.2",
    )
    limits.value["max_cost"] = math.inf
    with pytest.warns(RecordWarning, match="no cost limit"):
        text = dumps_config(limits)
    assert text.endswith('"max_cost":null}')
    assert loads_config(text, "phi-core@0.15.2").value["max_cost"] is None


def test_an_f32_beyond_range_loads_with_a_note() -> None:
    doc = (
        '{"max_context_tokens":1,"system_prompt_tokens":1,"keep_recent":1,"keep_first":1,'
        '"tool_output_max_lines":1,"compact_target_ratio":1e39,'
        '"truncate_tool_output_on_append":true}'
    )
    config = loads_config(doc, "yoagent@0.26.6")
    assert [n.kind for n in config.notes] == ["not-round-trip"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RecordWarning)
        assert '"compact_target_ratio":null' in dumps_config(config)


def test_hashmap_overrides_are_canonical_in_any_order(tmp_path: Path) -> None:
    base = (FIXTURES / "config" / "yoagent-0.26.6" / "ContextConfig-1.json").read_text()
    text = base.replace('{"read_file":18446744073709551615}', '{"b":1,"a":2}')
    path = tmp_path / "context.json"
    path.write_text(text)
    assert main(["--canonical", "--dialect", "yoagent@0.26.6", str(path)]) == 0
    path.write_text(text.replace('{"b":1,"a":2}', '{"a":2,"b":1}'))
    assert main(["--canonical", "--dialect", "yoagent@0.26.6", str(path)]) == 0


def test_missing_loop_detection_is_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = (FIXTURES / "config" / "yoagent-0.12.0" / "ExecutionLimits-0.json").read_text()
    path = tmp_path / "limits.json"
    path.write_text(old)
    assert main(["--dialect", "yoagent@0.26.6", "--type", "config:ExecutionLimits", str(path)]) == 0
    out = capsys.readouterr().out
    assert "detection is off" in out and "config:ExecutionLimits" in out
    assert main(["--strict", "--dialect", "yoagent@0.26.6", str(path)]) == 1


@pytest.mark.parametrize(
    "content",
    [b"", b"\xff\xfe", b"{", b"[1,2", b'{"type":5}', b"null", b'{"enabled":"yes"}', b"[" * 200],
)
@pytest.mark.parametrize("kind", ["config", "config:CacheConfig", "events", "phi-session"])
def test_cli_never_tracebacks(
    kind: str, content: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "input.json"
    path.write_bytes(content)
    code = main(["--type", kind, "--format", "json", str(path)])
    report = json.loads(capsys.readouterr().out)
    assert code in (1, 2)
    assert "internal error" not in json.dumps(report)


def test_cli_detects_each_kind_by_content(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = [
        CONFIGS[0],
        FIXTURES / "events" / "yoagent-0.26.6.jsonl",
        FIXTURES / "events" / "phi-core-0.15.2.jsonl",
        FIXTURES / "phi-session" / "phi-core-0.8.0.json",
    ]
    assert main(["--format", "json", *map(str, paths)]) == 0
    report = json.loads(capsys.readouterr().out)
    kinds = [f["type"] for f in report["files"]]
    assert kinds[0].startswith("config:") and kinds[1:] == ["events", "events", "phi-session"]


def test_unknown_config_type_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--type", "config:Nope", str(CONFIGS[0])]) == 2
    assert "config:ExecutionLimits" in capsys.readouterr().err


@pytest.mark.parametrize("script", ["generate_record_tables.py", "generate_record_types.py"])
def test_record_tables_and_types_are_generated_from_the_schemas(script: str) -> None:
    """records/tables.json and records/types.py are what the scripts make of schema/ (--check)."""
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / script), "--check"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_a_schema_edit_reaches_the_tables(tmp_path: Path) -> None:
    """The generator reads the schema files: a key renamed in a wire view (and its reader
    view) is what the generated tables then hold; a reader view that disagrees is refused."""
    import shutil

    sys.path.insert(0, str(ROOT / "scripts"))
    import generate_record_tables as gen

    schema = tmp_path / "schema"
    shutil.copytree(ROOT / "schema", schema)
    folder = schema / "yoagent" / "events" / "0.26.6"
    for view in ("wire", "reader"):
        path = folder / f"events.{view}.schema.json"
        path.write_text(path.read_text().replace('"reason"', '"why"'))
    old = gen.SCHEMA
    try:
        gen.SCHEMA = schema
        entry = gen.table(folder / "events.wire.schema.json")[1]
        rejected = entry["enums"]["AgentEvent"]["variants"]["inputRejected"]
        assert [row[0] for row in rejected] == ["why"]
        path = folder / "events.reader.schema.json"
        path.write_text(
            path.read_text().replace(
                '"required": [\n            "type",\n            "why"',
                '"required": [\n            "type"',
            )
        )
        with pytest.raises(SystemExit, match="reader `required` differs"):
            gen.table(folder / "events.wire.schema.json")
    finally:
        gen.SCHEMA = old


def test_the_revert_tag_annotation_is_checked_against_its_schema() -> None:
    """x-revert-tag's pointers must name properties of the schema and its kinds must map every
    revert category to a tag kind; what it says reaches the tables (keys, variant tags)."""
    import copy

    sys.path.insert(0, str(ROOT / "scripts"))
    import generate_record_tables as gen

    path = ROOT / "schema" / "phi-core" / "events" / "0.12" / "events.wire.schema.json"
    wire = json.loads(path.read_text(encoding="utf-8"))
    reader = json.loads(path.with_name("events.reader.schema.json").read_text(encoding="utf-8"))
    event = wire["$defs"]["AgentEvent_RevertApplied"]
    rule = gen.Tables(wire, reader).revert_tag(event)
    assert rule["keys"]["tool-result-name"] == "toolName"
    assert rule["holders"]["tool-call-name"] == ["type", "toolCall"]
    assert rule["breadcrumb"] and rule["skip_tools"] == ["revert_to_state"]
    broken = copy.deepcopy(event)
    broken["x-revert-tag"]["keys"]["node-id"] = "#/$defs/AssistantMessage/properties/node"
    with pytest.raises(SystemExit, match="no such place"):
        gen.Tables(wire, reader).revert_tag(broken)
    broken = copy.deepcopy(event)
    del broken["x-revert-tag"]["kinds"]["tangent"]
    with pytest.raises(SystemExit, match="every revert category"):
        gen.Tables(wire, reader).revert_tag(broken)


@pytest.mark.parametrize(
    "path",
    sorted((ROOT / "schema").glob("*/*/*/[es]*.wire.schema.json")),
    ids=lambda p: p.relative_to(ROOT / "schema").as_posix(),
)
def test_record_wire_views_copy_their_message_types_unchanged(path: Path) -> None:
    """The message $defs of a records wire view are those of the conversation wire view its
    x-messages names (copied so the file stands alone): a change there must be copied here."""
    wire = json.loads(path.read_text(encoding="utf-8"))
    rel = wire["x-messages"].split("/schema/", 1)[1]
    messages = json.loads((ROOT / "schema" / rel).read_text(encoding="utf-8"))["$defs"]
    for name, schema in messages.items():
        assert wire["$defs"][name] == schema, name


def _validator(relpath: str) -> Any:
    import jsonschema
    from agent_conversation import schemas

    base = "https://agent-conversation-format.dev/schema/"
    return jsonschema.Draft202012Validator({"$ref": base + relpath}, registry=schemas.registry())


EVENT_SCHEMAS = [
    ("events/yoagent-0.13.0.jsonl", "yoagent/events/0.13/events"),
    ("events/yoagent-0.15.0.jsonl", "yoagent/events/0.13/events"),
    ("events/yoagent-0.17.0.jsonl", "yoagent/events/0.17/events"),
    ("events/yoagent-0.18.1.jsonl", "yoagent/events/0.18/events"),
    ("events/yoagent-0.26.6.jsonl", "yoagent/events/0.26.6/events"),
    ("events/phi-core-0.8.0.jsonl", "phi-core/events/0.7/events"),
    ("events/phi-core-0.10.0.jsonl", "phi-core/events/0.9/events"),
    ("events/phi-core-0.15.2.jsonl", "phi-core/events/0.12/events"),
    ("phi-session/phi-core-0.8.0.json", "phi-core/session/0.7/session"),
    ("phi-session/phi-core-0.10.0.json", "phi-core/session/0.9/session"),
    ("phi-session/phi-core-0.15.2.json", "phi-core/session/0.12/session"),
]


@pytest.mark.parametrize("view", ["wire", "reader"])
@pytest.mark.parametrize(("fixture", "schema"), EVENT_SCHEMAS)
def test_record_schemas_accept_what_the_crates_wrote(fixture: str, schema: str, view: str) -> None:
    text = (FIXTURES / fixture).read_text(encoding="utf-8")
    docs = [json.loads(x) for x in text.split("\n") if x] if fixture.endswith(".jsonl") else [
        json.loads(text)
    ]  # fmt: skip
    validator = _validator(f"{schema}.{view}.schema.json")
    for doc in docs:
        assert not list(validator.iter_errors(doc)), doc


def test_record_reader_views_accept_serdes_other_forms() -> None:
    """The reader view takes what serde also reads and the wire view refuses: a struct as a
    sequence of its fields, a unit variant as {name: null}, an alias, a missing defaulted key."""
    reader = _validator("phi-core/events/0.12/events.reader.schema.json")
    wire = _validator("phi-core/events/0.12/events.wire.schema.json")
    start = {
        "type": "TurnStart", "loop_id": "l", "turn_index": 0,
        "timestamp": "2026-01-01T00:00:00Z", "triggered_by": "User",
    }  # fmt: skip
    forms = [
        ["TurnStart", "l", 0, "2026-01-01T00:00:00Z", "User"],
        {**start, "triggered_by": {"User": None}},
        {**start, "triggered_by": "FollowUp"},
    ]
    assert not list(wire.iter_errors(start)) and not list(reader.iter_errors(start))
    for form in forms:
        assert not list(reader.iter_errors(form)), form
        assert list(wire.iter_errors(form)), form
    yo = _validator("yoagent/events/0.26.6/events.reader.schema.json")
    assert not list(yo.iter_errors({"type": "agentEnd", "messages": []}))  # stats defaulted
    assert list(_validator("yoagent/events/0.26.6/events.wire.schema.json").iter_errors(
        {"type": "agentEnd", "messages": []}
    ))  # fmt: skip


def _all(errors: list[Any]) -> list[Any]:
    out = []
    for error in errors:
        out.append(error)
        out += _all(list(error.context or []))
    return out


def test_record_schemas_refuse_what_the_crates_refuse() -> None:
    session = json.loads((FIXTURES / "phi-session" / "phi-core-0.15.2.json").read_text())
    errors = list(
        _validator("phi-core/session/0.7/session.reader.schema.json").iter_errors(session)
    )
    assert any("'events' is a required property" in e.message for e in _all(errors))
    events = _validator("yoagent/events/0.26.6/events.reader.schema.json")
    assert list(events.iter_errors({"type": "nope"}))
    assert list(events.iter_errors({"type": "messageEnd"}))
    assert not list(events.iter_errors({"type": "agentStart"}))
    phi = _validator("phi-core/events/0.7/events.reader.schema.json")
    assert list(phi.iter_errors({"type": "TurnRequest", "loop_id": "l"}))


def test_converting_a_session_between_layouts_says_what_it_loses() -> None:
    from agent_conversation.records.phi_sessions import convert_phi_document

    newest = loads_phi_document((FIXTURES / "phi-session" / "phi-core-0.15.2.json").read_text())
    down, losses = convert_phi_document(newest, "phi-core@0.8.0")
    assert down.version == "0.8.0" and down.value["loops"][0]["events"] == []
    assert [p.kind for p in losses] == ["added", "loss"]
    assert losses[1].pointer == "/loops/0/turns/0/request_payload"
    assert "request_payload" not in down.value["loops"][0]["turns"][0]
    oldest = loads_phi_document(
        (FIXTURES / "phi-session" / "phi-core-0.8.0.json").read_text(), "phi-core@0.8.0"
    )
    up, losses = convert_phi_document(oldest, "phi-core@0.15.2")
    assert "events" not in up.value["loops"][0]
    assert [p.message for p in losses] == ["20 loop events dropped"]
    assert up.value["loops"][0]["messages"] == oldest.value["loops"][0]["messages"]


def test_a_hand_built_record_is_checked_when_written() -> None:
    record = {"max_turns": 5, "max_total_tokens": 10, "max_duration": {"secs": 1, "nanos": 0}}
    text = dumps_config(record, "phi-core@0.15.2", "ExecutionLimits")
    assert text.startswith('{"max_turns":5,"max_total_tokens":10,"max_duration":{"secs":1,')
    assert text.endswith('"nanos":0},"max_cost":null}')
    with pytest.raises(ConversationError, match="not a valid ExecutionLimits"):
        dumps_config({**record, "max_turns": -1}, "phi-core@0.15.2", "ExecutionLimits")
    with pytest.raises(ConversationError):
        dumps_config({"enabled": True}, "yoagent@0.26.6", "CacheConfig")
    with pytest.raises(ConversationError, match="needs dialect"):
        dumps_config(record)


def _typed_dict_fits(value: dict[str, Any], candidates: tuple[Any, ...], tag: str) -> Any:
    """The TypedDict among ``candidates`` whose tag literal is the value's, checked to fit."""
    from typing import get_args

    for candidate in candidates:
        hints = candidate.__annotations__
        if tag and get_args(hints[tag]) != (value[tag],):
            continue
        assert set(value) <= set(hints), (candidate.__name__, set(value) - set(hints))
        assert candidate.__required_keys__ <= set(value), candidate.__name__
        return candidate
    raise AssertionError(f"no TypedDict for {value.get(tag)}")


def test_the_typed_dicts_describe_what_the_readers_return() -> None:
    """Each event's, session's and config's keys are those of its generated TypedDict."""
    from typing import get_args

    from agent_conversation.records import types

    for path in EVENTS:
        stream = loads_events(path.read_text(encoding="utf-8"))
        union = types.YoagentAgentEvent if stream.dialect.startswith("yoagent") else (
            types.PhiCoreAgentEvent
        )  # fmt: skip
        for event in stream.events:
            _typed_dict_fits(dict(event), get_args(union), "type")
    for path in SESSIONS:
        doc = loads_phi_document(path.read_text(encoding="utf-8"))
        _typed_dict_fits(dict(doc.value), (types.PhiCoreSession,), "")
        for loop in doc.value["loops"]:
            _typed_dict_fits(dict(loop), (types.PhiCoreLoopRecord,), "")
    for path in CONFIGS:
        config = loads_config(path.read_text(encoding="utf-8"))
        if isinstance(config.value, dict) and "type" not in config.value:
            crate = "Yoagent" if config.dialect.startswith("yoagent") else "PhiCore"
            _typed_dict_fits(dict(config.value), (getattr(types, crate + config.type),), "")


def test_record_typeddicts_are_defined_once() -> None:
    """A TypedDict the same in both crates (or twice in one) is one class under two names."""
    from agent_conversation.records import types

    seen: dict[tuple[Any, ...], str] = {}
    for name, value in vars(types).items():
        if isinstance(value, type) and name == value.__name__ and name.startswith(("Yo", "Phi")):
            shape = (
                tuple((k, repr(v)) for k, v in value.__annotations__.items()),
                value.__required_keys__,
            )
            assert shape not in seen, f"{name} repeats {seen.get(shape)}"
            seen[shape] = name
    assert types.PhiCoreTextContent is types.YoagentTextContent
    assert types.PhiCoreUsage is not types.YoagentUsage
