"""A record's JSON text (a configuration value, an event, a phi-core session document): parsed
with serde's syntax errors as problems (line, column and the wording of the conversation
reader), a problem placed in it, and a written form written as ``serde_json`` writes it."""

from __future__ import annotations

from typing import Any

import orjson

from ..codec.jsonparse import JsonSyntaxError, parse_value, position, value_positions
from ..codec.numbers import format_f64
from ..errors import ConversationError, Problem, pointer
from .floats import format_f32
from .serde_rules import F32


def parse_record(text: str, what: str) -> Any:
    """The parsed value of ``text``; a syntax error names ``what`` (``the value``, ``the
    document``) where the conversation reader names its closing bracket."""
    from ..codec.parsed import syntax_problem

    try:
        return parse_value(text)
    except JsonSyntaxError as err:
        line, column = err.line_column(text)
        problem = syntax_problem(None, err.path or (), line, column, err.code, text, what)
        raise ConversationError([problem]) from None
    except RecursionError:
        raise ConversationError(
            [Problem(None, "", None, None, "nested too deeply", "recursion-limit")]
        ) from None


def _scalar(value: Any, plus: bool) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, F32):
        return format_f32(value, plus) if _finite(value) else "null"
    if isinstance(value, float):
        return format_f64(value, plus) if _finite(value) else "null"
    if isinstance(value, int):
        return str(value)
    return orjson.dumps(value).decode("utf-8")


def _finite(value: float) -> bool:
    return value == value and value not in (float("inf"), float("-inf"))


def to_json(value: Any, float_format: str = "ryu") -> str:
    """``serde_json::to_string`` of a written form."""
    plus = float_format == "zmij"
    parts: list[str] = []

    def emit(v: Any) -> None:
        if isinstance(v, dict):
            parts.append("{")
            for i, (k, item) in enumerate(v.items()):
                if i:
                    parts.append(",")
                parts.append(_scalar(k, plus) + ":")
                emit(item)
            parts.append("}")
        elif isinstance(v, list):
            parts.append("[")
            for i, item in enumerate(v):
                if i:
                    parts.append(",")
                emit(item)
            parts.append("]")
        else:
            parts.append(_scalar(v, plus))

    emit(value)
    return "".join(parts)


def to_json_pretty(value: Any, float_format: str = "ryu") -> str:
    """``serde_json::to_string_pretty``: two-space indent, ``": "``, ``[]``/``{}`` when empty."""
    plus = float_format == "zmij"
    parts: list[str] = []

    def emit(v: Any, indent: str) -> None:
        inner = indent + "  "
        if isinstance(v, dict):
            if not v:
                parts.append("{}")
                return
            parts.append("{")
            for i, (k, item) in enumerate(v.items()):
                parts.append(("," if i else "") + "\n" + inner + _scalar(k, plus) + ": ")
                emit(item, inner)
            parts.append("\n" + indent + "}")
        elif isinstance(v, list):
            if not v:
                parts.append("[]")
                return
            parts.append("[")
            for i, item in enumerate(v):
                parts.append(("," if i else "") + "\n" + inner)
                emit(item, inner)
            parts.append("\n" + indent + "]")
        else:
            parts.append(_scalar(v, plus))

    emit(value, "")
    return "".join(parts)


def locate(text: str, path: tuple[Any, ...], message: str, kind: str) -> Problem:
    """A problem at ``path`` of a whole document, placed at the deepest value of it that parses."""
    start = len(text) - len(text.lstrip(" \t\r\n"))
    try:
        positions = value_positions(text, start, ())
    except (JsonSyntaxError, RecursionError):
        positions = {}
    probe = path
    while probe and probe not in positions:
        probe = probe[:-1]
    line, column = position(text, positions.get(probe, start))
    return Problem(None, pointer(path), line, column + 1, message, kind)
