"""The public codec API: names, dialect resolution, builders, errors, atomic files."""

from __future__ import annotations

import json
import os
from pathlib import Path

import agent_conversation as ac
import pytest
from agent_conversation.dialects import resolve

SEED = """[
  {"role": "user", "content": [{"type": "text", "text": "Hello"}], "timestamp": 1700000000000},
  {"role": "assistant", "content": [{"type": "text", "text": "Hi there!"}], "stopReason": "stop",
   "model": "claude-sonnet-4-20250514", "provider": "anthropic",
   "usage": {"input": 100, "output": 50, "cache_read": 0, "cache_write": 0, "total_tokens": 150},
   "timestamp": 1700000001000}
]"""


@pytest.mark.parametrize(
    ("name", "revision"),
    [
        ("yoagent@0.4.0", "yoagent@0.4"),
        ("yoagent@0.7.3", "yoagent@0.4"),
        ("yoagent@0.8.1", "yoagent@0.8"),
        ("yoagent@0.12.0", "yoagent@0.9"),
        ("yoagent@0.16.2", "yoagent@0.13"),
        ("yoagent@0.18", "yoagent@0.13"),
        ("phi-core@0.7.0", "phi-core@0.7"),
        ("phi-core@0.8.3", "phi-core@0.8"),
        ("phi-core@0.10.0", "phi-core@0.9"),
        ("yoagent@0.13", "yoagent@0.13"),
    ],
)
def test_dialect_names_map_to_revisions(name: str, revision: str) -> None:
    assert resolve(name) == revision


def test_bare_crate_names_mean_the_newest_revision() -> None:
    assert resolve("yoagent") == [d for d in ac.known_dialects() if d.startswith("yoagent")][-1]
    assert resolve("phi-core") == [d for d in ac.known_dialects() if d.startswith("phi-core")][-1]


@pytest.mark.parametrize("name", ["yoagent@0.3.0", "langchain", "yoagent@x.y", "phi-core@0.1.0"])
def test_unknown_dialects_are_a_clear_error(name: str) -> None:
    with pytest.raises(ac.ConversationError) as info:
        ac.loads("[]", name)
    assert "known revisions" in str(info.value)
    assert isinstance(info.value, ValueError)


def test_seed_example_round_trips_per_dialect() -> None:
    compact_snake = (
        '[{"role":"user","content":[{"type":"text","text":"Hello"}],"timestamp":1700000000000},'
        '{"role":"assistant","content":[{"type":"text","text":"Hi there!"}],"stopReason":"stop",'
        '"model":"claude-sonnet-4-20250514","provider":"anthropic","usage":{"input":100,"output":50,'
        '"cache_read":0,"cache_write":0,"total_tokens":150},"timestamp":1700000001000}]'
    )
    assert ac.dumps(ac.loads(SEED, "yoagent@0.12.0")) == compact_snake
    camel = ac.dumps(ac.loads(SEED, "yoagent@0.18.0"))
    assert (
        '"usage":{"input":100,"output":50,"cacheRead":0,"cacheWrite":0,"totalTokens":150}' in camel
    )
    phi = ac.dumps(ac.loads(SEED, "phi-core@0.10.0"))
    assert phi.startswith('[{"content":[{"text":"Hello","type":"text"}],"role":"user"')
    assert '"reasoning":0' in phi


def test_auto_detects_and_records_the_dialect() -> None:
    conv = ac.loads(SEED)
    assert conv.dialect == "yoagent@0.9"
    assert ac.detect(SEED)[0] == "yoagent@0.9"
    assert set(ac.detect(SEED)) == set(ac.known_dialects())
    camel = ac.dumps(ac.loads(SEED, "yoagent@0.18.0"))
    assert ac.loads(camel).dialect == "yoagent@0.22"
    phi = ac.dumps(ac.loads(SEED, "phi-core@0.10.0"))
    assert ac.detect(phi)[0].startswith("phi-core@")
    assert ac.detect("not json") == []


def test_problems_name_message_pointer_line_and_cause() -> None:
    doc = (
        '[\n{"role":"user","content":[],"timestamp":1},'
        '\n{"role":"user","content":[],"timestamp":1.5}\n]'
    )
    with pytest.raises(ac.ConversationError) as info:
        ac.loads(doc, "yoagent@0.18.0")
    (problem,) = info.value.problems
    assert problem.index == 1
    assert problem.pointer == "/1/timestamp"
    assert (problem.line, problem.column) == (3, 41)
    assert "1.5" in problem.message and "extension record" in problem.message
    assert str(problem).startswith("message 1 (/1/timestamp)")


def test_every_bad_message_is_reported() -> None:
    doc = json.dumps(
        [
            {"role": "user", "content": [], "timestamp": -1},
            {"role": "user", "content": [], "timestamp": 1},
            {"role": "assistant", "content": []},
        ]
    )
    with pytest.raises(ac.ConversationError) as info:
        ac.loads(doc, "yoagent@0.13")
    assert [p.index for p in info.value.problems] == [0, 2]


def test_notes_list_what_would_not_survive() -> None:
    doc = (
        '[{"role":"user","content":[],"timestamp":1,"extra":true},'
        '{"role":"assistant","content":[],"stopReason":"stop","model":"m","provider":"p",'
        '"usage":{"input":1,"output":2,"cache_read":3},"timestamp":2,"errorMessage":null}]'
    )
    conv = ac.loads(doc, "yoagent@0.13")
    kinds = {(n.pointer, n.kind) for n in conv.notes}
    assert ("/0/extra", "unknown-key") in kinds
    assert ("/1/usage/cache_read", "alias") in kinds
    assert ("/1/errorMessage", "null-optional") in kinds


def test_build_from_scratch_and_dump_for_rust() -> None:
    conv = ac.Conversation.new()
    conv.add_user("list the files", timestamp=1)
    conv.add_assistant(
        [{"type": "toolCall", "id": "c1", "name": "bash", "arguments": {"z": 1, "a": [0.5, 1e16]}}],
        model="m",
        provider="p",
        stop_reason="toolUse",
        usage={"input": 3, "output": 4},
        timestamp=2,
    )
    conv.add_tool_result("c1", "bash", "a.txt", timestamp=3)
    conv.add_extension("status_update", {"status": "done"})
    text = ac.dumps(conv, "yoagent@0.18.0")
    # Built by hand: floats as a fresh build writes them (serde_json >= 1.0.147, zmij).
    assert conv.float_format == "zmij" and not conv.float_format_detected
    assert '"arguments":{"a":[0.5,1e+16],"z":1}' in text
    ryu = ac.dumps(conv, "yoagent@0.18.0", float_format="ryu")
    assert ryu == text.replace("1e+16", "1e16")
    again = ac.loads(text, "yoagent@0.18.0")
    assert ac.dumps(again) == text
    assert again.records == ac.loads(ac.dumps(again), "yoagent@0.13").records


def test_hand_built_records_are_validated_on_write() -> None:
    conv = ac.Conversation.new()
    conv.append({"role": "user", "content": [], "timestamp": -5})
    with pytest.raises(ac.ConversationError):
        ac.dumps(conv, "yoagent@0.13")


def test_same_crate_writes_refuse_losses() -> None:
    camel = (
        '[{"role":"assistant","content":[{"type":"toolCall","id":"t","name":"n","arguments":{},'
        '"providerMetadata":{"sig":"x"}}],"stopReason":"refusal","model":"m","provider":"p",'
        '"usage":{"input":1,"output":2},"timestamp":1}]'
    )
    conv = ac.loads(camel, "yoagent@0.18.0")
    with pytest.raises(ac.ConversationError) as info:
        ac.dumps(conv, "yoagent@0.4.0")
    text = str(info.value.problems)
    assert "providerMetadata" in text and "refusal" in text
    assert ac.dumps(conv, "yoagent@0.9.0").count("provider_metadata") == 1
    with pytest.raises(ac.ConversationError):
        ac.dumps(conv, "phi-core@0.10.0")


def test_load_and_atomic_dump(tmp_path: Path) -> None:
    src = tmp_path / "conv.json"
    src.write_text(SEED, encoding="utf-8")
    conv = ac.load(src, "yoagent@0.13")
    out = tmp_path / "out.json"
    ac.dump(conv, out, "yoagent@0.13")
    assert out.read_text(encoding="utf-8") == ac.dumps(conv)
    assert src.read_text(encoding="utf-8") == SEED  # the input is never touched
    assert sorted(os.listdir(tmp_path)) == ["conv.json", "out.json"]


def test_failed_dump_leaves_the_old_file(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    out.write_text("old", encoding="utf-8")
    conv = ac.Conversation.new()
    conv.append({"role": "user", "content": "not a list", "timestamp": 1})
    with pytest.raises(ac.ConversationError):
        ac.dump(conv, out, "yoagent@0.13")
    assert out.read_text(encoding="utf-8") == "old"
    assert os.listdir(tmp_path) == ["out.json"]


@pytest.mark.parametrize(
    "data",
    [b"", b"\xff\xfe[]", "\ufeff[]", "[] x", "{}", "[" * 200 + "]" * 200, '["\\ud800"]'],
)
def test_bad_documents_raise_conversation_error(data: object) -> None:
    with pytest.raises(ac.ConversationError) as info:
        ac.loads(data, "yoagent@0.13")  # type: ignore[arg-type]
    assert info.value.problems


def test_lone_surrogate_in_python_str_is_rejected() -> None:
    with pytest.raises(ac.ConversationError):
        ac.loads('[{"role":"x","kind":"k","data":"\ud800"}]', "yoagent@0.13")


@pytest.mark.parametrize(
    ("name", "revision"),
    [
        ("yoagent@0.19.0", "yoagent@0.13"),
        ("yoagent@0.21.3", "yoagent@0.13"),
        ("yoagent@0.22.0", "yoagent@0.22"),
        ("yoagent@0.26.6", "yoagent@0.22"),
        ("phi-core@0.12.0", "phi-core@0.9"),
        ("phi-core@0.15.2", "phi-core@0.9"),
    ],
)
def test_newer_crate_versions_map_to_their_revisions(name: str, revision: str) -> None:
    assert resolve(name) == revision


def test_yoagent_022_redacted_thinking() -> None:
    doc = (
        '[{"role":"assistant","content":[{"redacted_protocol":"google_vertex","redacted":"Zm9v",'
        '"thinking":"","type":"thinking"},{"type":"thinking","thinking":"t",'
        '"redactedProtocol":"carrier_pigeon"}],"stopReason":"stop","model":"m","provider":"p",'
        '"usage":{"input":1,"output":2},"timestamp":3}]'
    )
    conv = ac.loads(doc, "yoagent@0.26.6")
    out = ac.dumps(conv)
    assert (
        '"content":[{"type":"thinking","thinking":"","redacted":"Zm9v",'
        '"redactedProtocol":"google_vertex"},{"type":"thinking","thinking":"t"}]' in out
    )
    kinds = {n.kind for n in conv.notes}
    assert {"alias", "metadata-dropped"} <= kinds
    # Older revisions do not know these keys: they are dropped as unknown.
    assert '"redacted"' not in ac.dumps(ac.loads(doc, "yoagent@0.18.0"))
    with pytest.raises(ac.ConversationError):
        ac.dumps(conv, "yoagent@0.18.0")  # would lose the redacted reasoning


def test_float_format_follows_the_serde_json_version() -> None:
    doc = '[{"role":"x","kind":"k","data":[1e16,1.5e300,1e-7,100.0,-0.0,1e15]}]'
    conv = ac.loads(doc, "yoagent@0.18")
    assert ac.dumps(conv).endswith('"data":[1e16,1.5e300,1e-7,100.0,-0.0,1000000000000000.0]}]')
    zmij = ac.dumps(conv, float_format="zmij")
    assert zmij.endswith('"data":[1e+16,1.5e+300,1e-7,100.0,-0.0,1000000000000000.0]}]')
    assert ac.loads(zmij, "yoagent@0.18").records == conv.records
    with pytest.raises(ac.ConversationError):
        ac.dumps(conv, float_format="grisu")


@pytest.mark.parametrize(
    ("dialect", "key"),
    [
        ("yoagent@0.8", "provider_metadata"),
        ("yoagent@0.9", "provider_metadata"),
        ("yoagent@0.13", "providerMetadata"),
        ("yoagent@0.22", "providerMetadata"),
    ],
)
def test_null_provider_metadata_reads_as_absent(dialect: str, key: str) -> None:
    doc = (
        '[{"role":"user","content":[{"type":"toolCall","id":"c","name":"b","arguments":"l",'
        f'"{key}":null}}],"timestamp":1}}]'
    )
    conv = ac.loads(doc, dialect)
    assert key not in ac.dumps(conv)
    assert [n.kind for n in conv.notes] == ["null-optional"]


# serde_json's own message and column for each (read off yoagent 0.26.6 with the interop
# harness): it reads bytes, so an error on a multi-byte character counts its first byte only,
# only ASCII digits are digits, and a number is one token (`1.x` fails inside the number).
SERDE_SYNTAX_COLUMNS = [
    ("[1.x]", "invalid number", 4),
    ("[01]", "invalid number", 3),
    ("[1.\u0663]", "invalid number", 4),
    ("[1e\u0663]", "invalid number", 4),
    ("[1E+\u00e9]", "invalid number", 5),
    ("[-\U0001f600]", "invalid number", 3),
    ("[tr\U0001f600e]", "expected ident", 4),
    ("[nul\U0001f600]", "expected ident", 5),
    ('[{"a":"\\\U0001f600"}]', "invalid escape", 9),
    ('[{"a":"\\ud83d\U0001f600"}]', None, 14),
    ('[{"a":"\\ud83d\\\U0001f600"}]', None, 15),
    ('[{"role":"user","content":[],"timestamp":1},1e\u0663]', "invalid number", 47),
]


@pytest.mark.parametrize(("doc", "words", "column"), SERDE_SYNTAX_COLUMNS)
def test_syntax_errors_sit_where_serde_puts_them(doc: str, words: str | None, column: int) -> None:
    with pytest.raises(ac.ConversationError) as err:
        ac.loads(doc, "yoagent@0.22")
    last = err.value.problems[-1]
    assert (last.line, last.column) == (1, column)
    if words is not None:
        assert last.message == words


def test_public_signatures_resolve_at_run_time() -> None:
    """``typing.get_type_hints`` (documentation tools, pydantic's validate_call) resolves every
    public function's annotations, the ``**options: Unpack[...]`` keywords included."""
    import inspect
    import typing

    from agent_conversation import exchange, streaming
    from agent_conversation.sessions import yoagent as yoagent_sessions

    # (not `schemas`: its validator()/registry() name jsonschema/referencing types, imported
    # only when called, so that `import agent_conversation` stays fast)
    modules = [ac, exchange, streaming, yoagent_sessions]
    checked = 0
    for module in modules:
        for name in getattr(module, "__all__", []):
            value = getattr(module, name)
            if inspect.isfunction(value):
                typing.get_type_hints(value)
                checked += 1
    assert checked > 20
    assert "options" in typing.get_type_hints(ac.convert)
