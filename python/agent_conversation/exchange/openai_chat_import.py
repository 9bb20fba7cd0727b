"""OpenAI Chat Completions ``messages`` (or ``{"messages": [...], "tools": [...]}``) read as our
records: system and developer messages, request fields and tool definitions are losses;
``reasoning_content`` / ``reasoning`` (OpenAI-compatible servers) become thinking; a refusal is
kept as text (a loss); ``function`` messages are tool results without an id.
"""

from __future__ import annotations

from typing import Any

from ..conversation import text_block
from ..record_names import BLOCK, CONTENT, MESSAGE, ROLE
from .common import Fill, Report, expect
from .openai_chat import CHAT
from .records import arguments_value, assistant_record, data_url_image, filled_timestamp


def import_messages(
    messages: Any, report: Report, fill: Fill, base: str = "/" + CHAT.messages
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
                    MESSAGE.timestamp: filled_timestamp(fill, len(out), i, here, report),
                }
            )
        elif role == CHAT.assistant:
            out.append(_import_assistant(message, i, here, report, fill, len(out), names))
        elif role in (CHAT.tool, CHAT.function):
            out.append(_import_tool(message, role, i, here, report, fill, len(out), names))
        else:
            expect(False, i, f"{here}/{CHAT.role}", f"unknown role {role!r}")
    return out


def _import_content(content: Any, i: int, here: str, report: Report) -> list[dict[str, Any]]:
    if content is None:
        return []
    if isinstance(content, str):
        return [text_block(content)] if content else []
    expect(
        isinstance(content, list),
        i,
        f"{here}/{CHAT.content}",
        "content must be a string or an array",
    )
    blocks: list[dict[str, Any]] = []
    for j, part in enumerate(content):
        at = f"{here}/{CHAT.content}/{j}"
        expect(isinstance(part, dict), i, at, "a content part must be a JSON object")
        kind = part.get(CHAT.type)
        if kind == CHAT.text:
            expect(
                isinstance(part.get(CHAT.text), str),
                i,
                f"{at}/{CHAT.text}",
                "text must be a string",
            )
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
    expect(isinstance(calls, list), i, f"{here}/{CHAT.tool_calls}", "tool_calls must be an array")
    for j, call in enumerate(calls):
        at = f"{here}/{CHAT.tool_calls}/{j}"
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
            isinstance(name, str),
            i,
            f"{at}/{CHAT.function}/{CHAT.name}",
            "the function name must be a string",
        )
        expect(
            isinstance(text, str),
            i,
            f"{at}/{CHAT.function}/{CHAT.arguments}",
            "arguments must be a string",
        )
        call_id: Any = call.get(CHAT.id)
        expect(isinstance(call_id, str), i, f"{at}/{CHAT.id}", "the tool call id must be a string")
        names[call_id] = name
        blocks.append(
            {
                BLOCK.type: CONTENT.tool_call,
                BLOCK.id: call_id,
                BLOCK.name: name,
                BLOCK.arguments: arguments_value(
                    text, i, f"{at}/{CHAT.function}/{CHAT.arguments}", report
                ),
            }
        )
    return assistant_record(blocks, i, here, report, fill, position)


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
        report.fill(
            i, f"{here}/{CHAT.tool_call_id}", "tool call id ''", "function messages have none"
        )
    else:
        call_id = message.get(CHAT.tool_call_id)
        expect(
            isinstance(call_id, str),
            i,
            f"{here}/{CHAT.tool_call_id}",
            "tool_call_id must be a string",
        )
        name = names.get(call_id)
        if name is None:
            name = ""
            report.fill(
                i, f"{here}/{MESSAGE.tool_name}", "tool name ''", "no earlier tool call has this id"
            )
    content = _import_content(message.get(CHAT.content), i, here, report)
    return {
        MESSAGE.role: ROLE.tool_result,
        MESSAGE.tool_call_id: call_id,
        MESSAGE.tool_name: name,
        MESSAGE.content: content,
        MESSAGE.is_error: False,
        MESSAGE.timestamp: filled_timestamp(fill, position, i, here, report),
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
                f"/{CHAT.tools}/{k}",
                "tool definition",
                "a saved history holds no tool definitions",
                CHAT.tools,
            )
