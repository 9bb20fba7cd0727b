"""Our records built from another format's document: what every import shares.

An assistant record whose document lacks what the crates need (stop reason, model, provider,
usage, timestamp) takes it from ``Fill`` and reports each as filled; tool-call arguments are read
as serde_json reads them; an image is kept only as base64 data (``data:`` URLs).
"""

from __future__ import annotations

from typing import Any

from ..record_names import BLOCK, CONTENT, MESSAGE, ROLE, STOP, USAGE_COUNTS
from .common import Fill, Report

NO_VALUE = "the document gives none"


def filled_timestamp(fill: Fill, position: int, i: int, here: str, report: Report) -> int:
    value = fill.timestamp(position)
    report.fill(
        i,
        f"{here}/{MESSAGE.timestamp}",
        f"timestamp {value}",
        f"{report.fmt} messages carry no time",
    )
    return value


def data_url_image(url: Any) -> dict[str, Any] | None:
    """``data:<mime>;base64,<data>`` as an image block; None for anything else."""
    if not isinstance(url, str) or not url.startswith("data:"):
        return None
    mime, sep, data = url[5:].partition(";base64,")
    if not sep:
        return None
    return {BLOCK.type: CONTENT.image, BLOCK.data: data, BLOCK.mime_type: mime}


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
        stop_reason = fill.stop_reason or (STOP.tool_use if calls_tools else STOP.stop)
        report.fill(i, f"{here}/{MESSAGE.stop_reason}", f"stop reason {stop_reason!r}", NO_VALUE)
    if model is None:
        model = fill.model or ""
        report.fill(i, f"{here}/{MESSAGE.model}", f"model {model!r}", NO_VALUE)
    if provider is None:
        provider = fill.provider or ""
        report.fill(i, f"{here}/{MESSAGE.provider}", f"provider {provider!r}", NO_VALUE)
    if usage is None:
        usage = dict.fromkeys(USAGE_COUNTS, 0)
        report.fill(
            i, f"{here}/{MESSAGE.usage}", "usage all 0", "the document gives no token counts"
        )
    if timestamp is None:
        timestamp = filled_timestamp(fill, position, i, here, report)
    return {
        MESSAGE.role: ROLE.assistant,
        MESSAGE.content: blocks,
        MESSAGE.stop_reason: stop_reason,
        MESSAGE.model: model,
        MESSAGE.provider: provider,
        MESSAGE.usage: usage,
        MESSAGE.timestamp: timestamp,
    }
