"""An exact emulation of serde_json's parser (``serde_json::from_str``) in Python.

It accepts exactly what serde_json accepts and fails where serde_json fails, with serde's error
text and serde's line/column. Objects become ``dict`` (last duplicate wins, as in
``serde_json::Value``); an object that had a repeated key becomes a :class:`DupDict`, which
remembers the repeated keys so that the derive rules ("duplicate field") can be applied later.
Numbers follow :mod:`.numbers`. This path is used when the fast path cannot prove equality,
and to locate problems (``positions``).
"""

from __future__ import annotations

import re
from typing import Any

from .floats import FloatLog
from .numbers import NumberOutOfRange, parse_literal

RECURSION_LIMIT = 128  # serde_json's remaining_depth; the 128th nested container fails

_WS = re.compile(r"[ \t\n\r]*")
_SIMPLE_STR = re.compile(r'"([^"\\\x00-\x1f]*)"')
_STR_CHUNK = re.compile(r'[^"\\\x00-\x1f]*')
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_HEX4 = re.compile(r"[0-9a-fA-F]{4}")
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


class DupDict(dict):  # type: ignore[type-arg]
    """A JSON object that repeated a key; the dict holds the last value, like serde_json."""

    __slots__ = ("duplicates",)

    def __init__(self) -> None:
        super().__init__()
        self.duplicates: list[str] = []


class JsonSyntaxError(ValueError):
    """serde_json refused the text. ``offset`` is serde's error index into the text."""

    def __init__(self, code: str, offset: int, extra_bytes: int = 0) -> None:
        super().__init__(code)
        self.code = code
        self.offset = offset
        self.extra_bytes = extra_bytes  # serde counts bytes: a peek inside a multi-byte char
        self.path: tuple[Any, ...] | None = None  # the innermost value being parsed

    def line_column(self, text: str) -> tuple[int, int]:
        line, column = position(text, self.offset)
        return line, column + self.extra_bytes


def position(text: str, offset: int) -> tuple[int, int]:
    """serde_json's (line, column) for an index: column counts UTF-8 bytes before it on its line."""
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset) + 1
    start = text.rfind("\n", 0, offset) + 1
    segment = text[start:offset]
    column = len(segment) if segment.isascii() else len(segment.encode("utf-8", "surrogatepass"))
    return line, column


def _digit(ch: str) -> bool:
    """An ASCII digit (serde reads bytes: `٣` is no digit to it)."""
    return "0" <= ch <= "9"


class Parser:
    """Recursive-descent parser that mirrors serde_json's control flow and error positions.

    With ``positions`` (a dict), every value's start offset is recorded under its path tuple.
    ``floats`` (a :class:`~.floats.FloatLog`) learns every float literal: drifts, writer.
    """

    __slots__ = ("text", "n", "depth", "positions", "element", "floats", "partial")

    def __init__(self, text: str, positions: dict[tuple[Any, ...], int] | None = None) -> None:
        self.text = text
        self.n = len(text)
        self.depth = RECURSION_LIMIT
        self.positions = positions
        self.element: int | None = None  # index of the top-level element being parsed
        self.floats = FloatLog()
        self.partial: list[Any] = []  # the top-level elements parsed so far

    # -- helpers -----------------------------------------------------------------------------
    def ws(self, i: int) -> int:
        return _WS.match(self.text, i).end()  # type: ignore[union-attr]

    def fail(self, code: str, offset: int) -> JsonSyntaxError:
        """serde's ``error``: the position just after what was consumed."""
        return JsonSyntaxError(code, offset)

    def peek_fail(self, code: str, i: int) -> JsonSyntaxError:
        """serde's ``peek_error``: one byte past the peeked character (capped at the end)."""
        if i < self.n and not self.text[i].isascii():
            return JsonSyntaxError(code, i, 1)
        return JsonSyntaxError(code, min(self.n, i + 1))

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
                what = f"string {_rust_debug_str(value)}"
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
            m = _SIMPLE_STR.match(text, i)
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

    def ident(self, i: int, word: str) -> int:
        text = self.text
        for k in range(1, len(word)):
            j = i + k
            if j >= self.n:
                raise self.fail("EOF while parsing a value", self.n)
            if text[j] != word[k]:
                raise self.peek_fail("expected ident", j)
        return i + len(word)

    def number(self, i: int, path: tuple[Any, ...] = ()) -> tuple[Any, int]:
        text = self.text
        m = _NUMBER.match(text, i)
        end = m.end() if m is not None else i
        nxt = text[end] if end < self.n else ""
        lit = text[i:end]
        # A well-formed prefix followed by something serde would reject inside the number.
        has_frac_or_exp = "." in lit or "e" in lit or "E" in lit
        has_exp = "e" in lit or "E" in lit
        bad = (
            m is None
            or (_digit(nxt) and lit.lstrip("-") == "0")
            or (nxt == "." and not has_frac_or_exp)
            or (nxt != "" and nxt in "eE" and not has_exp)
        )
        if bad:
            raise self._number_error(i)
        try:
            value = parse_literal(lit)
        except NumberOutOfRange as err:
            at = end if err.consumed is None else i + err.consumed
            raise self.fail("number out of range", at) from None
        if type(value) is float:
            self.floats.literal(lit, value, path, i)
        return value, end

    def _number_error(self, i: int) -> JsonSyntaxError:
        """Walk a malformed number exactly as serde does to find its error and position."""
        text, n = self.text, self.n
        j = i
        if text[j] == "-":
            j += 1
        if j >= n:
            return self.fail("EOF while parsing a value", n)
        c = text[j]
        j += 1
        if c == "0":
            if j < n and _digit(text[j]):
                return self.peek_fail("invalid number", j)
        elif not ("1" <= c <= "9"):
            return self.peek_fail("invalid number", j - 1)
        else:
            while j < n and _digit(text[j]):
                j += 1
        if j < n and text[j] == ".":
            j += 1
            if j >= n:
                return self.peek_fail("EOF while parsing a value", j)
            if not _digit(text[j]):
                return self.peek_fail("invalid number", j)
            while j < n and _digit(text[j]):
                j += 1
        if j < n and text[j] in "eE":
            j += 1
            if j < n and text[j] in "+-":
                j += 1
            if j >= n:
                return self.fail("EOF while parsing a value", n)
            if not _digit(text[j]):
                return self.peek_fail("invalid number", j)
        # Not reachable for inputs the regex rejected; keep a faithful fallback.
        return self.fail("invalid number", j)

    def string(self, i: int) -> tuple[str, int]:
        """Parse a string body starting after the opening quote."""
        text, n = self.text, self.n
        parts: list[str] = []
        while True:
            m = _STR_CHUNK.match(text, i)
            j = m.end()  # type: ignore[union-attr]
            if j > i:
                parts.append(text[i:j])
            if j >= n:
                raise self.fail("EOF while parsing a string", n)
            c = text[j]
            if c == '"':
                return "".join(parts), j + 1
            if c != "\\":
                raise self.fail(
                    "control character (\\u0000-\\u001F) found while parsing a string", j + 1
                )
            i = self.escape(j + 1, parts)

    def escape(self, i: int, parts: list[str]) -> int:
        text, n = self.text, self.n
        if i >= n:
            raise self.fail("EOF while parsing a string", n)
        c = text[i]
        simple = _ESCAPES.get(c)
        if simple is not None:
            parts.append(simple)
            return i + 1
        if c != "u":
            raise self.peek_fail("invalid escape", i)
        code, i = self.hex4(i + 1)
        if 0xDC00 <= code <= 0xDFFF:
            raise self.fail("lone leading surrogate in hex escape", i)
        while True:
            if code < 0xD800 or code > 0xDBFF:
                parts.append(chr(code))
                return i
            if i >= n:
                raise self.fail("EOF while parsing a string", n)
            if text[i] != "\\":
                raise self.peek_fail("unexpected end of hex escape", i)
            i += 1
            if i >= n:
                raise self.fail("EOF while parsing a string", n)
            if text[i] != "u":
                raise self.peek_fail("unexpected end of hex escape", i)
            low, i = self.hex4(i + 1)
            if not 0xDC00 <= low <= 0xDFFF:
                raise self.fail("lone leading surrogate in hex escape", i)
            parts.append(chr(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)))
            return i

    def hex4(self, i: int) -> tuple[int, int]:
        # serde reads four *bytes*; a multi-byte character inside makes the escape invalid.
        raw = self.text[i : i + 4]
        nbytes = len(raw.encode("utf-8", "surrogatepass"))
        if nbytes < 4 and i + len(raw) >= self.n:
            raise self.fail("EOF while parsing a string", self._byte_end())
        if _HEX4.fullmatch(raw) is None:
            raise JsonSyntaxError("invalid escape", self._after_bytes(i, 4))
        return int(raw, 16), i + 4

    def _byte_end(self) -> int:
        return self.n

    def _after_bytes(self, i: int, nbytes: int) -> int:
        """Character offset whose byte position is ``nbytes`` past ``i`` (for error columns)."""
        count = 0
        j = i
        while j < self.n and count < nbytes:
            count += len(self.text[j].encode("utf-8", "surrogatepass"))
            j += 1
        return j

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
        """An array's elements from ``i`` (after ``[`` or after an element) to its ``]``."""
        text = self.text
        while True:
            i = self.ws(i)
            if i >= self.n:
                raise self.peek_fail("EOF while parsing a list", i)
            c = text[i]
            if c == "]":
                self.depth += 1
                return out, i + 1
            if c == ",":
                if first:
                    raise self.peek_fail("expected value", i)
                i = self.ws(i + 1)
                if i >= self.n:
                    raise self.peek_fail("EOF while parsing a value", i)
                if text[i] == "]":
                    raise self.peek_fail("trailing comma", i)
            elif not first:
                raise self.peek_fail("expected `,` or `]`", i)
            first = False
            if spans is None:
                value, i = self.value(i, (*path, len(out)))
            else:
                start = i
                self.element = len(out)
                value, i = self.value(i, (*path, len(out)))
                self.element = None
                spans.append((start, i))
            out.append(value)

    def obj(self, i: int, path: tuple[Any, ...]) -> tuple[dict[str, Any], int]:
        text = self.text
        self._enter(i)
        i += 1
        out: dict[str, Any] = {}
        first = True
        while True:
            i = self.ws(i)
            if i >= self.n:
                raise self.peek_fail("EOF while parsing an object", i)
            c = text[i]
            if c == "}":
                self.depth += 1
                return out, i + 1
            if c == ",":
                if first:
                    raise self.peek_fail("key must be a string", i)
                i = self.ws(i + 1)
                if i >= self.n:
                    raise self.peek_fail("EOF while parsing a value", i)
                c = text[i]
                if c == "}":
                    raise self.peek_fail("trailing comma", i)
            elif not first:
                raise self.peek_fail("expected `,` or `}`", i)
            first = False
            if c != '"':
                raise self.peek_fail("key must be a string", i)
            m = _SIMPLE_STR.match(text, i)
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


def _rust_debug_str(value: str) -> str:
    """Rust's ``{:?}`` rendering of a string, as serde uses it in ``invalid type`` messages."""
    out = ['"']
    for ch in value:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\0":
            out.append("\\0")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{{{ord(ch):x}}}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


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
