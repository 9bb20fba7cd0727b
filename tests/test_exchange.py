"""Exchange formats: exports validate with the consumers' own types, imports start from documents
those libraries produce, and crate → format → crate round trips lose only what is named."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timezone
from functools import cache
from typing import Any

import agent_conversation as ac
import jsonschema
import pytest
from agent_conversation.conversion import ConversionRefused
from agent_conversation.dialects import known_dialects
from agent_conversation.errors import ConversationError
from agent_conversation.exchange import FORMATS, Fill, export, import_
from exchange_harness import LOOP_HISTORIES, golden_histories, loop_histories
from exchange_roundtrip import unexplained
from exchange_sdk import check


def all_histories() -> list[tuple[str, str, str]]:
    return [
        (dialect, name, document)
        for dialect in known_dialects()
        for name, document in golden_histories(dialect) + loop_histories(dialect)
    ]


HISTORIES = all_histories()


@pytest.mark.parametrize("fmt", FORMATS)
def test_exports_validate_with_the_sdk_types(fmt: str) -> None:
    for dialect, name, document in HISTORIES:
        result = export(ac.loads(document, dialect), fmt, allow_loss=True)
        try:
            check(fmt, result.document)
        except Exception as err:  # pragma: no cover - the message names the history
            raise AssertionError(f"{dialect} {name}: {err}") from err
        assert json.loads(result.text.split("\n")[0]) == result.document


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trips_lose_only_what_the_reports_name(fmt: str) -> None:
    for dialect, name, document in HISTORIES:
        problems = unexplained(ac.loads(document, dialect), fmt)
        assert not problems, (dialect, name, problems)


def loop(name: str, dialect: str = "yoagent@0.22") -> ac.Conversation:
    return ac.loads(dict(loop_histories(dialect))[f"loop/{name}"], dialect)


def test_openai_chat_export_of_a_tool_round() -> None:
    result = export(loop("tool-round"), "openai-chat", allow_loss=True, float_format="zmij")
    messages = result.document["messages"]
    assert messages[0] == {"role": "user", "content": "List the files and read the first one"}
    call = messages[1]["tool_calls"][0]
    # serde_json's text of the value: keys sorted at every depth, zmij floats
    assert call["function"]["arguments"] == (
        '{"command":"ls -la","nested":{"a":[1e+16,-0.0],"b":2.5},"z":1}'
    )
    assert messages[2] == {"role": "tool", "tool_call_id": "call_1", "content": "a.txt\nb.txt"}
    assert result.document["tools"] == [
        {"type": "function", "function": {"name": "bash"}},
        {"type": "function", "function": {"name": "read_file"}},
    ]
    assert [(loss.pointer, loss.kind) for loss in result.losses] == [("/3/isError", "is-error")]
    # the default (auto) follows the conversation's own layout; ryu names the older one
    auto = export(loop("tool-round"), "openai-chat", allow_loss=True)
    assert auto.document == result.document
    ryu = export(loop("tool-round"), "openai-chat", allow_loss=True, float_format="ryu")
    assert "1e16" in ryu.document["messages"][1]["tool_calls"][0]["function"]["arguments"]


def test_export_refuses_content_losses_and_names_them() -> None:
    with pytest.raises(ConversionRefused) as refused:
        export(loop("thinking"), "openai-chat")
    assert [(loss.pointer, loss.kind) for loss in refused.value.losses] == [
        ("/1/content/0", "thinking"),
        ("/1/content/1", "thinking"),
    ]
    # the same history goes to Anthropic whole: unsigned thinking is sent with "signature": ""
    result = export(loop("thinking"), "anthropic-messages")
    assert result.losses == []
    assert result.document["messages"][1]["content"][:2] == [
        {"type": "thinking", "thinking": "unsigned reasoning", "signature": ""},
        {"type": "thinking", "thinking": "signed reasoning", "signature": "sig-abc"},
    ]
    # bookkeeping the format has no field for is reported, never refused
    assert {loss.pointer for loss in result.omitted} >= {"/0/timestamp", "/1/usage", "/1/model"}


def test_anthropic_leaves_out_empty_assistant_turns_as_yoagent_does() -> None:
    result = export(loop("error-turn"), "anthropic-messages")
    roles = [m["role"] for m in result.document["messages"]]
    assert roles == ["user", "user", "assistant"]
    omitted = {loss.pointer: loss.what for loss in result.omitted}
    assert omitted["/1"] == "assistant turn with nothing to send"
    assert "/1/errorMessage" in omitted


def test_redacted_thinking_goes_back_only_to_the_api_that_made_it() -> None:
    conv = ac.loads(dict(loop_histories("yoagent@0.22"))["loop/redacted-thinking"], "yoagent@0.22")
    result = export(conv, "anthropic-messages", allow_loss=True)
    assert result.document["messages"][1]["content"][0] == {
        "type": "redacted_thinking",
        "data": "ZW5jcnlwdGVk",
    }
    assert [(loss.pointer, loss.kind) for loss in result.losses] == [("/1/content/1", "thinking")]


def test_system_prompt_option() -> None:
    conv = loop("error-turn")
    openai = export(
        conv, "openai-chat", allow_loss=True, system="Be brief", system_role="developer"
    )
    assert openai.document["messages"][0] == {"role": "developer", "content": "Be brief"}
    anthropic = export(conv, "anthropic-messages", system="Be brief")
    assert anthropic.document["system"] == "Be brief"
    pyd = export(conv, "pydantic-ai", system="Be brief")
    assert pyd.document[0]["parts"][0] == {"content": "Be brief", "part_kind": "system-prompt"}
    check("pydantic-ai", pyd.document)


def test_finetune_line_is_one_jsonl_line_with_string_assistant_content() -> None:
    result = export(loop("extension-and-empty"), "openai-finetune", allow_loss=True)
    assert result.text.endswith("\n") and result.text.count("\n") == 1
    assert result.document["messages"][1] == {"role": "assistant", "content": "First\nSecond"}
    assert "/2/content" in {loss.pointer for loss in result.omitted}


# -- imports from documents the libraries produce ----------------------------------------------


def test_import_openai_sdk_messages() -> None:
    from openai.types.chat import ChatCompletion

    completion = ChatCompletion.model_validate(
        {
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "created": 1700000000,
            "model": "gpt-4o",
            "choices": [
                {
                    "index": 0,
                    "finish_reason": "tool_calls",
                    "message": {
                        "role": "assistant",
                        "content": "Checking.",
                        "tool_calls": [
                            {
                                "id": "call_1",
                                "type": "function",
                                "function": {
                                    "name": "bash",
                                    "arguments": '{"cmd": "ls", "n": 1.5}',
                                },
                            }
                        ],
                    },
                }
            ],
        }
    )
    history = [
        {"role": "system", "content": "Be brief"},
        {"role": "user", "content": "What is here?"},
        completion.choices[0].message.model_dump(exclude_none=True),
        {"role": "tool", "tool_call_id": "call_1", "content": "a.txt"},
    ]
    with pytest.raises(ConversionRefused) as refused:
        import_(json.dumps({"messages": history}), "openai-chat", "yoagent@0.26.6")
    assert [loss.kind for loss in refused.value.losses] == ["system"]
    fill = Fill(start_time=1700000000000, model="gpt-4o", provider="openai")
    result = import_({"messages": history[1:]}, "openai-chat", "yoagent@0.26.6", fill=fill)
    assert result.text == (
        '[{"role":"user","content":[{"type":"text","text":"What is here?"}],'
        '"timestamp":1700000000000},'
        '{"role":"assistant","content":[{"type":"text","text":"Checking."},{"type":"toolCall",'
        '"id":"call_1","name":"bash","arguments":{"cmd":"ls","n":1.5}}],"stopReason":"toolUse",'
        '"model":"gpt-4o","provider":"openai","usage":{"input":0,"output":0,"cacheRead":0,'
        '"cacheWrite":0,"totalTokens":0},"timestamp":1700000000001},{"role":"toolResult",'
        '"toolCallId":"call_1","toolName":"bash","content":[{"type":"text","text":"a.txt"}],'
        '"isError":false,"timestamp":1700000000002}]'
    )
    filled = {loss.pointer for loss in result.filled}
    assert {"/messages/1/stopReason", "/messages/1/usage", "/messages/0/timestamp"} <= filled
    assert ac.loads(result.text, "yoagent@0.26.6").records[1]["content"][1]["name"] == "bash"


def test_import_anthropic_sdk_response_into_phi_core() -> None:
    from anthropic.types import Message

    response = Message.model_validate(
        {
            "id": "msg_1",
            "type": "message",
            "role": "assistant",
            "model": "claude-sonnet-4-20250514",
            "stop_reason": "tool_use",
            "stop_sequence": None,
            "usage": {"input_tokens": 10, "output_tokens": 5},
            "content": [
                {"type": "thinking", "thinking": "ls it", "signature": "sig-1"},
                {"type": "redacted_thinking", "data": "ZW5j"},
                {"type": "text", "text": "Looking.", "citations": None},
                {"type": "tool_use", "id": "toolu_1", "name": "bash", "input": {"cmd": "ls"}},
            ],
        }
    )
    history = {
        "system": "Be brief",
        "messages": [
            {"role": "user", "content": "What is here?"},
            {"role": "assistant", "content": [block.model_dump() for block in response.content]},
            {
                "role": "user",
                "content": [
                    {"type": "tool_result", "tool_use_id": "toolu_1", "content": "a.txt"},
                    {"type": "text", "text": "and?"},
                ],
            },
        ],
    }
    with pytest.raises(ConversionRefused) as refused:
        import_(history, "anthropic-messages", "phi-core@0.15.2")
    kinds = sorted(loss.kind for loss in refused.value.losses)
    assert kinds == ["field", "field", "system"]  # redacted, redactedProtocol: none in phi-core
    result = import_(history, "anthropic-messages", "yoagent@0.26.6", allow_loss=True)
    records = ac.loads(result.text, "yoagent@0.26.6").records
    assert [r["role"] for r in records] == ["user", "assistant", "toolResult", "user"]
    assert records[1]["content"][0] == {
        "type": "thinking",
        "thinking": "ls it",
        "signature": "sig-1",
    }
    assert records[1]["content"][1]["redactedProtocol"] == "anthropic_messages"
    assert records[2]["toolName"] == "bash"


def pydantic_ai_history() -> list[Any]:
    from pydantic_ai.messages import (
        ModelRequest,
        ModelResponse,
        TextPart,
        ThinkingPart,
        ToolCallPart,
        ToolReturnPart,
        UserPromptPart,
    )
    from pydantic_ai.usage import RequestUsage

    at = datetime(2023, 11, 14, 22, 13, 20, 123000, tzinfo=timezone.utc)
    return [
        ModelRequest(parts=[UserPromptPart(content="What is here?", timestamp=at)]),
        ModelResponse(
            parts=[
                ThinkingPart(content="ls it", signature="sig-1"),
                TextPart(content="Looking."),
                ToolCallPart(tool_name="bash", args={"cmd": "ls"}, tool_call_id="call_1"),
            ],
            usage=RequestUsage(input_tokens=10, output_tokens=5, cache_read_tokens=2),
            model_name="gpt-4o",
            provider_name="openai",
            timestamp=at,
            finish_reason="tool_call",
        ),
        ModelRequest(
            parts=[
                ToolReturnPart(
                    tool_name="bash", content="no such dir", tool_call_id="call_1", timestamp=at,
                    outcome="failed",
                )
            ]
        ),
    ]  # fmt: skip


def test_import_pydantic_ai_history() -> None:
    from pydantic_ai.messages import ModelMessagesTypeAdapter

    dumped = ModelMessagesTypeAdapter.dump_json(pydantic_ai_history())
    result = import_(dumped, "pydantic-ai", "yoagent@0.26.6")
    assert result.filled == [] and result.losses == []
    records = ac.loads(result.text, "yoagent@0.26.6").records
    assert records[0]["timestamp"] == 1700000000123
    assistant = records[1]
    assert assistant["stopReason"] == "toolUse"
    assert (assistant["model"], assistant["provider"]) == ("gpt-4o", "openai")
    assert assistant["usage"] == {
        "input": 10, "output": 5, "cacheRead": 2, "cacheWrite": 0, "totalTokens": 15,
    }  # fmt: skip
    assert records[2]["isError"] is True and records[2]["toolName"] == "bash"


def test_import_pydantic_ai_reads_a_non_string_name_as_absent() -> None:
    """A finish reason or a redacted thinking part's provider that is not a string (a list, an
    object) reads as absent, as a non-string model name does: never an internal error."""
    from pydantic_ai.messages import ModelMessagesTypeAdapter

    document = json.loads(ModelMessagesTypeAdapter.dump_json(pydantic_ai_history()))
    response = document[1]
    response.pop("provider_details", None)
    response["finish_reason"] = ["tool_call"]
    redacted = {"part_kind": "thinking", "id": "redacted_thinking", "content": "",
                "signature": "sig", "provider_name": {"name": "anthropic"}}  # fmt: skip
    response["parts"].insert(0, redacted)
    records = ac.loads(import_(json.dumps(document), "pydantic-ai", "yoagent@0.26.6").text).records
    assert "stopReason" in records[1]  # filled in, as for an absent finish reason
    assert records[1]["content"][0] == {"type": "thinking", "thinking": "", "redacted": "sig"}


@pytest.mark.parametrize("dialect", ["yoagent@0.22", "phi-core@0.9", "yoagent@0.9"])
def test_pydantic_ai_own_dump_round_trips_exactly(dialect: str) -> None:
    """Our export, read by pydantic-ai and written by it again, imports back to the same bytes."""
    from pydantic_ai.messages import ModelMessagesTypeAdapter

    for name in ("tool-round", "thinking", "images", "error-turn"):
        conv = ac.loads(dict(loop_histories(dialect))[f"loop/{name}"], dialect)
        document = export(conv, "pydantic-ai").document
        theirs = ModelMessagesTypeAdapter.dump_json(
            ModelMessagesTypeAdapter.validate_python(document)
        )
        # the history's float layout (a pydantic-ai document shows none)
        back = import_(theirs, "pydantic-ai", dialect, float_format=conv.float_format)
        assert back.text == ac.dumps(conv), name


def test_stop_reasons_the_target_lacks_must_be_mapped() -> None:
    conv = ac.Conversation(
        [
            {"role": "user", "content": [{"type": "text", "text": "hi"}], "timestamp": 1},
            {
                "role": "assistant",
                "content": [{"type": "text", "text": "no"}],
                "stopReason": "guardRail",
                "model": "m",
                "provider": "p",
                "usage": {"input": 1, "output": 1, "reasoning": 0},
                "timestamp": 2,
            },
        ],
        dialect=None,
    )
    document = export(ac.loads(ac.convert(conv, "phi-core").text, "phi-core"), "pydantic-ai").text
    with pytest.raises(ConversionRefused):
        import_(document, "pydantic-ai", "yoagent@0.26.6", allow_loss=True)
    result = import_(
        document, "pydantic-ai", "yoagent@0.26.6", stop_reason_map={"guardRail": "refusal"}
    )
    assert [loss.kind for loss in result.changed] == ["mapped"]
    assert '"stopReason":"refusal"' in result.text


@pytest.mark.parametrize(
    ("fmt", "data", "words"),
    [
        ("openai-chat", '{"messages": [1]}', "must be a JSON object"),
        ("openai-chat", '{"messages": [{"role": "robot"}]}', "unknown role"),
        ("anthropic-messages", '{"messages": {}}', "must be an array"),
        ("pydantic-ai", '[{"kind": "x", "parts": []}]', "kind must be"),
        ("pydantic-ai", "[1,", "EOF"),
        ("openai-finetune", '{"messages": []}\n{"messages": []}\n', "choose one"),
    ],
)
def test_malformed_documents_are_clear_errors(fmt: str, data: str, words: str) -> None:
    with pytest.raises(ConversationError) as err:
        import_(data, fmt, "yoagent")
    assert words in str(err.value.problems[0])


def test_finetune_import_by_line() -> None:
    lines = "".join(
        export(loop(name), "openai-finetune", allow_loss=True).text
        for name in ("tool-round", "error-turn")
    )
    result = import_(lines, "openai-finetune", "yoagent@0.26.6", line=2, allow_loss=True)
    assert [r["role"] for r in ac.loads(result.text).records] == [
        "user", "assistant", "user", "assistant",
    ]  # fmt: skip


# -- the command line --------------------------------------------------------------------------


def cli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "agent_conversation.cli.convert", *args],
        input=stdin,
        capture_output=True,
        timeout=120,
    )


def test_cli_export_and_import(tmp_path: Any) -> None:
    source = tmp_path / "h.json"
    source.write_text(dict(loop_histories("yoagent@0.22"))["loop/tool-round"])
    refused = cli(str(source), "--to", "openai-chat")
    assert refused.returncode == 1 and b"isError" in refused.stderr
    out = tmp_path / "chat.json"
    done = cli(str(source), "--to", "openai-chat", "--allow-loss", "-o", str(out))
    assert done.returncode == 0, done.stderr
    carried = [line for line in done.stderr.splitlines() if b"not carried by openai-chat" in line]
    assert len(carried) == 1 and b"timestamp" in carried[0] and b"usage" in carried[0]
    conv = ac.load(source)  # --float-format auto: the layout the history shows, else zmij
    assert (
        json.loads(out.read_text())
        == export(conv, "openai-chat", allow_loss=True, float_format=conv.float_format).document
    )
    back = cli(
        str(out), "--from", "openai-chat", "--to", "phi-core@0.15.2", "--model", "gpt-4o",
        "--start-time", "5",
    )  # fmt: skip
    assert back.returncode == 0, back.stderr
    assert ac.loads(back.stdout, "phi-core@0.15.2").records[0]["timestamp"] == 5
    assert b"filled:" in back.stderr
    both = cli(str(out), "--from", "openai-chat", "--to", "anthropic-messages")
    assert both.returncode == 2 and b"one side must be a crate dialect" in both.stderr
    garbage = cli("-", "--from", "anthropic-messages", "--to", "yoagent", stdin=b"{")
    assert garbage.returncode == 2 and b"Traceback" not in garbage.stderr
    # the exchange formats read through the same size limit as crate-to-crate conversion
    big = cli(str(out), "--from", "openai-chat", "--to", "yoagent", "--max-size", "10")
    assert big.returncode == 2 and b"larger than" in big.stderr, big.stderr


def test_histories_cover_the_loop_shapes() -> None:
    assert set(LOOP_HISTORIES) >= {"tool-round", "error-turn", "thinking", "images"}


@cache
def format_validators() -> dict[str, Any]:
    """Each format's declared schema (schema/exchange/), the chat one resolvable by its `$id`."""
    from agent_conversation.exchange.vocabulary import SOURCES, schema
    from referencing import Registry, Resource

    documents = {name: schema(name) for name in SOURCES}
    registry = Registry().with_resources(
        (doc["$id"], Resource.from_contents(doc)) for doc in documents.values()
    )
    return {
        name: jsonschema.Draft202012Validator(doc, registry=registry)
        for name, doc in documents.items()
    }


@pytest.mark.parametrize("fmt", FORMATS)
def test_exports_validate_with_the_declared_format_schemas(fmt: str) -> None:
    """The vocabulary each exchange module may use is a schema its output conforms to."""
    validator = format_validators()[fmt]
    for dialect, name, document in HISTORIES:
        result = export(ac.loads(document, dialect), fmt, allow_loss=True, system="Be brief")
        errors = [e.message for e in validator.iter_errors(result.document)]
        assert not errors, (dialect, name, errors[:3])


def test_the_format_schemas_refuse_our_own_spellings() -> None:
    """The check can fail: a message written with our keys is no format's."""
    ours = {"role": "toolResult", "toolCallId": "c1", "content": "x"}
    validators = format_validators()
    assert not validators["openai-chat"].is_valid({"messages": [ours]})
    assert not validators["openai-finetune"].is_valid({"messages": [ours]})
    assert not validators["anthropic-messages"].is_valid({"messages": [ours]})
    tool_call = {"type": "toolCall", "id": "c1", "name": "f", "arguments": {}}
    response = {"kind": "response", "parts": [{**tool_call, "part_kind": "toolCall"}]}
    assert not validators["pydantic-ai"].is_valid([response])


# Words a declared vocabulary has beyond its SDK's types, each for a reason.
BEYOND_THE_SDK = {
    "openai-chat": {"reasoning", "reasoning_content"},  # OpenAI-compatible servers' reasoning
    "anthropic-messages": set(),
    # Keys inside pydantic-ai's free-form dicts: this package's convention in provider_details
    # (see exchange/pydantic_ai.py), and the total in the usage `details` counts.
    "pydantic-ai": {"stop_reason", "error_message", "provider_metadata", "arguments_wrapped"}
    | {"total_tokens"},
}


@pytest.mark.parametrize("fmt", sorted(BEYOND_THE_SDK))
def test_each_declared_vocabulary_is_the_sdks(fmt: str) -> None:
    """Ground truth for the vocabularies: the official SDKs' request types hold every word."""
    from agent_conversation.exchange.vocabulary import vocabulary
    from exchange_sdk import sdk_words

    assert set(vocabulary(fmt)) - sdk_words(fmt) == BEYOND_THE_SDK[fmt]
