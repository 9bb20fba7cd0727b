"""Our records built from another format's document: what every import shares.

An assistant record whose document lacks what the crates need (stop reason, model, provider,
usage, timestamp) takes it from ``Fill`` and reports each as filled; tool-call arguments are read
as serde_json reads them; an image is kept only as base64 data (``data:`` URLs).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..record_names import BLOCK, CONTENT, MESSAGE, ROLE, STOP, USAGE_COUNTS
from .common import Fill, Report, expect

NO_VALUE = "the document gives none"


def filled_timestamp(
    fill: Fill, position: int, i: int, here: str, report: Report, why: str | None = None
) -> int:
    """The timestamp ``fill`` gives the record at ``position``, reported as filled (``why``:
    by default, the format's messages carry no time)."""
    value = fill.timestamp(position)
    report.fill(
        i,
        f"{here}/{MESSAGE.timestamp}",
        f"timestamp {value}",
        why or f"{report.fmt} messages carry no time",
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


def objects(items: list[Any], i: int, base: str, what: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each item of an array of message ``i`` (at ``base``) with its pointer; an item that is not
    a JSON object is refused (``what`` names it: ``a content block``)."""
    for j, item in enumerate(items):
        at = f"{base}/{j}"
        expect(isinstance(item, dict), i, at, f"{what} must be a JSON object")
        yield at, item


def request_messages(
    document: Any, report: Report, messages_key: str, other_keys: tuple[str, ...]
) -> tuple[Any, str]:
    """The messages of a request-shaped document (``{"messages": [...], ...}`` or the bare
    array) and their pointer; each request field but ``other_keys`` is a loss."""
    if isinstance(document, list):
        return document, ""
    expect(
        isinstance(document, dict), None, "", 'expected {"messages": [...]} or an array of messages'
    )
    for key in document:
        if key != messages_key and key not in other_keys:
            report.lose(
                None, f"/{key}", f"request field `{key}`", "not part of a history", "request"
            )
    return document.get(messages_key), "/" + messages_key


class Importing:
    """One import under way: the records made so far (each remembering where in the document
    it came from), the report, the fill-ins and the tool names by call id. Each record's
    timestamp is filled for its position."""

    def __init__(self, report: Report, fill: Fill) -> None:
        self.report = report
        self.fill = fill
        self.out: list[dict[str, Any]] = report.records()
        self.names: dict[str, str] = {}

    def messages(self, messages: Any, base: str) -> Iterator[tuple[int, dict[str, Any], str]]:
        """Each message of a ``messages`` array (at ``base``) with its index and pointer; the
        records made from now on come from it."""
        expect(isinstance(messages, list), None, base, "`messages` must be an array")
        for i, message in enumerate(messages):
            here = f"{base}/{i}"
            self.report.at(i, here)
            expect(isinstance(message, dict), i, here, "a message must be a JSON object")
            yield i, message, here

    def timestamp(self, i: int, here: str) -> int:
        return filled_timestamp(self.fill, len(self.out), i, here, self.report)

    def user(self, content: list[dict[str, Any]], i: int, here: str) -> None:
        self.out.append(
            {
                MESSAGE.role: ROLE.user,
                MESSAGE.content: content,
                MESSAGE.timestamp: self.timestamp(i, here),
            }
        )

    def assistant(self, blocks: list[dict[str, Any]], i: int, here: str) -> None:
        self.out.append(assistant_record(blocks, i, here, self.report, self.fill, len(self.out)))

    def tool_call(self, call_id: str, name: str, arguments: Any) -> dict[str, Any]:
        """A tool-call block; its name is remembered for the results that answer it."""
        self.names[call_id] = name
        return {
            BLOCK.type: CONTENT.tool_call,
            BLOCK.id: call_id,
            BLOCK.name: name,
            BLOCK.arguments: arguments,
        }

    def tool_name(self, call_id: str, i: int, here: str, call: str) -> str:
        """The name of the tool ``call_id`` called; ``''`` (filled) when no earlier ``call``
        has this id."""
        name = self.names.get(call_id)
        if name is None:
            name = ""
            self.report.fill(
                i, f"{here}/{MESSAGE.tool_name}", "tool name ''", f"no earlier {call} has this id"
            )
        return name

    def tool_result(
        self, call: tuple[str, str], content: list[dict[str, Any]], failed: bool, i: int, here: str
    ) -> None:
        """A tool-result record answering ``call`` (its id and the tool's name)."""
        call_id, name = call
        self.out.append(
            {
                MESSAGE.role: ROLE.tool_result,
                MESSAGE.tool_call_id: call_id,
                MESSAGE.tool_name: name,
                MESSAGE.content: content,
                MESSAGE.is_error: failed,
                MESSAGE.timestamp: self.timestamp(i, here),
            }
        )
