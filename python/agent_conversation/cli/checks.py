"""Checking one document: a saved conversation, a yoagent session, or a phi-core session."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from typing import Any

from ..errors import ConversationError, Problem

POSITION_LIMIT = 8 * 1024 * 1024  # warnings get line/column only in files up to this size


@dataclass
class FileResult:
    name: str
    kind: str = "conversation"
    dialect: str | None = None
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    fatal: str | None = None  # unreadable input (exit code 2)

    @property
    def valid(self) -> bool:
        return self.fatal is None and not self.errors


def sniff(data: bytes, name: str) -> str:
    """conversation, session (yoagent JSONL) or phi-session, judged by the content."""
    stripped = data.lstrip(b" \t\r\n\xef\xbb\xbf")
    if stripped.startswith(b"["):
        return "conversation"
    if stripped.startswith(b"{"):
        first, _, rest = stripped.partition(b"\n")
        if name.endswith(".jsonl"):
            return "session"
        if rest.strip() and first.rstrip().endswith(b"}"):
            return "session"
        if b'"parent_id"' in first and b'"message"' in first:
            return "session"
        return "phi-session"
    return "conversation"


def check(
    data: bytes,
    name: str,
    kind: str | None,
    dialect: str,
    strict: bool,
    canonical: bool,
    float_format: str = "ryu",
) -> FileResult:
    result = FileResult(name, kind or sniff(data, name))
    if result.kind == "session":
        _check_session(data, dialect, result)
    elif result.kind == "phi-session":
        _check_phi_session(data, dialect, result)
    else:
        _check_conversation(data, dialect, canonical, result, float_format)
    if strict:
        result.errors.extend(result.warnings)
        result.warnings = []
    return result


def _check_conversation(
    data: bytes, dialect: str, canonical: bool, result: FileResult, float_format: str = "ryu"
) -> None:
    from ..api import dumps, loads

    try:
        conv = loads(data, dialect)
    except ConversationError as err:
        result.errors = err.problems
        return
    result.dialect = conv.dialect
    result.warnings = list(conv.notes) + lint(conv.records)
    if result.warnings and len(data) <= POSITION_LIMIT:
        result.warnings = _with_positions(data, result.warnings)
    if canonical:
        expected = dumps(conv, float_format=float_format).encode("utf-8")
        if expected != data:
            result.errors.append(_first_difference(data, expected, conv.dialect or dialect))


def _first_difference(data: bytes, expected: bytes, dialect: str) -> Problem:
    n = min(len(data), len(expected))
    offset = next((i for i in range(n) if data[i] != expected[i]), n)
    line = data.count(b"\n", 0, offset) + 1
    column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    got = data[offset : offset + 20].decode("utf-8", "replace")
    want = expected[offset : offset + 20].decode("utf-8", "replace")
    return Problem(
        None,
        "",
        line,
        column,
        f"not byte-identical to what {dialect} writes: first difference at byte {offset} "
        f"(file has {got!r}, {dialect} writes {want!r})",
        "not-canonical",
    )


def _with_positions(data: bytes, problems: list[Problem]) -> list[Problem]:
    from ..codec.document import exact, locate, parse

    try:
        parsed = exact(parse(data))
    except ConversationError:
        return problems
    return [
        locate(parsed, _path(p.pointer), p.message, p.kind)
        if p.line is None and p.index is not None
        else p
        for p in problems
    ]


def _path(pointer_text: str) -> tuple[Any, ...]:
    parts: list[Any] = []
    for raw in pointer_text.split("/")[1:]:
        token = raw.replace("~1", "/").replace("~0", "~")
        parts.append(int(token) if token.isdigit() else token)
    return tuple(parts)


def _check_session(data: bytes, dialect: str, result: FileResult) -> None:
    from ..sessions import loads_session

    try:
        session = loads_session(data, dialect)
    except ConversationError as err:
        result.errors = err.problems
        return
    result.dialect = session.dialect
    records = [entry.message for entry in session.entries]
    warnings = list(session.notes)
    for problem in lint(records):
        entry = session.entries[problem.index] if problem.index is not None else None
        parts = problem.pointer.split("/", 2)
        pointer = "/message" + ("/" + parts[2] if len(parts) > 2 else "")
        warnings.append(
            Problem(
                problem.index,
                pointer,
                entry.line if entry else None,
                None,
                problem.message,
                problem.kind,
            )
        )
    result.warnings = warnings


def _check_phi_session(data: bytes, dialect: str, result: FileResult) -> None:
    from ..codec.document import read_arrays
    from ..dialects import known_dialects, resolve

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        result.errors = [
            Problem(None, "", None, None, f"not valid UTF-8 (byte {err.start})", "encoding")
        ]
        return
    candidates = (
        [resolve(dialect)]
        if dialect != "auto"
        else [d for d in reversed(known_dialects()) if d.startswith("phi-core@")]
    )
    first: ConversationError | None = None
    for name in candidates:
        try:
            arrays, notes = read_arrays(text, name)
        except ConversationError as err:
            first = first or err
            continue
        if not arrays:
            result.errors = [
                Problem(None, "", None, None, "no `messages` array found in this session", "shape")
            ]
            return
        result.dialect = name
        warnings = list(notes)
        for base, records in arrays:
            for problem in lint(records):
                warnings.append(
                    Problem(None, base + problem.pointer, None, None, problem.message, problem.kind)
                )
        result.warnings = warnings
        return
    assert first is not None
    result.errors = first.problems


def lint(records: list[dict[str, Any]]) -> list[Problem]:
    """Semantic warnings: tool calls and results that do not pair up, time running backwards,
    images that are not base64 or not ``image/*``."""
    out: list[Problem] = []
    calls: dict[str, tuple[int, int]] = {}
    answered: set[str] = set()
    last_ts: int | None = None
    for i, rec in enumerate(records):
        if "kind" in rec:
            continue
        ts = rec["timestamp"]
        if last_ts is not None and ts < last_ts:
            out.append(
                _warn(
                    i,
                    "/timestamp",
                    f"timestamp {ts} is earlier than the previous message's {last_ts}",
                    "time-backwards",
                )
            )
        last_ts = ts
        if rec["role"] == "toolResult":
            call_id = rec["toolCallId"]
            if call_id not in calls:
                out.append(
                    _warn(
                        i,
                        "/toolCallId",
                        f"tool result for {call_id!r} matches no earlier tool call",
                        "orphan-result",
                    )
                )
            answered.add(call_id)
        for j, block in enumerate(rec["content"]):
            kind = block["type"]
            if kind == "text" or kind == "thinking":
                continue
            if kind == "toolCall":
                calls.setdefault(block["id"], (i, j))
            elif kind == "image":
                _lint_image(block, i, j, out)
    for call_id, (i, j) in calls.items():
        if call_id not in answered:
            out.append(
                _warn(
                    i,
                    f"/content/{j}/id",
                    f"tool call {call_id!r} is never answered by a tool result",
                    "unanswered-call",
                )
            )
    return out


def _warn(index: int, rest: str, message: str, kind: str) -> Problem:
    return Problem(index, f"/{index}{rest}", None, None, message, kind)


def _lint_image(block: dict[str, Any], i: int, j: int, out: list[Problem]) -> None:
    mime = block["mimeType"]
    if not mime.startswith("image/"):
        out.append(
            _warn(i, f"/content/{j}/mimeType", f"mimeType {mime!r} is not image/*", "image-mime")
        )
    try:
        base64.b64decode(block["data"], validate=True)
    except (binascii.Error, ValueError):
        out.append(_warn(i, f"/content/{j}/data", "image data is not valid base64", "image-data"))
