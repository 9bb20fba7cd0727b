"""convert(): exact target bytes, every loss reported with its index and pointer, round trips."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import agent_conversation as ac
import pytest
from agent_conversation.codec.numbers import format_f64, parse_literal
from agent_conversation.conversion import ConversionRefused, convert_session
from agent_conversation.sessions import dumps_session, loads_session
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = (ROOT / "fixtures" / "examples" / "conversation.json").read_text(encoding="utf-8")
DIALECTS = ac.known_dialects()
DROPPED = ("unknown-key", "metadata-dropped")

# -- format facts (the README's loss table), written out independently of the codec's tables ----
BASE_STOPS = ["stop", "length", "toolUse", "error", "aborted"]
PHI_STOPS = [
    *BASE_STOPS,
    "maxTurns",
    "userStop",
    "handoff",
    "guardRail",
    "contextCompacted",
    "paused",
]
STOPS = {
    "yoagent@0.4": BASE_STOPS,
    "yoagent@0.8": BASE_STOPS,
    "yoagent@0.9": [*BASE_STOPS, "refusal"],
    "yoagent@0.13": [*BASE_STOPS, "refusal"],
    "yoagent@0.22": [*BASE_STOPS, "refusal"],
    "phi-core@0.7": PHI_STOPS,
    "phi-core@0.8": PHI_STOPS,
    "phi-core@0.9": PHI_STOPS,
}
PROVIDER_METADATA = {  # the key each dialect writes, where it has one
    "yoagent@0.8": "provider_metadata",
    "yoagent@0.9": "provider_metadata",
    "yoagent@0.13": "providerMetadata",
    "yoagent@0.22": "providerMetadata",
}
REDACTED = {"yoagent@0.22"}
META_KEYS = ["turnId", "nodeId", "parentId", "tags", "provenanceHint"]
METADATA = {
    "phi-core@0.7": META_KEYS[:1],
    "phi-core@0.8": META_KEYS[:4],
    "phi-core@0.9": META_KEYS,
}


def test_the_facts_above_cover_every_known_revision() -> None:
    # A new wire revision needs its stop reasons, provider-metadata key and metadata keys here.
    assert sorted(STOPS) == sorted(DIALECTS), "add the new revision's facts to this file"


def is_phi(dialect: str) -> bool:
    return dialect.startswith("phi-core")


def golden_cases() -> list[tuple[str, dict]]:
    out = []
    for path in sorted((ROOT / "fixtures" / "golden").glob("*.json")):
        for i, case in enumerate(json.loads(path.read_text(encoding="utf-8"))["cases"]):
            out.append((f"{path.stem}[{i}]", case))
    return out


CASES = golden_cases()


def dropped(conv: ac.Conversation) -> set[str]:
    """Pointers of what the reader dropped (a null phi-core metadata value carries nothing)."""
    return {
        n.pointer
        for n in conv.notes
        if n.kind in DROPPED and n.cause.get("reason", {}).get("got_type") != "null"
    }


IR = {
    "cache_read": "cacheRead",
    "cache_write": "cacheWrite",
    "total_tokens": "totalTokens",
    "error_message": "errorMessage",
    "provider_metadata": "providerMetadata",
    "redacted_protocol": "redactedProtocol",
}


def without(records: list[dict], losses: list[Any]) -> list[dict]:
    """``records`` with every lost item removed (pointers use the source's key names)."""
    out = copy.deepcopy(records)
    for loss in losses:
        parts = loss.pointer.split("/")[1:]
        holder: Any = out
        for part in parts[:-1]:
            holder = holder[int(part)] if isinstance(holder, list) else holder[IR.get(part, part)]
        holder.pop(IR.get(parts[-1], parts[-1]), None)
    return out


@pytest.mark.parametrize(("cid", "case"), CASES, ids=[c for c, _ in CASES])
def test_golden_conversions_between_every_pair(cid: str, case: dict) -> None:
    valid = [d for d, e in case["expect"].items() if e["valid"]]
    assert valid, cid
    for source in valid:
        conv = ac.loads(case["document"], source)
        for target in valid:
            where = (cid, source, target)
            try:
                result = ac.convert(conv, target, allow_loss=True)
            except ConversionRefused as err:
                # Only a stop reason the target lacks refuses even with allow_loss.
                assert err.losses and {x.kind for x in err.losses} == {"stop-reason"}, where
                for loss in err.losses:
                    assert conv.records[loss.index]["stopReason"] not in STOPS[target], where
                with pytest.raises(ConversionRefused):
                    ac.convert(conv, target)
                continue
            reread = ac.loads(case["document"], target)
            if not result.losses and not dropped(reread):
                # Both read all of it, nothing lost: exactly what the target itself writes.
                assert result.text == case["expect"][target]["canonical"], where
            if not result.losses:
                assert ac.convert(conv, target).text == result.text, where
            else:
                with pytest.raises(ConversionRefused) as info:
                    ac.convert(conv, target)
                assert info.value.losses == result.losses, where
            # What the source's own reader dropped is reported, at the same pointers.
            reported = {x.pointer for x in result.losses if x.kind in DROPPED}
            assert reported == dropped(conv), where
            # The output is canonical for the target and reads back without notes.
            assert not result.conversation.notes, where
            assert ac.dumps(ac.loads(result.text, target)) == result.text, where
            # Back to the source: nothing more is lost, and exactly the reported items are gone.
            back = ac.convert(result.conversation, source)
            assert not back.losses, where
            assert back.text == ac.dumps(
                ac.Conversation(without(conv.records, result.losses)),
                source,
                float_format=conv.float_format,
            ), where
            if not result.losses and not dropped(conv):
                assert back.text == case["expect"][source]["canonical"], where


@pytest.mark.parametrize("target", DIALECTS + ["yoagent@0.18.0", "phi-core@0.10.0", "yoagent"])
def test_round_trip_a_b_a_returns_the_original_bytes(target: str) -> None:
    there = ac.convert(ac.loads(EXAMPLE, "yoagent@0.18.0"), target)
    assert not there.losses and there.target == ac.dialects.resolve(target)
    assert there.source == "yoagent@0.13"
    back = ac.convert(there.conversation, "yoagent@0.18.0")
    assert not back.losses
    assert back.text == EXAMPLE


def test_renames_and_reordering_are_not_losses() -> None:
    snake = (
        '[{"role":"assistant","content":[{"type":"toolCall","id":"t","name":"n","arguments":{},'
        '"provider_metadata":{"sig":"x"}}],"stopReason":"stop","model":"m","provider":"p",'
        '"usage":{"input":1,"output":2,"cache_read":3,"cache_write":4,"total_tokens":10},'
        '"timestamp":1,"error_message":"old"}]'
    )
    result = ac.convert(ac.loads(snake, "yoagent@0.12.0"), "yoagent@0.18.0")
    assert result.losses == []
    assert result.text == (
        '[{"role":"assistant","content":[{"type":"toolCall","id":"t","name":"n","arguments":{},'
        '"providerMetadata":{"sig":"x"}}],"stopReason":"stop","model":"m","provider":"p",'
        '"usage":{"input":1,"output":2,"cacheRead":3,"cacheWrite":4,"totalTokens":10},'
        '"timestamp":1,"errorMessage":"old"}]'
    )
    assert ac.convert(result.conversation, "yoagent@0.12.0").text == snake
    # into phi-core: error message kept (snake), usage snake and sorted, reasoning 0 added
    no_meta = snake.replace(',"provider_metadata":{"sig":"x"}', "")
    phi = ac.convert(ac.loads(no_meta, "yoagent@0.9"), "phi-core@0.7")
    assert phi.losses == []
    assert phi.text == (
        '[{"content":[{"arguments":{},"id":"t","name":"n","type":"toolCall"}],'
        '"error_message":"old","model":"m","provider":"p","role":"assistant",'
        '"stopReason":"stop","timestamp":1,"usage":{"cache_read":3,"cache_write":4,'
        '"input":1,"output":2,"reasoning":0,"total_tokens":10}}]'
    )
    assert ac.convert(phi.conversation, "yoagent@0.9").text == no_meta


# -- every loss kind, with its index and pointer ------------------------------------------------

USER = '{"role":"user","content":[{"type":"text","text":"hi"}],"timestamp":1}'
EXT = '{"role":"extension","kind":"k","data":null}'


def assistant(
    *,
    stop: str = "stop",
    blocks: str = '{"type":"text","text":"ok"}',
    usage: str = '"input":1,"output":2',
    extra: str = "",
) -> str:
    return (
        f'{{"role":"assistant","content":[{{"type":"text","text":"a"}},{blocks}],'
        f'"stopReason":"{stop}","model":"m","provider":"p","usage":{{{usage}}},'
        f'"timestamp":2{extra}}}'
    )


def doc(third: str) -> str:
    """The message under test is at index 2, after a user message and an extension record."""
    return f"[{USER},{EXT},{third}]"


TOOL_META = '{"type":"toolCall","id":"t","name":"n","arguments":{},"%s":{"sig":"x"}}'
REDACTED_BLOCK = (
    '{"type":"thinking","thinking":"","redacted":"Zm9v","redactedProtocol":"anthropic_messages"}'
)
TAGS = '[{"kind":"lesson","text":"t","created_at_turn":1,"abandoned_node_ids":[2]}]'

LOSS_CASES = [
    # (source, document, target, [(pointer, kind)])
    ("yoagent@0.13", doc(assistant(blocks=TOOL_META % "providerMetadata")), "phi-core@0.9",
     [("/2/content/1/providerMetadata", "field")]),
    ("yoagent@0.13", doc(assistant(blocks=TOOL_META % "providerMetadata")), "yoagent@0.4",
     [("/2/content/1/providerMetadata", "field")]),
    ("yoagent@0.9", doc(assistant(blocks=TOOL_META % "provider_metadata")), "yoagent@0.4",
     [("/2/content/1/provider_metadata", "field")]),
    ("yoagent@0.8", doc(assistant(blocks=TOOL_META % "provider_metadata")), "phi-core@0.7",
     [("/2/content/1/provider_metadata", "field")]),
    ("yoagent@0.22", doc(assistant(blocks=REDACTED_BLOCK)), "yoagent@0.13",
     [("/2/content/1/redacted", "field"), ("/2/content/1/redactedProtocol", "field")]),
    ("yoagent@0.22", doc(assistant(blocks=REDACTED_BLOCK)), "phi-core@0.8",
     [("/2/content/1/redacted", "field"), ("/2/content/1/redactedProtocol", "field")]),
    ("phi-core@0.9", doc(assistant(usage='"input":1,"output":2,"reasoning":7')), "yoagent@0.18",
     [("/2/usage/reasoning", "usage")]),
    ("phi-core@0.7", doc(assistant(usage='"input":1,"output":2,"reasoning":7')), "yoagent@0.4",
     [("/2/usage/reasoning", "usage")]),
    *[
        ("phi-core@0.9", doc(assistant(extra=f',"{key}":{value}')), target,
         [(f"/2/{key}", "metadata")])
        for key, value in [
            ("turnId", '{"loopId":"l","turnIndex":3}'),
            ("nodeId", "7"),
            ("parentId", "6"),
            ("tags", TAGS),
            ("provenanceHint", '{"kind":"identity-block","name":"n","order":1}'),
        ]
        for target in ("yoagent@0.4", "yoagent@0.22")
    ],
    ("phi-core@0.8", doc(USER[:-1] + ',"nodeId":7,"parentId":6,"tags":' + TAGS + "}"),
     "phi-core@0.7",
     [("/2/nodeId", "metadata"), ("/2/parentId", "metadata"), ("/2/tags", "metadata")]),
    ("phi-core@0.9", doc(USER[:-1] + ',"provenanceHint":{"kind":"steering"}}'), "phi-core@0.8",
     [("/2/provenanceHint", "metadata")]),
    ("phi-core@0.9",
     doc('{"role":"toolResult","toolCallId":"t","toolName":"n","content":[],"isError":false,'
         '"timestamp":3,"turnId":{"loopId":"l","turnIndex":0}}'),
     "yoagent@0.13", [("/2/turnId", "metadata")]),
    *[
        ("yoagent@0.13", doc(assistant(stop="refusal")), target, [("/2/stopReason", "stop-reason")])
        for target in ("phi-core@0.7", "phi-core@0.9", "yoagent@0.4", "yoagent@0.8")
    ],
    *[
        ("phi-core@0.9", doc(assistant(stop=reason)), target, [("/2/stopReason", "stop-reason")])
        for reason in PHI_STOPS[5:]
        for target in ("yoagent@0.4", "yoagent@0.9", "yoagent@0.22")
    ],
    ("yoagent@0.13", doc(USER[:-1] + ',"mood":"x"}'), "yoagent@0.13", [("/2/mood", "unknown-key")]),
    ("yoagent@0.9", doc(assistant(blocks='{"type":"text","text":"t","lang":"en"}')), "phi-core@0.9",
     [("/2/content/1/lang", "unknown-key")]),
    ("yoagent@0.9", doc(assistant(usage='"input":1,"output":2,"cacheRead":5')), "yoagent@0.13",
     [("/2/usage/cacheRead", "unknown-key")]),
    ("phi-core@0.7", doc(assistant(usage='"input":1,"output":2,"cacheRead":5')), "phi-core@0.7",
     [("/2/usage/cacheRead", "unknown-key")]),
    ("yoagent@0.4", doc(assistant(extra=',"errorMessage":"e"')), "phi-core@0.9",
     [("/2/errorMessage", "unknown-key")]),
    ("phi-core@0.9", doc(USER[:-1] + ',"turnId":3}'), "phi-core@0.9",
     [("/2/turnId", "metadata-dropped")]),
    ("yoagent@0.22",
     doc(assistant(blocks='{"type":"thinking","thinking":"t","redacted":"x","redactedProtocol":"pigeon"}')),
     "yoagent@0.22", [("/2/content/1/redactedProtocol", "metadata-dropped")]),
]  # fmt: skip


@pytest.mark.parametrize(("source", "document", "target", "expected"), LOSS_CASES)
def test_every_loss_kind_is_reported_with_index_and_pointer(
    source: str, document: str, target: str, expected: list[tuple[str, str]]
) -> None:
    conv = ac.loads(document, source)
    with pytest.raises(ac.ConversationError) as info:
        ac.convert(conv, target)
    err = info.value
    assert isinstance(err, ConversionRefused)
    assert [(p.index, p.pointer, p.kind) for p in err.problems] == [
        (2, pointer, "loss") for pointer, _ in expected
    ]
    assert [(x.index, x.pointer, x.kind) for x in err.losses] == [
        (2, pointer, kind) for pointer, kind in expected
    ]
    for loss, (pointer, _) in zip(err.losses, expected, strict=True):
        key = pointer.rsplit("/", 1)[-1]
        assert key in loss.what or key == "stopReason", loss
        assert loss.why and str(loss).startswith(f"message 2 ({pointer}): ")
    if any(kind == "stop-reason" for _, kind in expected):
        # Allowing loss is not enough: a message needs a stop reason the target has.
        with pytest.raises(ConversionRefused):
            ac.convert(conv, target, allow_loss=True)
        result = ac.convert(
            conv, target, stop_reason_map={r: "stop" for r in PHI_STOPS + ["refusal"]}
        )
        assert [(x.index, x.pointer, x.kind) for x in result.losses] == [
            (2, "/2/stopReason", "mapped")
        ]
        assert result.lost == [] and len(result.changed) == 1
        assert result.conversation.records[2]["stopReason"] == "stop"
        return
    result = ac.convert(conv, target, allow_loss=True)
    assert [(x.index, x.pointer, x.kind) for x in result.losses] == [
        (2, pointer, kind) for pointer, kind in expected
    ]
    # The text is the target's canonical form of what it can carry; the rest is intact.
    assert ac.dumps(ac.loads(result.text, target)) == result.text
    assert ac.loads(result.text, target).notes == []
    assert result.conversation.records[:2] == conv.records[:2]
    assert ac.convert(result.conversation, source).text == ac.dumps(
        ac.Conversation(without(conv.records, result.losses)), source
    )


def test_zero_reasoning_and_null_metadata_are_not_losses() -> None:
    phi = doc(assistant(usage='"input":1,"output":2,"reasoning":0', extra=',"nodeId":null'))
    conv = ac.loads(phi, "phi-core@0.9")
    assert [n.kind for n in conv.notes] == ["metadata-dropped"]
    assert ac.convert(conv, "yoagent@0.22").losses == []


def test_every_loss_is_listed_in_the_error() -> None:
    frozen = (
        '[{"role":"assistant","content":[{"type":"toolCall","id":"tc-1","name":"bash",'
        '"arguments":{"command":"ls"},"providerMetadata":{"thought_signature":"sig-2"}}],'
        '"stopReason":"refusal","model":"m","provider":"p","usage":{"input":100,"output":50,'
        '"cacheRead":10,"cacheWrite":5,"totalTokens":165},"timestamp":1234,"errorMessage":"boom",'
        '"mood":1},' + USER[:-1] + ',"x":2}]'
    )
    conv = ac.loads(frozen, "yoagent@0.18.0")
    with pytest.raises(ac.ConversationError) as info:
        ac.convert(conv, "phi-core@0.10.0")
    assert [(p.index, p.pointer) for p in info.value.problems] == [
        (0, "/0/content/0/providerMetadata"),
        (0, "/0/stopReason"),
        (0, "/0/mood"),
        (1, "/1/x"),
    ]
    assert "and 3 more problems" in str(info.value)
    result = ac.convert(
        conv, "phi-core@0.10.0", allow_loss=True, stop_reason_map={"refusal": "guardRail"}
    )
    assert result.text == (
        '[{"content":[{"arguments":{"command":"ls"},"id":"tc-1","name":"bash","type":"toolCall"}],'
        '"error_message":"boom","model":"m","provider":"p","role":"assistant",'
        '"stopReason":"guardRail","timestamp":1234,"usage":{"cache_read":10,"cache_write":5,'
        '"input":100,"output":50,"reasoning":0,"total_tokens":165}},'
        '{"content":[{"text":"hi","type":"text"}],"role":"user","timestamp":1}]'
    )
    assert [x.kind for x in result.losses] == ["field", "unknown-key", "mapped", "unknown-key"]
    assert conv.records[0]["stopReason"] == "refusal"  # the source is not changed


def test_stop_reason_map() -> None:
    conv = ac.loads(doc(assistant(stop="refusal")), "yoagent@0.13")
    # a mapping to a reason the target lacks is a usage error, whatever allow_loss says
    with pytest.raises(ac.ConversationError, match="no stop reason 'paused'"):
        ac.convert(conv, "yoagent@0.4", allow_loss=True, stop_reason_map={"refusal": "paused"})
    # only reasons the target lacks are mapped
    same = ac.convert(conv, "yoagent@0.9", stop_reason_map={"refusal": "error", "stop": "length"})
    assert same.losses == [] and '"stopReason":"refusal"' in same.text
    mapped = ac.convert(conv, "yoagent@0.8", stop_reason_map={"refusal": "error"})
    assert '"stopReason":"error"' in mapped.text
    assert str(mapped.losses[0]) == (
        "message 2 (/2/stopReason): stop reason 'refusal' written as 'error' — "
        "yoagent@0.8 has no 'refusal'; mapped as asked"
    )


def test_hand_built_conversations_convert_too() -> None:
    conv = ac.Conversation.new()
    conv.add_user("hi", timestamp=1)
    conv.add_assistant("ok", model="m", provider="p", stop_reason="refusal", timestamp=2)
    with pytest.raises(ConversionRefused):
        ac.convert(conv, "phi-core")
    result = ac.convert(conv, "yoagent@0.13")
    assert result.source is None and result.losses == []
    assert result.text == ac.dumps(conv, "yoagent@0.13")


def test_float_format() -> None:
    conv = ac.loads('[{"role":"x","kind":"k","data":[1e16,1.5e-7]}]', "yoagent@0.13")
    assert ac.convert(conv, "phi-core").text.endswith('"data":[1e16,1.5e-7]}]')
    zmij = ac.convert(conv, "phi-core", float_format="zmij")
    assert zmij.text.endswith('"data":[1e+16,1.5e-7]}]')
    with pytest.raises(ac.ConversationError, match="float_format"):
        ac.convert(conv, "phi-core", float_format="repr")


def test_unknown_dialect_is_a_conversation_error() -> None:
    with pytest.raises(ac.ConversationError, match="unknown dialect"):
        ac.convert(ac.loads(EXAMPLE), "yoagent@0.2")


def test_exported_from_the_package() -> None:
    import agent_conversation

    assert "convert" in agent_conversation.__all__
    assert "ConversionResult" in agent_conversation.__all__
    assert isinstance(
        ac.convert(ac.loads(EXAMPLE), "phi-core"), agent_conversation.ConversionResult
    )


def test_convert_is_the_function_whatever_was_imported() -> None:
    # The module is agent_conversation.conversion and the CLI agent_conversation.cli.convert:
    # importing either leaves the package attribute ``convert`` the function (no module named
    # agent_conversation.convert exists to shadow it).
    import importlib.util

    import agent_conversation
    import agent_conversation.cli.convert
    import agent_conversation.conversion
    from agent_conversation import convert

    assert convert is agent_conversation.conversion.convert
    assert agent_conversation.convert is convert
    assert importlib.util.find_spec("agent_conversation.convert") is None


# -- sessions ----------------------------------------------------------------------------------

SESSION = "\n".join(
    [
        '{"id":"e1","parent_id":null,"message":' + USER + ',"timestamp":5}',
        '{"id":"e2","parent_id":"e1","message":'
        + assistant(
            blocks=TOOL_META % "providerMetadata",
            usage='"input":1,"output":2,"cacheRead":3,"cacheWrite":0,"totalTokens":3',
        )
        + ',"timestamp":6,"label":"checkpoint"}',
        '{"id":"e3","parent_id":"e1","message":' + USER[:-1] + ',"mood":1},"timestamp":7,"x":0}',
    ]
)


def test_session_conversion_keeps_ids_parents_and_labels() -> None:
    session = loads_session(SESSION, "yoagent@0.18.0")
    with pytest.raises(ConversionRefused) as info:
        convert_session(session, "yoagent@0.12.0")
    assert [(x.index, x.line, x.pointer, x.kind) for x in info.value.losses] == [
        (2, 3, "/x", "unknown-key"),
        (2, 3, "/message/mood", "unknown-key"),
    ]
    result = convert_session(session, "yoagent@0.12.0", allow_loss=True)
    lines = result.text.split("\n")
    assert len(lines) == 3 and not result.text.endswith("\n")
    assert lines[0] == '{"id":"e1","parent_id":null,"message":' + USER + ',"timestamp":5}'
    assert lines[1].startswith('{"id":"e2","parent_id":"e1","message":{"role":"assistant"')
    assert '"provider_metadata":{"sig":"x"}' in lines[1] and '"cache_read":3' in lines[1]
    assert lines[1].endswith('"timestamp":6,"label":"checkpoint"}')
    assert lines[2] == '{"id":"e3","parent_id":"e1","message":' + USER + ',"timestamp":7}'
    assert [e.id for e in result.session.entries] == ["e1", "e2", "e3"]
    # the same bytes as the session writer, and each message as convert() writes it
    assert result.text == dumps_session(result.session)
    for entry, line in zip(session.entries, lines, strict=True):
        one = ac.convert(
            ac.Conversation([entry.message], dialect=session.dialect), "yoagent@0.12.0"
        )
        assert one.text[1:-1] in line
    # and back: nothing more is lost
    back = convert_session(result.session, "yoagent@0.18.0")
    assert back.losses == []
    assert back.text == SESSION.replace(',"mood":1', "").replace(',"x":0', "")


def test_session_losses_carry_the_line() -> None:
    line = (
        '{"id":"e9","parent_id":"e1","message":'
        + assistant(blocks=REDACTED_BLOCK)
        + ',"timestamp":8}'
    )
    session = loads_session(SESSION + "\n\n" + line, "yoagent@0.26.0")
    with pytest.raises(ConversionRefused) as info:
        convert_session(session, "yoagent@0.18.0")
    losses = [(x.index, x.line, x.pointer, x.kind) for x in info.value.losses]
    assert losses == [
        (2, 3, "/x", "unknown-key"),
        (2, 3, "/message/mood", "unknown-key"),
        (3, 5, "/message/content/1/redacted", "field"),
        (3, 5, "/message/content/1/redactedProtocol", "field"),
    ]
    assert str(info.value.losses[2]).startswith("line 5 (/message/content/1/redacted): ")
    assert [p.line for p in info.value.problems] == [3, 3, 5, 5]


def test_session_targets_must_have_sessions() -> None:
    session = loads_session(SESSION, "yoagent@0.18.0")
    for target in ("phi-core", "yoagent@0.10.1"):
        with pytest.raises(ac.ConversationError, match="has no session files"):
            convert_session(session, target, allow_loss=True)
    assert convert_session(session, "yoagent@0.11.0", allow_loss=True).target == "yoagent@0.9"


# -- properties ----------------------------------------------------------------------------------

text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=8)
u32 = st.integers(0, 2**32 - 1)
u64 = st.integers(0, 2**64 - 1)
floats = st.floats(allow_nan=False, allow_infinity=False).filter(
    lambda v: parse_literal(format_f64(v)) == v
)
free = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**64 - 1) | floats | text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=6,
)
METADATA_VALUES = {
    "turnId": st.fixed_dictionaries({"loopId": text, "turnIndex": u32}),
    "nodeId": u64,
    "parentId": u64,
    "tags": st.lists(
        st.fixed_dictionaries(
            {
                "kind": st.sampled_from(["lesson", "finding", "outcome", "checkpoint"]),
                "text": text,
                "created_at_turn": u32,
                "abandoned_node_ids": st.lists(u64, max_size=2),
            }
        ),
        min_size=1,
        max_size=2,
    ),
    "provenanceHint": st.sampled_from(
        [
            {"kind": "system-prompt"},
            {"kind": "identity-block", "name": "soul", "order": 2},
            {"kind": "memory-tier", "tier": "long", "record_id": "r1"},
            {"kind": "loop-turn", "turn_index": 1, "role": "tool-call-result", "message_index": 4},
            {"kind": "follow-up"},
        ]
    ),
}


@st.composite
def history(draw: Any, dialect: str) -> list[dict]:
    """Records that ``dialect`` carries in full, using every feature it has."""

    def block() -> dict:
        kind = draw(st.sampled_from(["text", "image", "thinking", "toolCall"]))
        if kind == "text":
            return {"type": "text", "text": draw(text)}
        if kind == "image":
            return {"type": "image", "data": draw(text), "mimeType": draw(text)}
        if kind == "thinking":
            out = {"type": "thinking", "thinking": draw(text)}
            if draw(st.booleans()):
                out["signature"] = draw(text)
            if dialect in REDACTED and draw(st.booleans()):
                out["redacted"] = draw(text)
                if draw(st.booleans()):
                    out["redactedProtocol"] = draw(
                        st.sampled_from(["anthropic_messages", "google_vertex"])
                    )
            return out
        out = {"type": "toolCall", "id": draw(text), "name": draw(text), "arguments": draw(free)}
        if dialect in PROVIDER_METADATA and draw(st.booleans()):
            out["providerMetadata"] = draw(free.filter(lambda v: v is not None))  # null = absent
        return out

    def metadata(record: dict) -> dict:
        for key in METADATA.get(dialect, []):
            if draw(st.integers(0, 3)) == 0:
                record[key] = draw(METADATA_VALUES[key])
        return record

    out = []
    for _ in range(draw(st.integers(0, 4))):
        role = draw(st.sampled_from(["user", "assistant", "toolResult", "extension"]))
        content = [block() for _ in range(draw(st.integers(0, 3)))]
        ts = draw(u64)
        if role == "extension":
            out.append({"role": draw(text), "kind": draw(text), "data": draw(free)})
        elif role == "user":
            out.append(metadata({"role": "user", "content": content, "timestamp": ts}))
        elif role == "toolResult":
            out.append(
                metadata(
                    {
                        "role": "toolResult",
                        "toolCallId": draw(text),
                        "toolName": draw(text),
                        "content": content,
                        "isError": draw(st.booleans()),
                        "timestamp": ts,
                    }
                )
            )
        else:
            usage = {
                k: draw(u64) for k in ("input", "output", "cacheRead", "cacheWrite", "totalTokens")
            }
            if is_phi(dialect):
                usage["reasoning"] = draw(st.sampled_from([0, 0, 5]))
            record = {
                "role": "assistant",
                "content": content,
                "stopReason": draw(st.sampled_from(STOPS[dialect])),
                "model": draw(text),
                "provider": draw(text),
                "usage": usage,
                "timestamp": ts,
            }
            if draw(st.booleans()):
                record["errorMessage"] = draw(text)
            out.append(metadata(record))
    return out


def expected_losses(records: list[dict], source: str, target: str) -> list[tuple[int, str, str]]:
    """What the format facts say is lost from ``source`` into ``target`` (stop reasons mapped)."""
    out = []
    for i, rec in enumerate(records):
        if "kind" in rec:
            continue
        for j, block in enumerate(rec["content"]):
            if "providerMetadata" in block and target not in PROVIDER_METADATA:
                out.append((i, f"/{i}/content/{j}/{PROVIDER_METADATA[source]}", "field"))
            for key in ("redacted", "redactedProtocol"):
                if key in block and target not in REDACTED:
                    out.append((i, f"/{i}/content/{j}/{key}", "field"))
        if rec.get("usage", {}).get("reasoning") and not is_phi(target):
            out.append((i, f"/{i}/usage/reasoning", "usage"))
        for key in META_KEYS:
            if key in rec and key not in METADATA.get(target, []):
                out.append((i, f"/{i}/{key}", "metadata"))
        if rec.get("stopReason", "stop") not in STOPS[target]:
            out.append((i, f"/{i}/stopReason", "mapped"))
    return sorted(out)


EVERY_REASON_TO_STOP = {reason: "stop" for reason in PHI_STOPS + ["refusal"]}


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), st.sampled_from(DIALECTS), st.sampled_from(DIALECTS))
def test_conversions_report_exactly_what_format_md_says_and_round_trip(
    data: Any, source: str, target: str
) -> None:
    records = data.draw(history(source))
    original = ac.dumps(ac.Conversation(records), source)
    conv = ac.loads(original, source)
    assert conv.notes == []
    expected = expected_losses(records, source, target)
    result = ac.convert(conv, target, allow_loss=True, stop_reason_map=EVERY_REASON_TO_STOP)
    assert sorted((x.index, x.pointer, x.kind) for x in result.losses) == expected
    # the same from hand-built records
    hand = ac.convert(
        ac.Conversation(records), target, allow_loss=True, stop_reason_map=EVERY_REASON_TO_STOP
    )
    assert hand.text == result.text
    reread = ac.loads(result.text, target)
    assert reread.notes == [] and ac.dumps(reread) == result.text
    if any(kind != "mapped" for *_, kind in expected):
        with pytest.raises(ConversionRefused) as info:
            ac.convert(conv, target, stop_reason_map=EVERY_REASON_TO_STOP)
        assert len(info.value.losses) == len([x for x in expected if x[2] != "mapped"])
    back = ac.convert(result.conversation, source)
    assert back.losses == []
    if not expected:
        # lossless: A -> B -> A gives the original bytes
        assert back.text == original
    else:
        want = without(records, [x for x in result.losses if not x.is_change])
        for x in result.changed:
            want[x.index]["stopReason"] = "stop"
        assert back.text == ac.dumps(ac.Conversation(want), source)
