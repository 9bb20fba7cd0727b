"""Export to OpenAI Chat Completions ``messages`` (and ``tools``); import: openai_chat_import.

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

from ..record_names import BLOCK, CONTENT, MESSAGE, ROLE
from .common import Report, json_text
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
    for index, record, role in report.sendable(records, sent_by_the_crates=False):
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
                        f"/{index}/{MESSAGE.content}",
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
        here = f"/{index}/{MESSAGE.content}/{j}"
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
        here = f"/{index}/{MESSAGE.content}/{j}"
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
            report.lose_call_metadata(index, here, block)
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
        here = f"/{index}/{MESSAGE.content}/{j}"
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
            f"/{index}/{MESSAGE.content}",
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
            f"/{index}/{MESSAGE.is_error}",
            f"`{MESSAGE.is_error}` = true",
            f"{report.fmt} tool messages cannot mark a failed call",
            "is-error",
        )
    report.lose_tool_name(
        index,
        record,
        calls,
        "no earlier tool call with this id names it, and tool messages carry no name",
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
