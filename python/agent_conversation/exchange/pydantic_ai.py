"""Export to a pydantic-ai message history (``ModelMessagesTypeAdapter``, JSON mode); import:
``pydantic_ai_import``.

Consecutive user and tool-result messages form one ``request`` (``user-prompt`` and
``tool-return`` parts; a failed tool result has ``outcome: "failed"``); each assistant message is
one ``response`` with ``text``, ``thinking`` and ``tool-call`` parts, its usage, model, provider,
timestamp and ``finish_reason``. What pydantic-ai has no field for goes into the documented
free-form ``provider_details``: the exact stop reason, the error message, the total token
count, a tool call's provider metadata; redacted reasoning is a thinking part with
``id: "redacted_thinking"`` and the data as its signature (pydantic-ai's own convention).
Timestamps are UTC ISO 8601 with microseconds, as pydantic writes them.
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime, timedelta, timezone
from typing import Any

from ..record_names import BLOCK, CONTENT, MESSAGE, PROTOCOL, ROLE, STOP, USAGE
from .common import MESSAGE_BOOKKEEPING, Report
from .vocabulary import vocabulary

FORMAT = "pydantic-ai"
PAI = vocabulary(FORMAT)
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
FINISH = {
    STOP.stop: PAI.stop,
    STOP.length: PAI.length,
    STOP.tool_use: "tool_call",
    STOP.error: PAI.error,
    STOP.refusal: PAI.content_filter,
}
REDACTED_ID = "redacted_thinking"
PROVIDER_NAMES = {PROTOCOL.anthropic_messages: "anthropic"}


def iso(ms: int) -> str | None:
    """Milliseconds since the epoch as pydantic writes a UTC datetime; None when out of range."""
    try:
        moment = EPOCH + timedelta(milliseconds=ms)
    except OverflowError:
        return None
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if moment.year < 1000:
        text = f"{moment.year:04d}" + text[text.index("-") :]
    if moment.microsecond:
        text += f".{moment.microsecond:06d}"
    return text + "Z"


# -- export -------------------------------------------------------------------------------------


def export(records: list[dict[str, Any]], report: Report) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    request: list[dict[str, Any]] | None = None
    for index, record, role in report.sendable(records, keep=MESSAGE_BOOKKEEPING):
        if role == ROLE.assistant:
            request = None
            messages.append(_response(record, index, report))
            continue
        if request is None:
            request = []
            messages.append({PAI.parts: request, PAI.kind: PAI.request})
        request.append(
            _user(record, index, report)
            if role == ROLE.user
            else _tool_return(record, index, report)
        )
    return messages


def with_system(messages: list[dict[str, Any]], system: str | None) -> list[dict[str, Any]]:
    """``messages`` with a system prompt part first (in the first request, or a new one)."""
    if system:
        part = {PAI.content: system, PAI.part_kind: PAI.system_prompt}
        if messages and messages[0][PAI.kind] == PAI.request:
            messages[0][PAI.parts].insert(0, part)
        else:
            messages.insert(0, {PAI.parts: [part], PAI.kind: PAI.request})
    return messages


def _timestamp(record: dict[str, Any], index: int, report: Report, out: dict[str, Any]) -> None:
    text = iso(record[MESSAGE.timestamp])
    if text is None:
        report.lose(
            index,
            f"/{index}/{MESSAGE.timestamp}",
            f"timestamp {record[MESSAGE.timestamp]}",
            "beyond the dates pydantic-ai can hold",
            MESSAGE.timestamp,
        )
    else:
        out[PAI.timestamp] = text


def _files(content: list[dict[str, Any]], index: int, report: Report, single: bool) -> Any:
    items: list[Any] = []
    for j, block in enumerate(content):
        if block[BLOCK.type] == CONTENT.text:
            items.append(block[BLOCK.text])
        elif block[BLOCK.type] == CONTENT.image:
            file = _binary(block, index, j, report)
            if file is not None:
                items.append(file)
        else:
            report.lose(
                index,
                f"/{index}/{MESSAGE.content}/{j}",
                f"{block[BLOCK.type]} block",
                f"{report.fmt} has no place for it here",
                block[BLOCK.type],
            )
    if single and len(content) == 1 and len(items) == 1 and isinstance(items[0], str):
        return items[0]
    return items


def _user(record: dict[str, Any], index: int, report: Report) -> dict[str, Any]:
    part: dict[str, Any] = {PAI.content: _files(record[MESSAGE.content], index, report, True)}
    _timestamp(record, index, report, part)
    part[PAI.part_kind] = PAI.user_prompt
    return part


def _tool_return(record: dict[str, Any], index: int, report: Report) -> dict[str, Any]:
    part: dict[str, Any] = {
        PAI.tool_name: record[MESSAGE.tool_name],
        PAI.content: _files(record[MESSAGE.content], index, report, True),
        PAI.tool_call_id: record[MESSAGE.tool_call_id],
    }
    _timestamp(record, index, report, part)
    part[PAI.outcome] = PAI.failed if record[MESSAGE.is_error] else PAI.success
    part[PAI.part_kind] = PAI.tool_return
    return part


def _response(record: dict[str, Any], index: int, report: Report) -> dict[str, Any]:
    parts = [
        _response_part(block, index, j, report) for j, block in enumerate(record[MESSAGE.content])
    ]
    usage = record[MESSAGE.usage]
    details: dict[str, Any] = {PAI.stop_reason: record[MESSAGE.stop_reason]}
    if MESSAGE.error_message in record:
        details[PAI.error_message] = record[MESSAGE.error_message]
    out: dict[str, Any] = {
        PAI.parts: [p for p in parts if p is not None],
        PAI.usage: {
            PAI.input_tokens: usage.get(USAGE.input, 0),
            PAI.cache_write_tokens: usage.get(USAGE.cache_write, 0),
            PAI.cache_read_tokens: usage.get(USAGE.cache_read, 0),
            PAI.output_tokens: usage.get(USAGE.output, 0),
            PAI.output_reasoning_tokens: usage.get(USAGE.reasoning, 0),
            PAI.details: {PAI.total_tokens: usage.get(USAGE.total_tokens, 0)},
        },
        PAI.model_name: record[MESSAGE.model],
    }
    _timestamp(record, index, report, out)
    out[PAI.kind] = PAI.response
    out[PAI.provider_name] = record[MESSAGE.provider]
    out[PAI.provider_details] = details
    out[PAI.finish_reason] = FINISH.get(record[MESSAGE.stop_reason])
    return out


def _response_part(
    block: dict[str, Any], index: int, j: int, report: Report
) -> dict[str, Any] | None:
    kind = block[BLOCK.type]
    if kind == CONTENT.text:
        return {PAI.content: block[BLOCK.text], PAI.part_kind: PAI.text}
    if kind == CONTENT.thinking:
        if BLOCK.redacted in block:
            protocol = block.get(BLOCK.redacted_protocol)
            if BLOCK.signature in block:
                report.lose(
                    index,
                    f"/{index}/{MESSAGE.content}/{j}/{BLOCK.signature}",
                    "signature beside redacted data",
                    "the redacted data takes its place",
                    CONTENT.thinking,
                )
            return {
                PAI.content: block[BLOCK.thinking],
                PAI.id: REDACTED_ID,
                PAI.signature: block[BLOCK.redacted],
                PAI.provider_name: PROVIDER_NAMES.get(protocol, protocol) if protocol else None,
                PAI.part_kind: PAI.thinking,
            }
        part: dict[str, Any] = {PAI.content: block[BLOCK.thinking]}
        if BLOCK.signature in block:
            part[PAI.signature] = block[BLOCK.signature]
        part[PAI.part_kind] = PAI.thinking
        return part
    if kind == CONTENT.tool_call:
        part = {
            PAI.tool_name: block[BLOCK.name],
            PAI.args: block[BLOCK.arguments],
            PAI.tool_call_id: block[BLOCK.id],
        }
        if not isinstance(block[BLOCK.arguments], dict):
            part[PAI.args] = {PAI.value: block[BLOCK.arguments]}
            part[PAI.provider_details] = {PAI.arguments_wrapped: True}
        if BLOCK.provider_metadata in block:
            part.setdefault(PAI.provider_details, {})[PAI.provider_metadata] = block[
                BLOCK.provider_metadata
            ]
        part[PAI.part_kind] = "tool-call"
        return part
    file = _binary(block, index, j, report)
    return None if file is None else {PAI.content: file, PAI.part_kind: PAI.file}


def _binary(block: dict[str, Any], index: int, j: int, report: Report) -> dict[str, Any] | None:
    """An image block as pydantic-ai's ``binary`` content; None (a loss) when its data is not
    standard base64: pydantic-ai holds the bytes and writes them as standard base64."""
    data = block[BLOCK.data]
    try:
        ok = base64.b64encode(base64.b64decode(data, validate=True)).decode() == data
    except (binascii.Error, ValueError):
        ok = False
    if not ok:
        report.lose(
            index,
            f"/{index}/{MESSAGE.content}/{j}",
            "image whose data is not standard base64",
            f"{report.fmt} holds the decoded bytes of an image",
            CONTENT.image,
        )
        return None
    return {PAI.data: data, PAI.media_type: block[BLOCK.mime_type], PAI.kind: PAI.binary}
