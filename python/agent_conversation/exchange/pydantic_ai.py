"""pydantic-ai message history (what ``ModelMessagesTypeAdapter`` dumps in JSON mode), both ways.

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
import re
from datetime import datetime, timedelta, timezone
from typing import Any

from .common import Fill, Report, expect
from .openai_chat import arguments_value, assistant_record

FORMAT = "pydantic-ai"
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
FINISH = {
    "stop": "stop",
    "length": "length",
    "toolUse": "tool_call",
    "error": "error",
    "refusal": "content_filter",
}
REDACTED_ID = "redacted_thinking"
PROVIDER_NAMES = {"anthropic_messages": "anthropic"}


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


# -- export -------------------------------------------------------------------------------------


def export(records: list[dict[str, Any]], report: Report) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    request: list[dict[str, Any]] | None = None
    for index, record in enumerate(records):
        if "kind" in record:
            report.lose(
                index,
                f"/{index}",
                f"extension record (kind {record['kind']!r})",
                f"{report.fmt} has no place for it",
                "extension",
            )
            continue
        role = record["role"]
        report.bookkeeping(
            index,
            record,
            keep=("timestamp", "model", "provider", "usage", "stopReason", "errorMessage"),
        )
        if role == "assistant":
            request = None
            messages.append(_response(record, index, report))
            continue
        if request is None:
            request = []
            messages.append({"parts": request, "kind": "request"})
        request.append(
            _user(record, index, report) if role == "user" else _tool_return(record, index, report)
        )
    return messages


def _timestamp(record: dict[str, Any], index: int, report: Report, out: dict[str, Any]) -> None:
    text = iso(record["timestamp"])
    if text is None:
        report.lose(
            index,
            f"/{index}/timestamp",
            f"timestamp {record['timestamp']}",
            "beyond the dates pydantic-ai can hold",
            "timestamp",
        )
    else:
        out["timestamp"] = text


def _files(content: list[dict[str, Any]], index: int, report: Report, single: bool) -> Any:
    items: list[Any] = []
    for j, block in enumerate(content):
        if block["type"] == "text":
            items.append(block["text"])
        elif block["type"] == "image":
            if _binary_ok(block, index, j, report):
                items.append(
                    {"data": block["data"], "media_type": block["mimeType"], "kind": "binary"}
                )
        else:
            report.lose(
                index,
                f"/{index}/content/{j}",
                f"{block['type']} block",
                f"{report.fmt} has no place for it here",
                block["type"],
            )
    if single and len(content) == 1 and len(items) == 1 and isinstance(items[0], str):
        return items[0]
    return items


def _user(record: dict[str, Any], index: int, report: Report) -> dict[str, Any]:
    part: dict[str, Any] = {"content": _files(record["content"], index, report, True)}
    _timestamp(record, index, report, part)
    part["part_kind"] = "user-prompt"
    return part


def _tool_return(record: dict[str, Any], index: int, report: Report) -> dict[str, Any]:
    part: dict[str, Any] = {
        "tool_name": record["toolName"],
        "content": _files(record["content"], index, report, True),
        "tool_call_id": record["toolCallId"],
    }
    _timestamp(record, index, report, part)
    part["outcome"] = "failed" if record["isError"] else "success"
    part["part_kind"] = "tool-return"
    return part


def _response(record: dict[str, Any], index: int, report: Report) -> dict[str, Any]:
    parts = [_response_part(block, index, j, report) for j, block in enumerate(record["content"])]
    usage = record["usage"]
    details: dict[str, Any] = {"stop_reason": record["stopReason"]}
    if "errorMessage" in record:
        details["error_message"] = record["errorMessage"]
    out: dict[str, Any] = {
        "parts": [p for p in parts if p is not None],
        "usage": {
            "input_tokens": usage.get("input", 0),
            "cache_write_tokens": usage.get("cacheWrite", 0),
            "cache_read_tokens": usage.get("cacheRead", 0),
            "output_tokens": usage.get("output", 0),
            "output_reasoning_tokens": usage.get("reasoning", 0),
            "details": {"total_tokens": usage.get("totalTokens", 0)},
        },
        "model_name": record["model"],
    }
    _timestamp(record, index, report, out)
    out["kind"] = "response"
    out["provider_name"] = record["provider"]
    out["provider_details"] = details
    out["finish_reason"] = FINISH.get(record["stopReason"])
    return out


def _response_part(
    block: dict[str, Any], index: int, j: int, report: Report
) -> dict[str, Any] | None:
    kind = block["type"]
    if kind == "text":
        return {"content": block["text"], "part_kind": "text"}
    if kind == "thinking":
        if "redacted" in block:
            protocol = block.get("redactedProtocol")
            if "signature" in block:
                report.lose(
                    index,
                    f"/{index}/content/{j}/signature",
                    "signature beside redacted data",
                    "the redacted data takes its place",
                    "thinking",
                )
            return {
                "content": block["thinking"],
                "id": REDACTED_ID,
                "signature": block["redacted"],
                "provider_name": PROVIDER_NAMES.get(protocol, protocol) if protocol else None,
                "part_kind": "thinking",
            }
        part: dict[str, Any] = {"content": block["thinking"]}
        if "signature" in block:
            part["signature"] = block["signature"]
        part["part_kind"] = "thinking"
        return part
    if kind == "toolCall":
        part = {"tool_name": block["name"], "args": block["arguments"], "tool_call_id": block["id"]}
        if not isinstance(block["arguments"], dict):
            part["args"] = {"value": block["arguments"]}
            part["provider_details"] = {"arguments_wrapped": True}
        if "providerMetadata" in block:
            part.setdefault("provider_details", {})["provider_metadata"] = block["providerMetadata"]
        part["part_kind"] = "tool-call"
        return part
    if not _binary_ok(block, index, j, report):
        return None
    file = {"data": block["data"], "media_type": block["mimeType"], "kind": "binary"}
    return {"content": file, "part_kind": "file"}


def _binary_ok(block: dict[str, Any], index: int, j: int, report: Report) -> bool:
    """pydantic-ai holds image bytes and writes them as standard base64: other data is lost."""
    data = block["data"]
    try:
        ok = base64.b64encode(base64.b64decode(data, validate=True)).decode() == data
    except (binascii.Error, ValueError):
        ok = False
    if not ok:
        report.lose(
            index,
            f"/{index}/content/{j}",
            "image whose data is not standard base64",
            f"{report.fmt} holds the decoded bytes of an image",
            "image",
        )
    return ok


# -- import -------------------------------------------------------------------------------------


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
        parts = message.get("parts")
        expect(isinstance(parts, list), i, f"{here}/parts", "`parts` must be an array")
        kind = message.get("kind")
        if kind == "response":
            out.append(_import_response(message, parts, i, here, report, fill, len(out)))
        elif kind == "request":
            if message.get("instructions"):
                report.lose(
                    i,
                    f"{here}/instructions",
                    "instructions",
                    "a saved history has no system prompt",
                    "system",
                )
            for j, part in enumerate(parts):
                report.at(i, f"{here}/parts/{j}")
                record = _import_request_part(part, i, f"{here}/parts/{j}", report, fill, len(out))
                if record is not None:
                    out.append(record)
        else:
            expect(False, i, f"{here}/kind", f"kind must be request or response, not {kind!r}")
    return out


def _time(value: Any, fill: Fill, position: int, i: int, here: str, report: Report) -> int:
    ms = millis(value)
    if ms is None:
        ms = fill.timestamp(position)
        report.fill(i, f"{here}/timestamp", f"timestamp {ms}", "the document gives no usable time")
    return ms


def _import_files(content: Any, i: int, here: str, report: Report) -> list[dict[str, Any]]:
    items = content if isinstance(content, list) else [content]
    blocks: list[dict[str, Any]] = []
    for k, item in enumerate(items):
        at = f"{here}/{k}" if isinstance(content, list) else here
        if isinstance(item, str):
            blocks.append({"type": "text", "text": item})
        elif isinstance(item, dict) and item.get("kind") == "binary":
            blocks.append(
                {
                    "type": "image",
                    "data": _b64(item.get("data")),
                    "mimeType": str(item.get("media_type", "")),
                }
            )
        elif (
            isinstance(item, dict)
            and item.get("kind") == "image-url"
            and isinstance(item.get("url"), str)
            and item["url"].startswith("data:")
        ):
            from .openai_chat import data_url_image

            image = data_url_image(item["url"])
            if image is not None:
                blocks.append(image)
        else:
            from ..codec.numbers import FLOAT_FORMATS  # noqa: F401  (keeps imports local)
            from .common import json_text

            if isinstance(item, dict) and item.get("kind") in (
                "image-url",
                "audio-url",
                "video-url",
                "document-url",
            ):
                report.lose(
                    i,
                    at,
                    f"{item.get('kind')} content",
                    "the crates hold text and base64 images only",
                    "content",
                )
            else:
                blocks.append({"type": "text", "text": json_text(item)})
                report.lose(i, at, "structured content", "kept as its JSON text", "content")
    return blocks


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
    kind = part.get("part_kind")
    if kind == "user-prompt":
        content = part.get("content")
        blocks = (
            [{"type": "text", "text": content}]
            if isinstance(content, str)
            else _import_files(content, i, f"{here}/content", report)
        )
        return {
            "role": "user",
            "content": blocks,
            "timestamp": _time(part.get("timestamp"), fill, position, i, here, report),
        }
    if kind in ("tool-return", "retry-prompt"):
        content = part.get("content")
        failed = kind == "retry-prompt" or part.get("outcome", "success") != "success"
        if kind == "retry-prompt" and not isinstance(content, str):
            from .common import json_text

            content = json_text(content)
        blocks = (
            [{"type": "text", "text": content}]
            if isinstance(content, str)
            else _import_files(content, i, f"{here}/content", report)
        )
        if not part.get("tool_name") and kind == "retry-prompt":
            return {
                "role": "user",
                "content": blocks,
                "timestamp": _time(part.get("timestamp"), fill, position, i, here, report),
            }
        return {
            "role": "toolResult",
            "toolCallId": str(part.get("tool_call_id", "")),
            "toolName": str(part.get("tool_name", "")),
            "content": blocks,
            "isError": failed,
            "timestamp": _time(part.get("timestamp"), fill, position, i, here, report),
        }
    what = "system prompt" if kind == "system-prompt" else f"{kind} part"
    report.lose(
        i,
        here,
        what,
        "the crates' histories have no such message",
        "system" if kind == "system-prompt" else "content",
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
    for j, part in enumerate(parts):
        at = f"{here}/parts/{j}"
        expect(isinstance(part, dict), i, at, "a part must be a JSON object")
        block = _import_response_part(part, i, at, report)
        if block is not None:
            blocks.append(block)
    details = _object(message.get("provider_details"))
    stop = details.get("stop_reason")
    if not isinstance(stop, str):
        reverse = {v: k for k, v in FINISH.items()}
        stop = reverse.get(message.get("finish_reason"))  # type: ignore[arg-type]
    usage = _usage(message.get("usage"), details)
    model = message.get("model_name") if isinstance(message.get("model_name"), str) else None
    provider = (
        message.get("provider_name") if isinstance(message.get("provider_name"), str) else None
    )
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
        timestamp=_time(message.get("timestamp"), fill, position, i, here, report),
    )
    if isinstance(details.get("error_message"), str):
        record["errorMessage"] = details["error_message"]
    return record


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _usage(usage: Any, details: dict[str, Any]) -> dict[str, int]:
    usage = usage if isinstance(usage, dict) else {}
    counts = usage.get("details") if isinstance(usage.get("details"), dict) else {}

    def count(value: Any) -> int:
        return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0

    input_, output = count(usage.get("input_tokens")), count(usage.get("output_tokens"))
    total = counts.get("total_tokens")
    out = {
        "input": input_,
        "output": output,
        "cacheRead": count(usage.get("cache_read_tokens")),
        "cacheWrite": count(usage.get("cache_write_tokens")),
        "totalTokens": count(total) if total is not None else input_ + output,
    }
    if count(usage.get("output_reasoning_tokens")):
        out["reasoning"] = count(usage.get("output_reasoning_tokens"))
    return out


def _import_response_part(
    part: dict[str, Any], i: int, at: str, report: Report
) -> dict[str, Any] | None:
    kind = part.get("part_kind")
    if kind == "text":
        return {"type": "text", "text": str(part.get("content", ""))}
    if kind == "thinking":
        if part.get("id") == REDACTED_ID:
            provider: Any = part.get("provider_name")
            protocol = {v: k for k, v in PROVIDER_NAMES.items()}.get(provider, provider)
            block: dict[str, Any] = {
                "type": "thinking",
                "thinking": str(part.get("content", "")),
                "redacted": str(part.get("signature", "")),
            }
            if protocol:
                block["redactedProtocol"] = protocol
            return block
        block = {"type": "thinking", "thinking": str(part.get("content", ""))}
        if isinstance(part.get("signature"), str):
            block["signature"] = part["signature"]
        return block
    if kind == "tool-call":
        args = part.get("args")
        details = _object(part.get("provider_details"))
        if isinstance(args, str):
            args = arguments_value(args, i, f"{at}/args", report) if args else {}
        elif details.get("arguments_wrapped") and isinstance(args, dict):
            args = args.get("value")
        call = {
            "type": "toolCall",
            "id": str(part.get("tool_call_id", "")),
            "name": str(part.get("tool_name", "")),
            "arguments": args,
        }
        if "provider_metadata" in details:
            call["providerMetadata"] = details["provider_metadata"]
        return call
    if kind == "file":
        content = part.get("content")
        if isinstance(content, dict) and content.get("kind") == "binary":
            return {
                "type": "image",
                "data": _b64(content.get("data")),
                "mimeType": str(content.get("media_type", "")),
            }
    report.lose(
        i, at, f"{kind} part", "the crates' assistant messages have no such content", "content"
    )
    return None
