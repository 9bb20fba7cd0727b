"""OpenAI Chat Completions ``messages`` (and ``tools``), both ways.

Export follows yoagent 0.26.6's own OpenAI-compatible provider (``build_request_body``), checked
against the requests it sends: a user message with one non-empty text block is a plain string,
otherwise an array of ``text`` / ``image_url`` (data URL) parts with empty texts left out; an
assistant turn is its non-empty text parts plus ``tool_calls`` whose ``arguments`` are
serde_json's text of the value (keys sorted, serde's float layout); a tool result is one
``tool`` message whose content is every non-empty text block joined by a newline. Thinking is
not sent (a loss), nor are extension records. Where the crate is wrong the export follows the
history and the API: images in a tool result are refused by the API, so they are a loss here
rather than ``image_url`` parts in a ``tool`` message.
"""

from __future__ import annotations

from typing import Any

from ..conversation import text_block
from ..record_names import BLOCK, CONTENT, MESSAGE, ROLE, STOP, USAGE_COUNTS
from .common import Fill, Report, expect, json_text
from .vocabulary import vocabulary

FORMAT = "openai-chat"
CHAT = vocabulary(FORMAT)


def export_messages(
    records: list[dict[str, Any]],
    report: Report,
    float_format: str = "ryu",
    join_assistant_text: bool = False,
) -> tuple[list[dict[str, Any]], list[str]]:
    """The ``messages`` for ``records`` and the names of the tools they call (first use order)."""
    messages: list[dict[str, Any]] = []
    tools: list[str] = []
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
        if role == ROLE.user:
            messages.append(
                {CHAT.role: CHAT.user, CHAT.content: _user_content(record, index, report)}
            )
        elif role == ROLE.assistant:
            message = _assistant(record, index, report, float_format, tools, calls)
            if join_assistant_text and CHAT.content in message:
                parts = message[CHAT.content]
                if len(parts) > 1:
                    report.omit(
                        index,
                        f"/{index}/content",
                        f"{len(parts)} text blocks",
                        "an assistant turn's text is one string here: joined with a newline",
                    )
                message[CHAT.content] = "\n".join(part[CHAT.text] for part in parts)
            messages.append(message)
        else:
            messages.append(_tool(record, index, report, calls))
    return messages, tools


def _user_content(record: dict[str, Any], index: int, report: Report) -> Any:
    content = record[MESSAGE.content]
    if len(content) == 1 and content[0][BLOCK.type] == CONTENT.text and content[0][BLOCK.text]:
        return content[0][BLOCK.text]
    return _parts(content, index, report)


def _parts(content: list[dict[str, Any]], index: int, report: Report) -> list[dict[str, Any]]:
    parts: list[dict[str, Any]] = []
    for j, block in enumerate(content):
        here = f"/{index}/content/{j}"
        kind = block[BLOCK.type]
        if kind == CONTENT.text:
            if block[BLOCK.text]:
                parts.append({CHAT.type: CHAT.text, CHAT.text: block[BLOCK.text]})
            else:
                _empty_text(report, index, here)
        elif kind == CONTENT.image and ";base64," in block[BLOCK.mime_type]:
            report.lose(
                index,
                here,
                "image with a media type holding ';base64,'",
                "no data URL",
                CONTENT.image,
            )
        elif kind == CONTENT.image:
            url = f"data:{block[BLOCK.mime_type]};base64,{block[BLOCK.data]}"
            parts.append({CHAT.type: CHAT.image_url, CHAT.image_url: {CHAT.url: url}})
        else:
            _unsent(report, index, here, block)
    return parts


def _assistant(
    record: dict[str, Any],
    index: int,
    report: Report,
    float_format: str,
    tools: list[str],
    calls: dict[str, str],
) -> dict[str, Any]:
    parts: list[dict[str, Any]] = []
    tool_calls: list[dict[str, Any]] = []
    seen_call = False
    for j, block in enumerate(record[MESSAGE.content]):
        here = f"/{index}/content/{j}"
        kind = block[BLOCK.type]
        if kind == CONTENT.text:
            if not block[BLOCK.text]:
                _empty_text(report, index, here)
                continue
            if seen_call:
                report.reorder(
                    index,
                    here,
                    "text after a tool call",
                    f"{report.fmt} puts an assistant turn's text before its tool calls",
                )
            parts.append({CHAT.type: CHAT.text, CHAT.text: block[BLOCK.text]})
        elif kind == CONTENT.tool_call:
            seen_call = True
            name = block[BLOCK.name]
            calls[block[BLOCK.id]] = name
            if name not in tools:
                tools.append(name)
            tool_calls.append(
                {
                    CHAT.id: block[BLOCK.id],
                    CHAT.type: CHAT.function,
                    CHAT.function: {
                        CHAT.name: name,
                        CHAT.arguments: json_text(block[BLOCK.arguments], float_format),
                    },
                }
            )
            if BLOCK.provider_metadata in block:
                report.lose(
                    index,
                    here + "/" + BLOCK.provider_metadata,
                    "tool call provider metadata",
                    f"{report.fmt} tool calls have no place for it",
                    "field",
                )
        else:
            _unsent(report, index, here, block)
    message: dict[str, Any] = {CHAT.role: CHAT.assistant}
    if parts:
        message[CHAT.content] = parts
    if tool_calls:
        message[CHAT.tool_calls] = tool_calls
    return message


def _tool(
    record: dict[str, Any], index: int, report: Report, calls: dict[str, str]
) -> dict[str, Any]:
    texts = []
    for j, block in enumerate(record[MESSAGE.content]):
        here = f"/{index}/content/{j}"
        if block[BLOCK.type] == CONTENT.text:
            if block[BLOCK.text]:
                texts.append(block[BLOCK.text])
            else:
                _empty_text(report, index, here)
        elif block[BLOCK.type] == CONTENT.image:
            report.lose(
                index,
                here,
                f"image ({block[BLOCK.mime_type]}) in a tool result",
                f"{report.fmt} tool messages hold text only (the API rejects image parts there)",
                CONTENT.image,
            )
        else:
            _unsent(report, index, here, block)
    if len(texts) > 1:
        report.omit(
            index,
            f"/{index}/content",
            f"{len(texts)} text blocks",
            "a tool message holds one text: joined with a newline",
        )
    _tool_bookkeeping(record, index, report, calls)
    return {
        CHAT.role: CHAT.tool,
        CHAT.tool_call_id: record[MESSAGE.tool_call_id],
        CHAT.content: "\n".join(texts),
    }


def _tool_bookkeeping(
    record: dict[str, Any], index: int, report: Report, calls: dict[str, str]
) -> None:
    if record[MESSAGE.is_error]:
        report.lose(
            index,
            f"/{index}/isError",
            f"`{MESSAGE.is_error}` = true",
            f"{report.fmt} tool messages cannot mark a failed call",
            "is-error",
        )
    if calls.get(record[MESSAGE.tool_call_id]) != record[MESSAGE.tool_name]:
        report.lose(
            index,
            f"/{index}/toolName",
            f"`{MESSAGE.tool_name}` = {record[MESSAGE.tool_name]!r}",
            "no earlier tool call with this id names it, and tool messages carry no name",
            "tool-name",
        )


def _empty_text(report: Report, index: int, here: str) -> None:
    report.omit(index, here, "empty text block", "not sent (as the crates do); it carries nothing")


def _unsent(report: Report, index: int, here: str, block: dict[str, Any]) -> None:
    kind = block[BLOCK.type]
    if kind == CONTENT.thinking and BLOCK.redacted in block:
        what = "redacted thinking"
    elif kind == CONTENT.thinking:
        what = f"thinking ({len(block[BLOCK.thinking])} characters)"
    elif kind == CONTENT.image:
        what = f"image ({block[BLOCK.mime_type]})"
    else:
        what = f"{kind} block"
    report.lose(index, here, what, f"{report.fmt} has no place for it here", kind)


def tool_definitions(names: list[str], given: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """``tools`` for the called names: the caller's definitions, or name-only functions."""
    if given is not None:
        return given
    return [{CHAT.type: CHAT.function, CHAT.function: {CHAT.name: name}} for name in names]


def system_message(system: str | None, role: str) -> list[dict[str, Any]]:
    return [] if not system else [{CHAT.role: role, CHAT.content: system}]


def export(
    records: list[dict[str, Any]],
    report: Report,
    float_format: str = "ryu",
    system: str | None = None,
    system_role: str = CHAT.system,
    tools: list[dict[str, Any]] | None = None,
    join_assistant_text: bool = False,
) -> dict[str, Any]:
    messages, names = export_messages(records, report, float_format, join_assistant_text)
    document: dict[str, Any] = {CHAT.messages: system_message(system, system_role) + messages}
    if names or tools:
        document[CHAT.tools] = tool_definitions(names, tools)
    return document


# -- import -------------------------------------------------------------------------------------


def import_messages(
    messages: Any, report: Report, fill: Fill, base: str = "/messages"
) -> list[dict[str, Any]]:
    """Records for a ``messages`` array (pointers into the document under ``base``)."""
    expect(isinstance(messages, list), None, base, "`messages` must be an array")
    out: list[dict[str, Any]] = report.records()
    names: dict[str, str] = {}
    for i, message in enumerate(messages):
        here = f"{base}/{i}"
        report.at(i, here)
        expect(isinstance(message, dict), i, here, "a message must be a JSON object")
        role = message.get(CHAT.role)
        if role in (CHAT.system, CHAT.developer):
            report.lose(
                i,
                here,
                f"{role} message",
                "a saved history has no system prompt: give it to the agent instead",
                CHAT.system,
            )
            continue
        extra = [
            k for k in (CHAT.name, CHAT.audio, CHAT.function_call) if message.get(k) is not None
        ]
        for key in extra:
            report.lose(
                i, f"{here}/{key}", f"`{key}`", "the crates' messages have no such field", "field"
            )
        if role == CHAT.user:
            content = _import_content(message.get(CHAT.content), i, here, report)
            out.append(
                {
                    MESSAGE.role: ROLE.user,
                    MESSAGE.content: content,
                    MESSAGE.timestamp: _ts(fill, len(out), i, here, report),
                }
            )
        elif role == CHAT.assistant:
            out.append(_import_assistant(message, i, here, report, fill, len(out), names))
        elif role in (CHAT.tool, CHAT.function):
            out.append(_import_tool(message, role, i, here, report, fill, len(out), names))
        else:
            expect(False, i, f"{here}/role", f"unknown role {role!r}")
    return out


def _ts(fill: Fill, position: int, i: int, here: str, report: Report) -> int:
    value = fill.timestamp(position)
    report.fill(
        i, f"{here}/timestamp", f"timestamp {value}", f"{report.fmt} messages carry no time"
    )
    return value


def _import_content(content: Any, i: int, here: str, report: Report) -> list[dict[str, Any]]:
    if content is None:
        return []
    if isinstance(content, str):
        return [text_block(content)] if content else []
    expect(isinstance(content, list), i, f"{here}/content", "content must be a string or an array")
    blocks: list[dict[str, Any]] = []
    for j, part in enumerate(content):
        at = f"{here}/content/{j}"
        expect(isinstance(part, dict), i, at, "a content part must be a JSON object")
        kind = part.get(CHAT.type)
        if kind == CHAT.text:
            expect(isinstance(part.get(CHAT.text), str), i, f"{at}/text", "text must be a string")
            blocks.append(text_block(part[CHAT.text]))
        elif kind == CHAT.refusal:
            blocks.append(text_block(str(part.get(CHAT.refusal, ""))))
            report.lose(
                i,
                at,
                "refusal part",
                "kept as plain text (the crates have no refusal part)",
                CHAT.refusal,
            )
        elif kind == CHAT.image_url:
            image = data_url_image(part.get(CHAT.image_url, {}).get(CHAT.url))
            if image is None:
                report.lose(
                    i,
                    at,
                    "image by URL",
                    "the crates hold images as base64 data only",
                    CONTENT.image,
                )
            else:
                blocks.append(image)
        else:
            report.lose(i, at, f"{kind} part", "the crates have no such content", MESSAGE.content)
    return blocks


def data_url_image(url: Any) -> dict[str, Any] | None:
    """``data:<mime>;base64,<data>`` as an image block; None for anything else."""
    if not isinstance(url, str) or not url.startswith("data:"):
        return None
    mime, sep, data = url[5:].partition(";base64,")
    if not sep:
        return None
    return {BLOCK.type: CONTENT.image, BLOCK.data: data, BLOCK.mime_type: mime}


def _import_assistant(
    message: dict[str, Any],
    i: int,
    here: str,
    report: Report,
    fill: Fill,
    position: int,
    names: dict[str, str],
) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = []
    for key in (CHAT.reasoning_content, CHAT.reasoning):
        if isinstance(message.get(key), str) and message[key]:
            blocks.append({BLOCK.type: CONTENT.thinking, BLOCK.thinking: message[key]})
    blocks += _import_content(message.get(CHAT.content), i, here, report)
    if isinstance(message.get(CHAT.refusal), str) and message[CHAT.refusal]:
        blocks.append(text_block(message[CHAT.refusal]))
        report.lose(i, f"{here}/{CHAT.refusal}", CHAT.refusal, "kept as plain text", CHAT.refusal)
    calls = message.get(CHAT.tool_calls) or []
    expect(isinstance(calls, list), i, f"{here}/tool_calls", "tool_calls must be an array")
    for j, call in enumerate(calls):
        at = f"{here}/tool_calls/{j}"
        expect(isinstance(call, dict), i, at, "a tool call must be a JSON object")
        function = call.get(CHAT.function)
        if call.get(CHAT.type, CHAT.function) != CHAT.function or not isinstance(function, dict):
            report.lose(
                i,
                at,
                f"{call.get(CHAT.type)} tool call",
                "the crates call functions only",
                MESSAGE.content,
            )
            continue
        name: Any = function.get(CHAT.name)
        text: Any = function.get(CHAT.arguments)
        expect(
            isinstance(name, str), i, f"{at}/function/name", "the function name must be a string"
        )
        expect(isinstance(text, str), i, f"{at}/function/arguments", "arguments must be a string")
        call_id: Any = call.get(CHAT.id)
        expect(isinstance(call_id, str), i, f"{at}/id", "the tool call id must be a string")
        names[call_id] = name
        blocks.append(
            {
                BLOCK.type: CONTENT.tool_call,
                BLOCK.id: call_id,
                BLOCK.name: name,
                BLOCK.arguments: arguments_value(text, i, f"{at}/function/arguments", report),
            }
        )
    return assistant_record(blocks, i, here, report, fill, position)


def arguments_value(text: str, i: int, here: str, report: Report) -> Any:
    """The arguments text read as serde_json reads it; text that is not JSON stays a string."""
    from ..codec.jsonparse import JsonSyntaxError, parse_value
    from ..codec.numbers import NumberOutOfRange

    try:
        return parse_value(text)
    except (JsonSyntaxError, NumberOutOfRange, RecursionError):
        report.lose(
            i, here, "arguments that are not JSON", "kept as a JSON string value", BLOCK.arguments
        )
        return text


def assistant_record(
    blocks: list[dict[str, Any]],
    i: int,
    here: str,
    report: Report,
    fill: Fill,
    position: int,
    *,
    stop_reason: str | None = None,
    model: str | None = None,
    provider: str | None = None,
    usage: dict[str, int] | None = None,
    timestamp: int | None = None,
) -> dict[str, Any]:
    """An assistant record; whatever is not given comes from ``fill`` and is reported."""
    if stop_reason is None:
        calls_tools = any(b[BLOCK.type] == CONTENT.tool_call for b in blocks)
        guessed = STOP.tool_use if calls_tools else STOP.stop
        stop_reason = fill.stop_reason or guessed
        report.fill(
            i, f"{here}/stopReason", f"stop reason {stop_reason!r}", "the document gives none"
        )
    if model is None:
        model = fill.model or ""
        report.fill(i, f"{here}/model", f"model {model!r}", "the document gives none")
    if provider is None:
        provider = fill.provider or ""
        report.fill(i, f"{here}/provider", f"provider {provider!r}", "the document gives none")
    if usage is None:
        usage = dict.fromkeys(USAGE_COUNTS, 0)
        report.fill(i, f"{here}/usage", "usage all 0", "the document gives no token counts")
    if timestamp is None:
        timestamp = _ts(fill, position, i, here, report)
    return {
        MESSAGE.role: ROLE.assistant,
        MESSAGE.content: blocks,
        MESSAGE.stop_reason: stop_reason,
        MESSAGE.model: model,
        MESSAGE.provider: provider,
        MESSAGE.usage: usage,
        MESSAGE.timestamp: timestamp,
    }


def _import_tool(
    message: dict[str, Any],
    role: str,
    i: int,
    here: str,
    report: Report,
    fill: Fill,
    position: int,
    names: dict[str, str],
) -> dict[str, Any]:
    call_id: Any
    name: Any
    if role == CHAT.function:
        call_id, name = "", message.get(CHAT.name) or ""
        report.fill(i, f"{here}/tool_call_id", "tool call id ''", "function messages have none")
    else:
        call_id = message.get(CHAT.tool_call_id)
        expect(isinstance(call_id, str), i, f"{here}/tool_call_id", "tool_call_id must be a string")
        name = names.get(call_id)
        if name is None:
            name = ""
            report.fill(i, f"{here}/toolName", "tool name ''", "no earlier tool call has this id")
    content = _import_content(message.get(CHAT.content), i, here, report)
    return {
        MESSAGE.role: ROLE.tool_result,
        MESSAGE.tool_call_id: call_id,
        MESSAGE.tool_name: name,
        MESSAGE.content: content,
        MESSAGE.is_error: False,
        MESSAGE.timestamp: _ts(fill, position, i, here, report),
    }


def import_document(document: Any, report: Report, fill: Fill) -> list[dict[str, Any]]:
    """Records for an OpenAI chat document (``{"messages": [...], ...}`` or the array)."""
    if isinstance(document, list):
        return import_messages(document, report, fill, "")
    expect(
        isinstance(document, dict), None, "", 'expected {"messages": [...]} or an array of messages'
    )
    tools_lost(document.get(CHAT.tools), report)
    for key in document:
        if key not in (CHAT.messages, CHAT.tools):
            report.lose(
                None, f"/{key}", f"request field `{key}`", "not part of a history", "request"
            )
    return import_messages(document.get(CHAT.messages), report, fill)


def tools_lost(tools: Any, report: Report) -> None:
    """Tool definitions beyond a bare name have no place in a saved history."""
    if not isinstance(tools, list):
        return
    for k, tool in enumerate(tools):
        function = tool.get(CHAT.function) if isinstance(tool, dict) else None
        if not (
            isinstance(function, dict)
            and set(function) <= {CHAT.name}
            and set(tool) <= {CHAT.type, CHAT.function}
        ):
            report.lose(
                None,
                f"/tools/{k}",
                "tool definition",
                "a saved history holds no tool definitions",
                CHAT.tools,
            )
