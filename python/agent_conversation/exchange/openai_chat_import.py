"""OpenAI Chat Completions ``messages`` (or ``{"messages": [...], "tools": [...]}``) read as our
records: system and developer messages, request fields and tool definitions are losses;
``reasoning_content`` / ``reasoning`` (OpenAI-compatible servers) become thinking; a refusal is
kept as text (a loss); ``function`` messages are tool results without an id.
"""

from __future__ import annotations

from typing import Any

from ..conversation import text_block
from ..record_names import BLOCK, CONTENT, MESSAGE
from .common import Fill, Report, expect
from .openai_chat import CHAT
from .records import Importing, arguments_value, data_url_image, objects, request_messages


def import_messages(
    messages: Any, report: Report, fill: Fill, base: str = "/" + CHAT.messages
) -> list[dict[str, Any]]:
    """Records for a ``messages`` array (pointers into the document under ``base``)."""
    importing = Importing(report, fill)
    for i, message, here in importing.messages(messages, base):
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
            importing.user(_import_content(message.get(CHAT.content), i, here, report), i, here)
        elif role == CHAT.assistant:
            importing.assistant(_import_assistant(message, i, here, importing), i, here)
        elif role in (CHAT.tool, CHAT.function):
            _import_tool(message, role, i, here, importing)
        else:
            expect(False, i, f"{here}/{CHAT.role}", f"unknown role {role!r}")
    return importing.out


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
    for at, part in objects(content, i, f"{here}/{CHAT.content}", "a content part"):
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
    message: dict[str, Any], i: int, here: str, importing: Importing
) -> list[dict[str, Any]]:
    """An assistant message's blocks: reasoning as thinking, content, refusal, tool calls."""
    report = importing.report
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
    for at, call in objects(calls, i, f"{here}/{CHAT.tool_calls}", "a tool call"):
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
        arguments_at = f"{at}/{CHAT.function}/{CHAT.arguments}"
        expect(isinstance(text, str), i, arguments_at, "arguments must be a string")
        call_id: Any = call.get(CHAT.id)
        expect(isinstance(call_id, str), i, f"{at}/{CHAT.id}", "the tool call id must be a string")
        arguments = arguments_value(text, i, arguments_at, report)
        blocks.append(importing.tool_call(call_id, name, arguments))
    return blocks


def _import_tool(
    message: dict[str, Any], role: str, i: int, here: str, importing: Importing
) -> None:
    """A ``tool`` message, or a ``function`` one (a result without a call id)."""
    report = importing.report
    call_id: Any
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
        name = importing.tool_name(call_id, i, here, "tool call")
    content = _import_content(message.get(CHAT.content), i, here, report)
    importing.tool_result((call_id, name), content, False, i, here)


def import_document(document: Any, report: Report, fill: Fill) -> list[dict[str, Any]]:
    """Records for an OpenAI chat document (``{"messages": [...], ...}`` or the array)."""
    if isinstance(document, dict):
        tools_lost(document.get(CHAT.tools), report)
    messages, base = request_messages(document, report, CHAT.messages, (CHAT.tools,))
    return import_messages(messages, report, fill, base)


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
