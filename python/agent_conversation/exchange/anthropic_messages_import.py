"""Anthropic Messages ``{"system": ..., "messages": [...]}`` (or the bare array) read as our
records: each ``tool_result`` block becomes a tool-result record and the user message's other
blocks a user record around it; ``redacted_thinking`` is thinking redacted for this protocol;
a system prompt, request fields, citations and images by URL are losses.
"""

from __future__ import annotations

from typing import Any

from ..conversation import text_block
from ..record_names import BLOCK, CONTENT, MESSAGE
from .anthropic_messages import ANT, OWN_PROTOCOL
from .common import Fill, Report, expect
from .records import Importing, arguments_value, objects, request_messages


def import_document(document: Any, report: Report, fill: Fill) -> list[dict[str, Any]]:
    """Records for ``{"system": ..., "messages": [...]}`` (or the bare messages array)."""
    if isinstance(document, dict) and document.get(ANT.system):
        report.lose(
            None,
            "/" + ANT.system,
            "system prompt",
            "a saved history has no system prompt: give it to the agent instead",
            ANT.system,
        )
    messages, base = request_messages(document, report, ANT.messages, (ANT.system,))
    importing = Importing(report, fill)
    for i, message, here in importing.messages(messages, base):
        role = message.get(ANT.role)
        expect(
            role in (ANT.user, ANT.assistant),
            i,
            f"{here}/{ANT.role}",
            f"role must be user or assistant, not {role!r}",
        )
        content: Any = message.get(ANT.content)
        if isinstance(content, str):
            content = [{ANT.type: ANT.text, ANT.text: content}]
        expect(
            isinstance(content, list),
            i,
            f"{here}/{ANT.content}",
            "content must be a string or an array",
        )
        if role == ANT.assistant:
            importing.assistant(_import_assistant_blocks(content, i, here, importing), i, here)
        else:
            _import_user(content, i, here, importing)
    return importing.out


def _import_user(content: list[Any], i: int, here: str, importing: Importing) -> None:
    """A user message: its tool results become toolResult records, its other blocks user ones."""
    report = importing.report
    pending: list[dict[str, Any]] = []
    started = len(importing.out)
    for at, block in objects(content, i, f"{here}/{ANT.content}", "a content block"):
        report.at(i, here)
        if block.get(ANT.type) == ANT.tool_result:
            if pending:
                importing.user(list(pending), i, here)
                pending.clear()
            report.at(i, at)
            _import_tool_result(block, i, at, importing)
            continue
        converted = _plain_block(block, i, at, report)
        if converted is not None:
            pending.append(converted)
    if pending or len(importing.out) == started:
        importing.user(list(pending), i, here)


def _plain_block(block: dict[str, Any], i: int, at: str, report: Report) -> dict[str, Any] | None:
    kind = block.get(ANT.type)
    if kind == ANT.text:
        expect(isinstance(block.get(ANT.text), str), i, f"{at}/{ANT.text}", "text must be a string")
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
    content: list[Any], i: int, here: str, importing: Importing
) -> list[dict[str, Any]]:
    report = importing.report
    blocks: list[dict[str, Any]] = []
    for at, block in objects(content, i, f"{here}/{ANT.content}", "a content block"):
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
            call_id: Any = block.get(ANT.id)
            name: Any = block.get(ANT.name)
            expect(
                isinstance(call_id, str) and isinstance(name, str),
                i,
                at,
                "tool_use needs a string id and name",
            )
            value = block.get(ANT.input)
            if isinstance(value, str):  # some producers stream the input as text
                value = arguments_value(value, i, f"{at}/{ANT.input}", report)
            blocks.append(importing.tool_call(call_id, name, value))
        else:
            converted = _plain_block(block, i, at, report)
            if converted is not None:
                blocks.append(converted)
    return blocks


def _import_tool_result(block: dict[str, Any], i: int, at: str, importing: Importing) -> None:
    report = importing.report
    call_id: Any = block.get(ANT.tool_use_id)
    expect(isinstance(call_id, str), i, f"{at}/{ANT.tool_use_id}", "tool_use_id must be a string")
    name = importing.tool_name(call_id, i, at, ANT.tool_use)
    value = block.get(ANT.content, "")
    content: list[dict[str, Any]] = []
    if isinstance(value, str):
        content = [text_block(value)] if value else []
    else:
        expect(
            isinstance(value, list),
            i,
            f"{at}/{ANT.content}",
            "content must be a string or an array",
        )
        for part_at, part in objects(value, i, f"{at}/{ANT.content}", "a content block"):
            converted = _plain_block(part, i, part_at, report)
            if converted is not None:
                content.append(converted)
    failed = bool(block.get(ANT.is_error, False))
    importing.tool_result((call_id, name), content, failed, i, at)
