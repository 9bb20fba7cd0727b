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

from ..conversation import text_block
from ..record_names import BLOCK, CONTENT, MESSAGE, PROTOCOL, ROLE
from .common import Fill, Report, expect
from .openai_chat import arguments_value, assistant_record
from .vocabulary import schema, vocabulary

FORMAT = "anthropic-messages"
ANT = vocabulary(FORMAT)
_BASE64_SOURCE = schema(FORMAT)["$defs"]["ImageBlock"]["properties"][ANT.source]["oneOf"][0]
MEDIA_TYPES = tuple(_BASE64_SOURCE["properties"][ANT.media_type]["enum"])  # what the API takes
OWN_PROTOCOL = PROTOCOL.anthropic_messages  # the redacted reasoning this API can take back
_ROLES = {ROLE.user: ANT.user, ROLE.assistant: ANT.assistant}


def export(
    records: list[dict[str, Any]], report: Report, system: str | None = None
) -> dict[str, Any]:
    messages: list[dict[str, Any]] = []
    calls: dict[str, str] = {}
    for index, record in enumerate(records):
        if MESSAGE.kind in record:
            report.lose(
                index,
                f"/{index}",
                f"extension record (kind {record[MESSAGE.kind]!r})",
                f"{report.fmt} has no place for it (the crates do not send it either)",
                ROLE.extension,
            )
            continue
        role = record[MESSAGE.role]
        report.bookkeeping(index, record)
        if role == ROLE.tool_result:
            messages.append(_tool_result(record, index, report, calls))
            continue
        blocks = _blocks(record[MESSAGE.content], index, report, calls, role == ROLE.user)
        if role == ROLE.assistant and not blocks:
            report.omit(
                index,
                f"/{index}",
                "assistant turn with nothing to send",
                "the API rejects empty assistant content; left out, as yoagent does",
            )
            continue
        messages.append({ANT.role: _ROLES.get(role, role), ANT.content: blocks})
    document: dict[str, Any] = {}
    if system:
        document[ANT.system] = system
    document[ANT.messages] = messages
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
        kind = block[BLOCK.type]
        if user_side and kind in (CONTENT.thinking, CONTENT.tool_call):
            report.lose(
                index,
                here,
                f"{kind} block",
                "the API takes it in assistant turns only",
                MESSAGE.content,
            )
        elif kind == CONTENT.text:
            if block[BLOCK.text]:
                out.append({ANT.type: ANT.text, ANT.text: block[BLOCK.text]})
            else:
                report.omit(index, here, "empty text block", "not sent (as the crates do)")
        elif kind == CONTENT.image:
            if block[BLOCK.mime_type] not in MEDIA_TYPES:
                report.lose(
                    index,
                    here,
                    f"image ({block[BLOCK.mime_type]})",
                    f"the API takes {', '.join(MEDIA_TYPES)} only",
                    CONTENT.image,
                )
                continue
            out.append(
                {
                    ANT.type: ANT.image,
                    ANT.source: {
                        ANT.type: ANT.base64,
                        ANT.media_type: block[BLOCK.mime_type],
                        ANT.data: block[BLOCK.data],
                    },
                }
            )
        elif kind == CONTENT.thinking:
            thinking = _thinking(block, index, here, report)
            if thinking is not None:
                out.append(thinking)
        else:
            out.append(_tool_use(block, index, here, report, calls))
    return out


def _protocol_name(block: dict[str, Any]) -> Any:
    return block.get(BLOCK.redacted_protocol, "an unknown protocol")


def _thinking(
    block: dict[str, Any], index: int, here: str, report: Report
) -> dict[str, Any] | None:
    if BLOCK.redacted in block:
        protocol = block.get(BLOCK.redacted_protocol)
        if protocol != OWN_PROTOCOL:
            report.lose(
                index,
                here,
                f"redacted thinking from {_protocol_name(block)}",
                "only reasoning this API produced can be sent back to it",
                CONTENT.thinking,
            )
            return None
        for key in (BLOCK.thinking, BLOCK.signature):
            if block.get(key) or (key == BLOCK.signature and key in block):
                report.lose(
                    index,
                    f"{here}/{key}",
                    f"{key} beside redacted data",
                    "a redacted_thinking block holds the data only",
                    CONTENT.thinking,
                )
        return {ANT.type: ANT.redacted_thinking, ANT.data: block[BLOCK.redacted]}
    signature = block.get(BLOCK.signature)
    if signature == "":
        report.omit(
            index, here + "/" + BLOCK.signature, "empty signature", 'sent as "", as if unsigned'
        )
    return {
        ANT.type: ANT.thinking,
        ANT.thinking: block[BLOCK.thinking],
        ANT.signature: signature or "",
    }


def _tool_use(
    block: dict[str, Any], index: int, here: str, report: Report, calls: dict[str, str]
) -> dict[str, Any]:
    arguments = block[BLOCK.arguments]
    if not isinstance(arguments, dict):
        report.lose(
            index,
            here + "/" + BLOCK.arguments,
            f"tool arguments {type(arguments).__name__}",
            "tool_use input must be an object: sent as {}",
            BLOCK.arguments,
        )
        arguments = {}
    if BLOCK.provider_metadata in block:
        report.lose(
            index,
            here + "/" + BLOCK.provider_metadata,
            "tool call provider metadata",
            f"{report.fmt} tool_use blocks have no place for it",
            "field",
        )
    calls[block[BLOCK.id]] = block[BLOCK.name]
    return {
        ANT.type: ANT.tool_use,
        ANT.id: block[BLOCK.id],
        ANT.name: block[BLOCK.name],
        ANT.input: arguments,
    }


def _tool_result(
    record: dict[str, Any], index: int, report: Report, calls: dict[str, str]
) -> dict[str, Any]:
    content = record[MESSAGE.content]
    if any(b[BLOCK.type] == CONTENT.image for b in content):
        value: Any = _blocks(content, index, report, calls, user_side=True)
    else:
        texts = []
        for j, block in enumerate(content):
            here = f"/{index}/content/{j}"
            if block[BLOCK.type] != CONTENT.text:
                report.lose(
                    index,
                    here,
                    f"{block[BLOCK.type]} block",
                    "a tool result holds text and images only",
                    MESSAGE.content,
                )
            elif block[BLOCK.text]:
                texts.append(block[BLOCK.text])
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
    if calls.get(record[MESSAGE.tool_call_id]) != record[MESSAGE.tool_name]:
        report.lose(
            index,
            f"/{index}/{MESSAGE.tool_name}",
            f"`{MESSAGE.tool_name}` = {record[MESSAGE.tool_name]!r}",
            "no earlier tool_use with this id names it, and tool_result carries no name",
            "tool-name",
        )
    block = {
        ANT.type: ANT.tool_result,
        ANT.tool_use_id: record[MESSAGE.tool_call_id],
        ANT.content: value,
        ANT.is_error: record[MESSAGE.is_error],
    }
    return {ANT.role: ANT.user, ANT.content: [block]}


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
        if document.get(ANT.system):
            report.lose(
                None,
                "/system",
                "system prompt",
                "a saved history has no system prompt: give it to the agent instead",
                ANT.system,
            )
        for key in document:
            if key not in (ANT.system, ANT.messages):
                report.lose(
                    None, f"/{key}", f"request field `{key}`", "not part of a history", "request"
                )
        messages, base = document.get(ANT.messages), "/messages"
    expect(isinstance(messages, list), None, base, "`messages` must be an array")
    out: list[dict[str, Any]] = report.records()
    names: dict[str, str] = {}
    for i, message in enumerate(messages):
        here = f"{base}/{i}"
        report.at(i, here)
        expect(isinstance(message, dict), i, here, "a message must be a JSON object")
        role = message.get(ANT.role)
        expect(
            role in (ANT.user, ANT.assistant),
            i,
            f"{here}/role",
            f"role must be user or assistant, not {role!r}",
        )
        content = message.get(ANT.content)
        if isinstance(content, str):
            content = [{ANT.type: ANT.text, ANT.text: content}]
        expect(
            isinstance(content, list), i, f"{here}/content", "content must be a string or an array"
        )
        if role == ANT.assistant:
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
                    MESSAGE.role: ROLE.user,
                    MESSAGE.content: list(pending),
                    MESSAGE.timestamp: _stamp(fill, len(out), i, here, report),
                }
            )
            pending.clear()

    for j, block in enumerate(content):
        at = f"{here}/content/{j}"
        report.at(i, here)
        expect(isinstance(block, dict), i, at, "a content block must be a JSON object")
        if block.get(ANT.type) == ANT.tool_result:
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
                MESSAGE.role: ROLE.user,
                MESSAGE.content: list(pending),
                MESSAGE.timestamp: _stamp(fill, len(out), i, here, report),
            }
        )


def _stamp(fill: Fill, position: int, i: int, here: str, report: Report) -> int:
    value = fill.timestamp(position)
    report.fill(
        i, f"{here}/timestamp", f"timestamp {value}", f"{report.fmt} messages carry no time"
    )
    return value


def _plain_block(block: dict[str, Any], i: int, at: str, report: Report) -> dict[str, Any] | None:
    kind = block.get(ANT.type)
    if kind == ANT.text:
        expect(isinstance(block.get(ANT.text), str), i, f"{at}/text", "text must be a string")
        if block.get(ANT.citations):
            report.lose(
                i,
                f"{at}/{ANT.citations}",
                ANT.citations,
                "the crates' text blocks have none",
                "field",
            )
        return text_block(block[ANT.text])
    if kind == ANT.image:
        source = block.get(ANT.source)
        if isinstance(source, dict) and source.get(ANT.type) == ANT.base64:
            return {
                BLOCK.type: CONTENT.image,
                BLOCK.data: source.get(ANT.data, ""),
                BLOCK.mime_type: source.get(ANT.media_type, ""),
            }
        report.lose(
            i,
            at,
            "image by URL or file",
            "the crates hold images as base64 data only",
            CONTENT.image,
        )
        return None
    report.lose(i, at, f"{kind} block", "the crates have no such content here", MESSAGE.content)
    return None


def _import_assistant_blocks(
    content: list[Any], i: int, here: str, report: Report, names: dict[str, str]
) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    for j, block in enumerate(content):
        at = f"{here}/content/{j}"
        expect(isinstance(block, dict), i, at, "a content block must be a JSON object")
        kind = block.get(ANT.type)
        if kind == ANT.thinking:
            out: dict[str, Any] = {
                BLOCK.type: CONTENT.thinking,
                BLOCK.thinking: block.get(ANT.thinking, ""),
            }
            if block.get(ANT.signature):
                out[BLOCK.signature] = block[ANT.signature]
            blocks.append(out)
        elif kind == ANT.redacted_thinking:
            blocks.append(
                {
                    BLOCK.type: CONTENT.thinking,
                    BLOCK.thinking: "",
                    BLOCK.redacted: block.get(ANT.data, ""),
                    BLOCK.redacted_protocol: OWN_PROTOCOL,
                }
            )
        elif kind == ANT.tool_use:
            call_id, name = block.get(ANT.id), block.get(ANT.name)
            expect(
                isinstance(call_id, str) and isinstance(name, str),
                i,
                at,
                "tool_use needs a string id and name",
            )
            names[call_id] = name
            value = block.get(ANT.input)
            if isinstance(value, str):  # some producers stream the input as text
                value = arguments_value(value, i, f"{at}/input", report)
            blocks.append(
                {
                    BLOCK.type: CONTENT.tool_call,
                    BLOCK.id: call_id,
                    BLOCK.name: name,
                    BLOCK.arguments: value,
                }
            )
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
    call_id: Any = block.get(ANT.tool_use_id)
    expect(isinstance(call_id, str), i, f"{at}/tool_use_id", "tool_use_id must be a string")
    name = names.get(call_id)
    if name is None:
        name = ""
        report.fill(
            i, f"{at}/{MESSAGE.tool_name}", "tool name ''", "no earlier tool_use has this id"
        )
    value = block.get(ANT.content, "")
    content: list[dict[str, Any]] = []
    if isinstance(value, str):
        content = [text_block(value)] if value else []
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
        MESSAGE.role: ROLE.tool_result,
        MESSAGE.tool_call_id: call_id,
        MESSAGE.tool_name: name,
        MESSAGE.content: content,
        MESSAGE.is_error: bool(block.get(ANT.is_error, False)),
        MESSAGE.timestamp: _stamp(fill, position, i, at, report),
    }
