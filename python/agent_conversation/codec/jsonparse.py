"""An exact emulation of serde_json's parser (``serde_json::from_str``) in Python.

It accepts exactly what serde_json accepts and fails where serde_json fails, with serde's error
text and serde's line/column. Objects become ``dict`` (last duplicate wins, as in
``serde_json::Value``); an object that had a repeated key becomes a :class:`DupDict`, which
remembers the repeated keys so that the derive rules ("duplicate field") can be applied later.
Numbers follow :mod:`.numbers`. This path is used when the fast path cannot prove equality,
and to locate problems (``positions``).
"""

from __future__ import annotations

from typing import Any

from .floats import FloatLog
from .jsonscalars import SIMPLE_STR, JsonSyntaxError, ScalarParser, position, rust_debug_str

__all__ = [
    "RECURSION_LIMIT",
    "DupDict",
    "JsonSyntaxError",
    "Parser",
    "parse_document",
    "parse_value",
    "position",
    "value_positions",
]

RECURSION_LIMIT = 128  # serde_json's remaining_depth; the 128th nested container fails

# serde's errors between a container's members, by its closing bracket: at the end of the text,
# a comma before the first member, a member not preceded by a comma
_BETWEEN_MEMBERS = {
    "]": ("EOF while parsing a list", "expected value", "expected `,` or `]`"),
    "}": ("EOF while parsing an object", "key must be a string", "expected `,` or `}`"),
}


class DupDict(dict):  # type: ignore[type-arg]
    """A JSON object that repeated a key; the dict holds the last value, like serde_json."""

    __slots__ = ("duplicates",)

    def __init__(self) -> None:
        super().__init__()
        self.duplicates: list[str] = []


class Parser(ScalarParser):
    """Recursive-descent parser that mirrors serde_json's control flow and error positions.

    With ``positions`` (a dict), every value's start offset is recorded under its path tuple.
    ``floats`` (a :class:`~.floats.FloatLog`) learns every float literal: drifts, writer.
    """

    __slots__ = ("depth", "positions", "element", "partial")

    def __init__(self, text: str, positions: dict[tuple[Any, ...], int] | None = None) -> None:
        super().__init__(text)
        self.depth = RECURSION_LIMIT
        self.positions = positions
        self.element: int | None = None  # index of the top-level element being parsed
        self.partial: list[Any] = []  # the top-level elements parsed so far

    # -- top level: Vec<AgentMessage> -----------------------------------------------------------
    def parse_document(self) -> tuple[list[Any], list[tuple[int, int]]]:
        """Parse the whole text as serde parses ``Vec<T>``; return the items and their spans.

        On a syntax error, :attr:`partial` holds the elements completed before it."""
        text = self.text
        i = self.ws(0)
        if i >= self.n:
            raise self.peek_fail("EOF while parsing a value", i)
        if text[i] != "[":
            raise self._invalid_type(i, "a sequence")
        spans: list[tuple[int, int]] = []
        self._enter(i)
        items, i = self.items(i + 1, (), self.partial, spans, True)
        i = self.ws(i)
        if i < self.n:
            raise self.peek_fail("trailing characters", i)
        return items, spans

    def _invalid_type(self, i: int, expected: str) -> JsonSyntaxError:
        """serde's ``peek_invalid_type`` for a top level that is not an array."""
        text = self.text
        c = text[i]
        if c == "{":
            return self.fail(f"invalid type: map, expected {expected}", i)
        if c in 'ntf-0123456789"':
            try:
                value, end = self.value(i, ())
            except JsonSyntaxError as err:
                return err
            if value is None:
                what = "null"
            elif value is True or value is False:
                what = f"boolean `{'true' if value else 'false'}`"
            elif isinstance(value, str):
                what = f"string {rust_debug_str(value)}"
            elif isinstance(value, int):
                what = f"integer `{value}`"
            else:
                from .numbers import format_f64

                what = f"floating point `{format_f64(value)}`"
            return self.fail(f"invalid type: {what}, expected {expected}", end)
        return self.peek_fail("expected value", i)

    def _enter(self, i: int) -> None:
        self.depth -= 1
        if self.depth == 0:
            raise self.peek_fail("recursion limit exceeded", i)

    # -- values --------------------------------------------------------------------------------
    def value(self, i: int, path: tuple[Any, ...]) -> tuple[Any, int]:
        """Parse one value starting at ``i`` (whitespace already skipped)."""
        try:
            return self._value(i, path)
        except JsonSyntaxError as err:
            if err.path is None:
                err.path = path
            raise

    def _value(self, i: int, path: tuple[Any, ...]) -> tuple[Any, int]:
        text = self.text
        if self.positions is not None:
            self.positions[path] = i
        c = text[i]
        if c == '"':
            m = SIMPLE_STR.match(text, i)
            if m is not None:
                return m.group(1), m.end()
            return self.string(i + 1)
        if c == "{":
            return self.obj(i, path)
        if c == "[":
            return self.arr(i, path)
        if c == "-" or "0" <= c <= "9":
            return self.number(i, path)
        if c == "n":
            return None, self.ident(i, "null")
        if c == "t":
            return True, self.ident(i, "true")
        if c == "f":
            return False, self.ident(i, "false")
        raise self.peek_fail("expected value", i)

    def arr(
        self, i: int, path: tuple[Any, ...], spans: list[tuple[int, int]] | None = None
    ) -> tuple[list[Any], int]:
        """An array; with ``spans`` (the top level) each element's (start, end) is recorded."""
        self._enter(i)
        return self.items(i + 1, path, [], spans, True)

    def resume_document(self, i: int, count: int) -> tuple[list[Any], list[tuple[int, int]]]:
        """Continue the top-level array after its first ``count`` elements (the last one ends
        at ``i``): the remaining elements and spans, or serde's error where it stops."""
        self.depth = RECURSION_LIMIT - 1
        spans: list[tuple[int, int]] = []
        items, i = self.items(i, (), [None] * count, spans, count == 0)
        i = self.ws(i)
        if i < self.n:
            raise self.peek_fail("trailing characters", i)
        return items[count:], spans

    def items(
        self,
        i: int,
        path: tuple[Any, ...],
        out: list[Any],
        spans: list[tuple[int, int]] | None,
        first: bool,
    ) -> tuple[list[Any], int]:
        """An array's elements from ``i`` (after ``[`` or after an element) to its ``]``; with
        ``spans``, each element's (start, end)."""
        items, i = self.members(i, path, out, spans, first)
        assert isinstance(items, list)
        return items, i

    def obj(self, i: int, path: tuple[Any, ...]) -> tuple[dict[str, Any], int]:
        self._enter(i)
        entries, i = self.members(i + 1, path, {}, None, True)
        assert isinstance(entries, dict)
        return entries, i

    def members(
        self,
        i: int,
        path: tuple[Any, ...],
        out: list[Any] | dict[str, Any],
        spans: list[tuple[int, int]] | None,
        first: bool,
    ) -> tuple[list[Any] | dict[str, Any], int]:
        """A container's members from ``i`` to its closing bracket, as serde steps between
        them: an array's elements appended to the list ``out``, an object's entries put in the
        dict ``out`` (a :class:`DupDict` once a key repeats)."""
        text = self.text
        close = "]" if type(out) is list else "}"
        at_end, comma_first, no_comma = _BETWEEN_MEMBERS[close]
        while True:
            i = self.ws(i)
            if i >= self.n:
                raise self.peek_fail(at_end, i)
            c = text[i]
            if c == close:
                self.depth += 1
                return out, i + 1
            if c == ",":
                if first:
                    raise self.peek_fail(comma_first, i)
                i = self.ws(i + 1)
                if i >= self.n:
                    raise self.peek_fail("EOF while parsing a value", i)
                c = text[i]
                if c == close:
                    raise self.peek_fail("trailing comma", i)
            elif not first:
                raise self.peek_fail(no_comma, i)
            first = False
            if not isinstance(out, list):  # an object's entry: "key": value
                if c != '"':
                    raise self.peek_fail("key must be a string", i)
                m = SIMPLE_STR.match(text, i)
                if m is not None:
                    key, i = m.group(1), m.end()
                else:
                    key, i = self.string(i + 1)
                i = self.ws(i)
                if i >= self.n:
                    raise self.peek_fail("EOF while parsing an object", i)
                if text[i] != ":":
                    raise self.peek_fail("expected `:`", i)
                i = self.ws(i + 1)
                if i >= self.n:
                    raise self.peek_fail("EOF while parsing a value", i)
                value, i = self.value(i, (*path, key))
                if key in out:
                    if not isinstance(out, DupDict):
                        dup = DupDict()
                        dup.update(out)
                        out = dup
                    out.duplicates.append(key)
                out[key] = value
            elif spans is None:
                value, i = self.value(i, (*path, len(out)))
                out.append(value)
            else:
                start = i
                self.element = len(out)
                value, i = self.value(i, (*path, len(out)))
                self.element = None
                spans.append((start, i))
                out.append(value)


def parse_document(text: str) -> tuple[list[Any], list[tuple[int, int]]]:
    """Parse a saved conversation's text: ``(messages, spans)`` or :class:`JsonSyntaxError`."""
    return Parser(text).parse_document()


def parse_value(text: str, floats: FloatLog | None = None) -> Any:
    """Parse one JSON value of any type filling the whole text (serde_json::from_str).

    ``floats``, when given, learns the float literals (offsets into ``text``).
    """
    parser = Parser(text)
    if floats is not None:
        parser.floats = floats
    i = parser.ws(0)
    if i >= parser.n:
        raise parser.peek_fail("EOF while parsing a value", i)
    value, i = parser.value(i, ())
    i = parser.ws(i)
    if i < parser.n:
        raise parser.peek_fail("trailing characters", i)
    return value


def value_positions(text: str, start: int, base: tuple[Any, ...]) -> dict[tuple[Any, ...], int]:
    """Start offsets of every value inside the value at ``start``, keyed by path from ``base``."""
    positions: dict[tuple[Any, ...], int] = {}
    parser = Parser(text, positions)
    parser.depth = 1 << 30
    parser.value(start, base)
    return positions
