"""Anthropic Messages API ``system`` and ``messages``, both ways.

Export follows yoagent 0.26.6's Anthropic provider, checked against the requests it sends:
content blocks in order with empty texts left out; thinking as ``thinking`` with its
``signature`` (``""`` when unsigned); redacted reasoning that came from this API as
``redacted_thinking`` (from any other protocol it is not replayable: a loss); images as base64
``image`` sources; tool calls as ``tool_use`` with the arguments as ``input``; each tool result as
its own user message holding one ``tool_result`` (text blocks joined by a newline, or blocks when
images are present); an assistant turn with nothing to send is left out (the API rejects empty
content; yoagent leaves it out too, so user messages may follow one another). Where the crate is
wrong the export follows the API: non-object tool input and image types the API does not take
are losses.
"""

from __future__ import annotations

from typing import Any

from .common import Fill, Report, expect
from .openai_chat import arguments_value, assistant_record

FORMAT = "anthropic-messages"
MEDIA_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")
PROTOCOL = "anthropic_messages"


def export(
    records: list[dict[str, Any]], report: Report, system: str | None = None
) -> dict[str, Any]:
    messages: list[dict[str, Any]] = []
    calls: dict[str, str] = {}
    for index, record in enumerate(records):
        if "kind" in record:
            report.lose(
                index,
                f"/{index}",
                f"extension record (kind {record['kind']!r})",
                f"{report.fmt} has no place for it (the crates do not send it either)",
                "extension",
            )
            continue
        role = record["role"]
        report.bookkeeping(index, record)
        if role == "toolResult":
            messages.append(_tool_result(record, index, report, calls))
            continue
        blocks = _blocks(record["content"], index, report, calls, role == "user")
        if role == "assistant" and not blocks:
            report.omit(
                index,
                f"/{index}",
                "assistant turn with nothing to send",
                "the API rejects empty assistant content; left out, as yoagent does",
            )
            continue
        messages.append({"role": role, "content": blocks})
    document: dict[str, Any] = {}
    if system:
        document["system"] = system
    document["messages"] = messages
    return document


def _blocks(
    content: list[dict[str, Any]],
    index: int,
    report: Report,
    calls: dict[str, str],
    user_side: bool = False,
) -> list[dict[str, Any]]:
    """Content blocks; ``user_side``: of a user message or a tool result, which hold no thinking
    and no tool calls (the API rejects them there; the crates send them anyway)."""
    out: list[dict[str, Any]] = []
    for j, block in enumerate(content):
        here = f"/{index}/content/{j}"
        kind = block["type"]
        if user_side and kind in ("thinking", "toolCall"):
            report.lose(
                index, here, f"{kind} block", "the API takes it in assistant turns only", "content"
            )
        elif kind == "text":
            if block["text"]:
                out.append({"type": "text", "text": block["text"]})
            else:
                report.omit(index, here, "empty text block", "not sent (as the crates do)")
        elif kind == "image":
            if block["mimeType"] not in MEDIA_TYPES:
                report.lose(
                    index,
                    here,
                    f"image ({block['mimeType']})",
                    f"the API takes {', '.join(MEDIA_TYPES)} only",
                    "image",
                )
                continue
            out.append(
                {
                    "type": "image",
                    "source": {
                        "type": "base64",
                        "media_type": block["mimeType"],
                        "data": block["data"],
                    },
                }
            )
        elif kind == "thinking":
            thinking = _thinking(block, index, here, report)
            if thinking is not None:
                out.append(thinking)
        else:
            out.append(_tool_use(block, index, here, report, calls))
    return out


def _thinking(
    block: dict[str, Any], index: int, here: str, report: Report
) -> dict[str, Any] | None:
    if "redacted" in block:
        if block.get("redactedProtocol") != PROTOCOL:
            report.lose(
                index,
                here,
                f"redacted thinking from {block.get('redactedProtocol', 'an unknown protocol')}",
                "only reasoning this API produced can be sent back to it",
                "thinking",
            )
            return None
        for key in ("thinking", "signature"):
            if block.get(key) or (key == "signature" and key in block):
                report.lose(
                    index,
                    f"{here}/{key}",
                    f"{key} beside redacted data",
                    "a redacted_thinking block holds the data only",
                    "thinking",
                )
        return {"type": "redacted_thinking", "data": block["redacted"]}
    signature = block.get("signature")
    if signature == "":
        report.omit(index, here + "/signature", "empty signature", 'sent as "", as if unsigned')
    return {"type": "thinking", "thinking": block["thinking"], "signature": signature or ""}


def _tool_use(
    block: dict[str, Any], index: int, here: str, report: Report, calls: dict[str, str]
) -> dict[str, Any]:
    arguments = block["arguments"]
    if not isinstance(arguments, dict):
        report.lose(
            index,
            here + "/arguments",
            f"tool arguments {type(arguments).__name__}",
            "tool_use input must be an object: sent as {}",
            "arguments",
        )
        arguments = {}
    if "providerMetadata" in block:
        report.lose(
            index,
            here + "/providerMetadata",
            "tool call provider metadata",
            f"{report.fmt} tool_use blocks have no place for it",
            "field",
        )
    calls[block["id"]] = block["name"]
    return {"type": "tool_use", "id": block["id"], "name": block["name"], "input": arguments}


def _tool_result(
    record: dict[str, Any], index: int, report: Report, calls: dict[str, str]
) -> dict[str, Any]:
    content = record["content"]
    if any(b["type"] == "image" for b in content):
        value: Any = _blocks(content, index, report, calls, user_side=True)
    else:
        texts = []
        for j, block in enumerate(content):
            here = f"/{index}/content/{j}"
            if block["type"] != "text":
                report.lose(
                    index,
                    here,
                    f"{block['type']} block",
                    "a tool result holds text and images only",
                    "content",
                )
            elif block["text"]:
                texts.append(block["text"])
            else:
                report.omit(index, here, "empty text block", "not sent (as the crates do)")
        if len(texts) > 1:
            report.omit(
                index,
                f"/{index}/content",
                f"{len(texts)} text blocks",
                "joined with a newline, as yoagent sends them",
            )
        value = "\n".join(texts)
    if calls.get(record["toolCallId"]) != record["toolName"]:
        report.lose(
            index,
            f"/{index}/toolName",
            f"`toolName` = {record['toolName']!r}",
            "no earlier tool_use with this id names it, and tool_result carries no name",
            "tool-name",
        )
    block = {
        "type": "tool_result",
        "tool_use_id": record["toolCallId"],
        "content": value,
        "is_error": record["isError"],
    }
    return {"role": "user", "content": [block]}


# -- import -------------------------------------------------------------------------------------


def import_document(document: Any, report: Report, fill: Fill) -> list[dict[str, Any]]:
    """Records for ``{"system": ..., "messages": [...]}`` (or the bare messages array)."""
    if isinstance(document, list):
        messages, base = document, ""
    else:
        expect(
            isinstance(document, dict),
            None,
            "",
            'expected {"messages": [...]} or an array of messages',
        )
        if document.get("system"):
            report.lose(
                None,
                "/system",
                "system prompt",
                "a saved history has no system prompt: give it to the agent instead",
                "system",
            )
        for key in document:
            if key not in ("system", "messages"):
                report.lose(
                    None, f"/{key}", f"request field `{key}`", "not part of a history", "request"
                )
        messages, base = document.get("messages"), "/messages"
    expect(isinstance(messages, list), None, base, "`messages` must be an array")
    out: list[dict[str, Any]] = report.records()
    names: dict[str, str] = {}
    for i, message in enumerate(messages):
        here = f"{base}/{i}"
        report.at(i, here)
        expect(isinstance(message, dict), i, here, "a message must be a JSON object")
        role = message.get("role")
        expect(
            role in ("user", "assistant"),
            i,
            f"{here}/role",
            f"role must be user or assistant, not {role!r}",
        )
        content = message.get("content")
        if isinstance(content, str):
            content = [{"type": "text", "text": content}]
        expect(
            isinstance(content, list), i, f"{here}/content", "content must be a string or an array"
        )
        if role == "assistant":
            blocks = _import_assistant_blocks(content, i, here, report, names)
            out.append(assistant_record(blocks, i, here, report, fill, len(out)))
        else:
            _import_user(content, i, here, report, fill, names, out)
    return out


def _import_user(
    content: list[Any],
    i: int,
    here: str,
    report: Report,
    fill: Fill,
    names: dict[str, str],
    out: list[dict[str, Any]],
) -> None:
    """A user message: its tool results become toolResult records, its other blocks user ones."""
    pending: list[dict[str, Any]] = []
    started = len(out)

    def flush() -> None:
        if pending:
            out.append(
                {
                    "role": "user",
                    "content": list(pending),
                    "timestamp": _stamp(fill, len(out), i, here, report),
                }
            )
            pending.clear()

    for j, block in enumerate(content):
        at = f"{here}/content/{j}"
        report.at(i, here)
        expect(isinstance(block, dict), i, at, "a content block must be a JSON object")
        if block.get("type") == "tool_result":
            flush()
            report.at(i, at)
            out.append(_import_tool_result(block, i, at, report, fill, len(out), names))
            continue
        converted = _plain_block(block, i, at, report)
        if converted is not None:
            pending.append(converted)
    if pending or len(out) == started:
        out.append(
            {
                "role": "user",
                "content": list(pending),
                "timestamp": _stamp(fill, len(out), i, here, report),
            }
        )


def _stamp(fill: Fill, position: int, i: int, here: str, report: Report) -> int:
    value = fill.timestamp(position)
    report.fill(
        i, f"{here}/timestamp", f"timestamp {value}", f"{report.fmt} messages carry no time"
    )
    return value


def _plain_block(block: dict[str, Any], i: int, at: str, report: Report) -> dict[str, Any] | None:
    kind = block.get("type")
    if kind == "text":
        expect(isinstance(block.get("text"), str), i, f"{at}/text", "text must be a string")
        if block.get("citations"):
            report.lose(
                i, f"{at}/citations", "citations", "the crates' text blocks have none", "field"
            )
        return {"type": "text", "text": block["text"]}
    if kind == "image":
        source = block.get("source")
        if isinstance(source, dict) and source.get("type") == "base64":
            return {
                "type": "image",
                "data": source.get("data", ""),
                "mimeType": source.get("media_type", ""),
            }
        report.lose(
            i, at, "image by URL or file", "the crates hold images as base64 data only", "image"
        )
        return None
    report.lose(i, at, f"{kind} block", "the crates have no such content here", "content")
    return None


def _import_assistant_blocks(
    content: list[Any], i: int, here: str, report: Report, names: dict[str, str]
) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    for j, block in enumerate(content):
        at = f"{here}/content/{j}"
        expect(isinstance(block, dict), i, at, "a content block must be a JSON object")
        kind = block.get("type")
        if kind == "thinking":
            out: dict[str, Any] = {"type": "thinking", "thinking": block.get("thinking", "")}
            if block.get("signature"):
                out["signature"] = block["signature"]
            blocks.append(out)
        elif kind == "redacted_thinking":
            blocks.append(
                {
                    "type": "thinking",
                    "thinking": "",
                    "redacted": block.get("data", ""),
                    "redactedProtocol": PROTOCOL,
                }
            )
        elif kind == "tool_use":
            call_id, name = block.get("id"), block.get("name")
            expect(
                isinstance(call_id, str) and isinstance(name, str),
                i,
                at,
                "tool_use needs a string id and name",
            )
            names[call_id] = name
            value = block.get("input")
            if isinstance(value, str):  # some producers stream the input as text
                value = arguments_value(value, i, f"{at}/input", report)
            blocks.append({"type": "toolCall", "id": call_id, "name": name, "arguments": value})
        else:
            converted = _plain_block(block, i, at, report)
            if converted is not None:
                blocks.append(converted)
    return blocks


def _import_tool_result(
    block: dict[str, Any],
    i: int,
    at: str,
    report: Report,
    fill: Fill,
    position: int,
    names: dict[str, str],
) -> dict[str, Any]:
    call_id: Any = block.get("tool_use_id")
    expect(isinstance(call_id, str), i, f"{at}/tool_use_id", "tool_use_id must be a string")
    name = names.get(call_id)
    if name is None:
        name = ""
        report.fill(i, f"{at}/toolName", "tool name ''", "no earlier tool_use has this id")
    value = block.get("content", "")
    content: list[dict[str, Any]] = []
    if isinstance(value, str):
        content = [{"type": "text", "text": value}] if value else []
    else:
        expect(isinstance(value, list), i, f"{at}/content", "content must be a string or an array")
        for k, part in enumerate(value):
            expect(
                isinstance(part, dict),
                i,
                f"{at}/content/{k}",
                "a content block must be a JSON object",
            )
            converted = _plain_block(part, i, f"{at}/content/{k}", report)
            if converted is not None:
                content.append(converted)
    return {
        "role": "toolResult",
        "toolCallId": call_id,
        "toolName": name,
        "content": content,
        "isError": bool(block.get("is_error", False)),
        "timestamp": _stamp(fill, position, i, at, report),
    }
