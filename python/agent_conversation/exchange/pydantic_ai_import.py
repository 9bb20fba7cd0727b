"""A pydantic-ai message history read as our records: a ``request``'s user-prompt parts become
user records and its tool-return / retry-prompt parts tool results; each ``response`` an
assistant record with its usage, model, provider and time, the exact stop reason and error
message from ``provider_details`` where this package put them (else mapped back from
``finish_reason``). System prompts, instructions and content the crates cannot hold are losses.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import datetime, timedelta, timezone
from typing import Any

from ..conversation import text_block
from ..record_names import BLOCK, CONTENT, MESSAGE, ROLE, USAGE
from .common import Fill, Report, expect, json_text
from .pydantic_ai import EPOCH, FINISH, PAI, PROVIDER_NAMES, REDACTED_ID
from .records import (
    arguments_value,
    assistant_record,
    data_url_image,
    filled_timestamp,
    objects,
)

_STOP_REASONS = {finish: stop for stop, finish in FINISH.items()}  # finish_reason -> ours
_PROTOCOLS = {name: protocol for protocol, name in PROVIDER_NAMES.items()}
_ISO = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:?\d\d)?$"
)


def millis(text: Any) -> int | None:
    """An ISO 8601 time as milliseconds since the epoch (None when it is not one or before 1970)."""
    if not isinstance(text, str):
        return None
    match = _ISO.match(text)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    try:
        moment = datetime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute),
            int(second),
            tzinfo=timezone.utc,
        )
    except ValueError:
        return None
    if zone and zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        moment -= sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    micros = int((fraction or "0").ljust(6, "0")[:6])
    total = (moment - EPOCH) // timedelta(microseconds=1) + micros
    return None if total < 0 else total // 1000


def import_document(document: Any, report: Report, fill: Fill) -> list[dict[str, Any]]:
    expect(
        isinstance(document, list),
        None,
        "",
        "a pydantic-ai history is an array of requests and responses",
    )
    out: list[dict[str, Any]] = report.records()
    for i, message in enumerate(document):
        here = f"/{i}"
        report.at(i, here)
        expect(isinstance(message, dict), i, here, "a message must be a JSON object")
        parts = message.get(PAI.parts)
        expect(isinstance(parts, list), i, f"{here}/{PAI.parts}", "`parts` must be an array")
        kind = message.get(PAI.kind)
        if kind == PAI.response:
            out.append(_import_response(message, parts, i, here, report, fill, len(out)))
        elif kind == PAI.request:
            if message.get(PAI.instructions):
                report.lose(
                    i,
                    f"{here}/{PAI.instructions}",
                    PAI.instructions,
                    "a saved history has no system prompt",
                    "system",
                )
            for j, part in enumerate(parts):
                report.at(i, f"{here}/{PAI.parts}/{j}")
                record = _import_request_part(
                    part, i, f"{here}/{PAI.parts}/{j}", report, fill, len(out)
                )
                if record is not None:
                    out.append(record)
        else:
            expect(
                False, i, f"{here}/{PAI.kind}", f"kind must be request or response, not {kind!r}"
            )
    return out


def _time(value: Any, fill: Fill, position: int, i: int, here: str, report: Report) -> int:
    ms = millis(value)
    if ms is None:
        ms = filled_timestamp(fill, position, i, here, report, "the document gives no usable time")
    return ms


def _import_files(content: Any, i: int, here: str, report: Report) -> list[dict[str, Any]]:
    items = content if isinstance(content, list) else [content]
    blocks: list[dict[str, Any]] = []
    for k, item in enumerate(items):
        at = f"{here}/{k}" if isinstance(content, list) else here
        if isinstance(item, str):
            blocks.append(text_block(item))
        elif isinstance(item, dict) and item.get(PAI.kind) == PAI.binary:
            blocks.append(_image(item))
        elif (
            isinstance(item, dict)
            and item.get(PAI.kind) == PAI.image_url
            and isinstance(item.get(PAI.url), str)
            and item[PAI.url].startswith("data:")
        ):
            image = data_url_image(item[PAI.url])
            if image is not None:
                blocks.append(image)
        else:
            if isinstance(item, dict) and item.get(PAI.kind) in (
                PAI.image_url,
                PAI.audio_url,
                PAI.video_url,
                PAI.document_url,
            ):
                report.lose(
                    i,
                    at,
                    f"{item.get(PAI.kind)} content",
                    "the crates hold text and base64 images only",
                    MESSAGE.content,
                )
            else:
                blocks.append(text_block(json_text(item)))
                report.lose(i, at, "structured content", "kept as its JSON text", MESSAGE.content)
    return blocks


def _image(binary: dict[str, Any]) -> dict[str, Any]:
    """An image block for a ``binary`` content item (a user prompt's, or a ``file`` part's)."""
    return {
        BLOCK.type: CONTENT.image,
        BLOCK.data: _b64(binary.get(PAI.data)),
        BLOCK.mime_type: str(binary.get(PAI.media_type, "")),
    }


def _b64(data: Any) -> str:
    """pydantic-ai writes bytes as base64; normalise any valid encoding to the standard one."""
    if not isinstance(data, str):
        return ""
    try:
        return base64.b64encode(base64.b64decode(data, validate=False)).decode() if data else ""
    except (binascii.Error, ValueError):
        return data


def _import_request_part(
    part: Any, i: int, here: str, report: Report, fill: Fill, position: int
) -> dict[str, Any] | None:
    expect(isinstance(part, dict), i, here, "a part must be a JSON object")
    kind = part.get(PAI.part_kind)
    if kind in (PAI.user_prompt, PAI.tool_return, PAI.retry_prompt):
        content = part.get(PAI.content)
        if kind == PAI.retry_prompt and not isinstance(content, str):
            content = json_text(content)
        blocks = (
            [text_block(content)]
            if isinstance(content, str)
            else _import_files(content, i, f"{here}/{PAI.content}", report)
        )
        timestamp = _time(part.get(PAI.timestamp), fill, position, i, here, report)
        if kind == PAI.user_prompt or (kind == PAI.retry_prompt and not part.get(PAI.tool_name)):
            return {MESSAGE.role: ROLE.user, MESSAGE.content: blocks, MESSAGE.timestamp: timestamp}
        failed = kind == PAI.retry_prompt or part.get(PAI.outcome, PAI.success) != PAI.success
        return {
            MESSAGE.role: ROLE.tool_result,
            MESSAGE.tool_call_id: str(part.get(PAI.tool_call_id, "")),
            MESSAGE.tool_name: str(part.get(PAI.tool_name, "")),
            MESSAGE.content: blocks,
            MESSAGE.is_error: failed,
            MESSAGE.timestamp: timestamp,
        }
    what = "system prompt" if kind == PAI.system_prompt else f"{kind} part"
    report.lose(
        i,
        here,
        what,
        "the crates' histories have no such message",
        "system" if kind == PAI.system_prompt else MESSAGE.content,
    )
    return None


def _import_response(
    message: dict[str, Any],
    parts: list[Any],
    i: int,
    here: str,
    report: Report,
    fill: Fill,
    position: int,
) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = []
    for at, part in objects(parts, i, f"{here}/{PAI.parts}", "a part"):
        block = _import_response_part(part, i, at, report)
        if block is not None:
            blocks.append(block)
    details = _object(message.get(PAI.provider_details))
    stop = details.get(PAI.stop_reason)
    if not isinstance(stop, str):
        stop = _STOP_REASONS.get(_string(message.get(PAI.finish_reason)) or "")
    usage = _usage(message.get(PAI.usage), details)
    model = _string(message.get(PAI.model_name))
    provider = _string(message.get(PAI.provider_name))
    record = assistant_record(
        blocks,
        i,
        here,
        report,
        fill,
        position,
        stop_reason=stop,
        model=model,
        provider=provider,
        usage=usage,
        timestamp=_time(message.get(PAI.timestamp), fill, position, i, here, report),
    )
    if isinstance(details.get(PAI.error_message), str):
        record[MESSAGE.error_message] = details[PAI.error_message]
    return record


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _string(value: Any) -> str | None:
    """A string field's value; anything else (a list, a number, …) reads as absent."""
    return value if isinstance(value, str) else None


def _usage(usage: Any, details: dict[str, Any]) -> dict[str, int]:
    usage = usage if isinstance(usage, dict) else {}
    counts = usage.get(PAI.details) if isinstance(usage.get(PAI.details), dict) else {}

    def count(value: Any) -> int:
        return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0

    input_, output = count(usage.get(PAI.input_tokens)), count(usage.get(PAI.output_tokens))
    total = counts.get(PAI.total_tokens)
    out = {
        USAGE.input: input_,
        USAGE.output: output,
        USAGE.cache_read: count(usage.get(PAI.cache_read_tokens)),
        USAGE.cache_write: count(usage.get(PAI.cache_write_tokens)),
        USAGE.total_tokens: count(total) if total is not None else input_ + output,
    }
    if count(usage.get(PAI.output_reasoning_tokens)):
        out[USAGE.reasoning] = count(usage.get(PAI.output_reasoning_tokens))
    return out


def _import_response_part(
    part: dict[str, Any], i: int, at: str, report: Report
) -> dict[str, Any] | None:
    kind = part.get(PAI.part_kind)
    if kind == PAI.text:
        return text_block(str(part.get(PAI.content, "")))
    if kind == PAI.thinking:
        if part.get(PAI.id) == REDACTED_ID:
            provider = _string(part.get(PAI.provider_name))
            protocol = _PROTOCOLS.get(provider, provider) if provider is not None else None
            block: dict[str, Any] = {
                BLOCK.type: CONTENT.thinking,
                BLOCK.thinking: str(part.get(PAI.content, "")),
                BLOCK.redacted: str(part.get(PAI.signature, "")),
            }
            if protocol:
                block[BLOCK.redacted_protocol] = protocol
            return block
        block = {BLOCK.type: CONTENT.thinking, BLOCK.thinking: str(part.get(PAI.content, ""))}
        if isinstance(part.get(PAI.signature), str):
            block[BLOCK.signature] = part[PAI.signature]
        return block
    if kind == "tool-call":
        args = part.get(PAI.args)
        details = _object(part.get(PAI.provider_details))
        if isinstance(args, str):
            args = arguments_value(args, i, f"{at}/{PAI.args}", report) if args else {}
        elif details.get(PAI.arguments_wrapped) and isinstance(args, dict):
            args = args.get(PAI.value)
        call = {
            BLOCK.type: CONTENT.tool_call,
            BLOCK.id: str(part.get(PAI.tool_call_id, "")),
            BLOCK.name: str(part.get(PAI.tool_name, "")),
            BLOCK.arguments: args,
        }
        if PAI.provider_metadata in details:
            call[BLOCK.provider_metadata] = details[PAI.provider_metadata]
        return call
    if kind == PAI.file:
        content = part.get(PAI.content)
        if isinstance(content, dict) and content.get(PAI.kind) == PAI.binary:
            return _image(content)
    report.lose(
        i,
        at,
        f"{kind} part",
        "the crates' assistant messages have no such content",
        MESSAGE.content,
    )
    return None
