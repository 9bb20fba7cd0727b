"""serde_json's reading of scalars (strings, numbers, ``null``/``true``/``false``) and where it
reports its errors: :class:`JsonSyntaxError` at serde's offset, :func:`position` as serde's
line and column (UTF-8 bytes). :class:`ScalarParser` is the part of :class:`.jsonparse.Parser`
below containers; floats are logged in a :class:`~.floats.FloatLog` (drifts, writer).
"""

from __future__ import annotations

import re
from typing import Any

from .floats import FloatLog
from .numbers import NumberOutOfRange, parse_literal

WS = re.compile(r"[ \t\n\r]*")
SIMPLE_STR = re.compile(r'"([^"\\\x00-\x1f]*)"')
_STR_CHUNK = re.compile(r'[^"\\\x00-\x1f]*')
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_HEX4 = re.compile(r"[0-9a-fA-F]{4}")
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


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


class ScalarParser:
    """serde_json's scalar reading over ``text``, with its error offsets."""

    __slots__ = ("text", "n", "floats")

    def __init__(self, text: str) -> None:
        self.text = text
        self.n = len(text)
        self.floats = FloatLog()

    def ws(self, i: int) -> int:
        return WS.match(self.text, i).end()  # type: ignore[union-attr]

    def fail(self, code: str, offset: int) -> JsonSyntaxError:
        """serde's ``error``: the position just after what was consumed."""
        return JsonSyntaxError(code, offset)

    def peek_fail(self, code: str, i: int) -> JsonSyntaxError:
        """serde's ``peek_error``: one byte past the peeked character (capped at the end)."""
        if i < self.n and not self.text[i].isascii():
            return JsonSyntaxError(code, i, 1)
        return JsonSyntaxError(code, min(self.n, i + 1))

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


_DEBUG_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\0": "\\0"}


def rust_debug_str(value: str) -> str:
    """Rust's ``{:?}`` rendering of a string, as serde uses it in ``invalid type`` messages."""
    out = ['"']
    for ch in value:
        escaped = _DEBUG_ESCAPES.get(ch)
        if escaped is not None:
            out.append(escaped)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{{{ord(ch):x}}}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)
