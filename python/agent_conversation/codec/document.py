"""Reading a saved conversation: its bytes split into elements (fast path) or parsed whole by
the exact parser, then read under one dialect.

The fast path (:func:`parse`) splits the document into element spans (:mod:`.parsed`) and reads
each element as :mod:`.element_reader` proves it equal to what serde_json builds; the exact path
(:func:`exact`) is the reference it is tested against, and gives positions and serde's syntax
errors. A document that is not a well-formed array keeps the elements before serde's syntax
error, so that refused elements before it are reported too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from ..errors import ENCODING, ConversationError, Problem, decode_utf8, require_document
from .element_reader import ElementReader, Sink
from .floats import FloatLog, surviving
from .jsonparse import RECURSION_LIMIT, JsonSyntaxError, Parser
from .parsed import Parsed, SyntaxStop, one_batch, syntax_problem
from .read_result import ReadResult, locate
from .reader import Reader, Reject
from .spec import get_spec
from .split import Spans, split, split_until_error


def to_bytes(data: str | bytes | bytearray | memoryview) -> bytes:
    require_document(data)
    if isinstance(data, str):
        try:
            return data.encode("utf-8")
        except UnicodeEncodeError as err:
            raise ConversationError(
                [Problem(None, (), None, None, {"character": err.start}, ENCODING)]
            ) from None
    return bytes(data)


def parse(data: str | bytes, keep: bool = True) -> Parsed:
    """Split a document into elements; raise ConversationError for an encoding error or when
    serde_json refuses the text before its first element. A syntax error after some elements
    is kept (``Parsed.syntax``) so that refused elements before it are reported too.

    ``keep=False`` streams: batches are parsed again each time the document is read.
    """
    raw = to_bytes(data)
    parsed = one_batch(raw, keep)
    if parsed is not None:
        return parsed
    spans = split(raw)
    if spans is not None:
        return Parsed(raw, None, True, elements=spans, keep=keep)
    return _broken(raw, keep)


def _broken(raw: bytes, keep: bool) -> Parsed:
    """A document that is not a well-formed array: the elements before serde's syntax error
    (found by a C scanner), and that error (found by the exact parser from the last of them)."""
    text = decode_utf8(raw)
    char_spans, resume = split_until_error(text)
    if not char_spans:
        return exact(Parsed(raw, [], False))
    parser = Parser(text)
    try:
        parser.resume_document(resume, len(char_spans))
    except JsonSyntaxError as err:
        syntax = _document_syntax(err, parser, text)
    else:  # the scanner stopped where serde goes on: let the exact path read it all
        return exact(Parsed(raw, [], False))
    from array import array

    starts: array = array("q")  # type: ignore[type-arg]
    ends: array = array("q")  # type: ignore[type-arg]
    ascii_text = text.isascii()
    byte_pos = char_pos = 0
    for start, end in char_spans:
        if ascii_text:
            starts.append(start)
            ends.append(end)
            continue
        byte_pos += len(text[char_pos:start].encode("utf-8"))
        starts.append(byte_pos)
        byte_pos += len(text[start:end].encode("utf-8"))
        ends.append(byte_pos)
        char_pos = end
    del text
    first = starts[0]
    open_at = raw.rfind(b"[", 0, first)
    elements = Spans(starts, ends, raw[open_at + 1 : first], b"")
    return Parsed(raw, None, True, elements=elements, syntax=syntax, keep=keep)


def exact(parsed: Parsed) -> Parsed:
    """The whole document through the exact parser (positions, duplicates, serde's numbers)."""
    if not parsed.fast and parsed.text is not None:
        return parsed
    raw = parsed.data
    text = decode_utf8(raw)
    parser = Parser(text)
    syntax = None
    try:
        tree, spans = parser.parse_document()
    except JsonSyntaxError as err:
        problem = _document_syntax(err, parser, text)
        if not parser.partial:
            raise ConversationError([problem]) from None
        tree, spans, syntax = parser.partial, [], problem
    if syntax is not None:
        # the elements before the error, with their spans, for their own problems
        spans = _exact_spans(text, len(tree))
    return Parsed(
        raw, tree, fast=False, text=text, spans=spans, syntax=syntax, floats=parser.floats
    )


def _document_syntax(err: JsonSyntaxError, parser: Parser, text: str) -> Problem:
    """serde's syntax error in the whole document ``text``, at the element ``parser`` was in."""
    line, column = err.line_column(text)
    index = parser.element
    where = err.path or ((index,) if index is not None else ())
    return syntax_problem(index, where, line, column, err.code, text)


def _exact_spans(text: str, count: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    parser = Parser(text)
    parser.depth = RECURSION_LIMIT - 1
    i = parser.ws(0) + 1
    for k in range(count):
        i = parser.ws(i)
        if k:
            i = parser.ws(i + 1)  # the comma
        _, end = parser.value(i, (k,))
        spans.append((i, end))
        i = end
    return spans


def read(
    parsed: Parsed,
    dialect: str,
    sink: Sink | None = None,
    fail_fast: bool = False,
    probe: Sequence[int | None] = (),
) -> ReadResult:
    """Read a parsed document under one canonical dialect; raise ConversationError if refused.

    With ``sink``, each record is handed to it as it is read and none are kept. ``fail_fast``:
    stop at the first refused element (when only acceptance matters); ``probe``: elements to
    try first (those another dialect refused), so that a refusal costs no full read.
    """
    try:
        if not parsed.fast:
            return _read_exact(parsed, dialect)
        if fail_fast and probe:
            _probe(parsed, dialect, probe)
        return ElementReader(parsed, dialect, sink, fail_fast).run()
    except ConversationError as err:  # each problem says which dialect refused
        err.problems = [replace(p, dialect=p.dialect or dialect) for p in err.problems]
        raise


def _probe(parsed: Parsed, dialect: str, indices: Sequence[int | None]) -> None:
    """Raise ConversationError if this dialect refuses one of these elements."""
    reader = Reader(get_spec(dialect))
    count = len(parsed)
    for index in sorted({i for i in indices if i is not None and 0 <= i < count}):
        try:
            reader.message(parsed.exact_tree(index), index)
        except Reject as why:
            raise ConversationError([parsed.locate_element(index, why.note)]) from None
        except SyntaxStop as stop:
            raise ConversationError([stop.problem]) from None


def _read_exact(parsed: Parsed, dialect: str) -> ReadResult:
    spec = get_spec(dialect)
    reader = Reader(spec)
    records: list[dict[str, Any]] = []
    problems: list[Problem] = []
    for i, m in enumerate(parsed.tree):
        try:
            records.append(reader.message(m, i))
        except Reject as why:
            problems.append(locate(parsed, why.note))
    if parsed.syntax is not None:
        problems.append(parsed.syntax)
    if problems:
        raise ConversationError(problems)
    notes = [locate(parsed, n) for n in reader.notes]
    floats = parsed.floats or FloatLog()
    drifts = surviving(floats.drifts, records)
    return ReadResult(
        dialect, records, notes, reader.has_float, float_format=floats.style, drifts=drifts
    )
