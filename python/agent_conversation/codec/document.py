"""Reading a whole saved conversation: fast path, exact path, problems with positions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import ConversationError, Problem, pointer, require_document
from . import wirefacts as facts
from .fastparse import keys_match, load_tree, numbers_match, orjson_canonical
from .fastread import FastReader
from .floats import Drift, FloatLog, drift_message, style_in_text, surviving
from .jsonparse import JsonSyntaxError, Parser, position, value_positions
from .reader import Bail, Reader, Reject
from .spec import MESSAGE_ROLES, MESSAGE_TAG, get_spec


@dataclass
class Parsed:
    """A document parsed once, to be read under one or more dialects."""

    data: bytes
    tree: list[Any]
    fast: bool  # tree came from orjson and still needs the fast path's checks
    text: str | None = None
    spans: list[tuple[int, int]] | None = None
    canonical: bool | None = None  # orjson.dumps(tree) == data (computed once)
    floats: FloatLog | None = None  # the exact parser's float literals (drifts, writer)


@dataclass
class ReadResult:
    dialect: str
    _records: list[dict[str, Any]] | None
    notes: list[Problem]
    has_float: bool
    wire: list[Any] | None = None  # the document's tree, when it is exactly the wire form
    reader: FastReader | None = None
    float_format: str | None = None  # the writer its text shows ("ryu"/"zmij"), None: no sign
    drifts: list[Drift] = field(default_factory=list)  # floats restore_messages() changes

    @property
    def records(self) -> list[dict[str, Any]]:
        if self._records is None:
            assert self.reader is not None and self.wire is not None
            self._records = self.reader.records_of(self.wire)
        return self._records


def to_bytes(data: str | bytes | bytearray | memoryview) -> bytes:
    require_document(data)
    if isinstance(data, str):
        try:
            return data.encode("utf-8")
        except UnicodeEncodeError as err:
            raise ConversationError(
                [
                    Problem(
                        None,
                        "",
                        None,
                        None,
                        f"the text holds a lone surrogate (character {err.start}); "
                        "a Rust string cannot",
                        "encoding",
                    )
                ]
            ) from None
    return bytes(data)


def parse(data: str | bytes) -> Parsed:
    """Parse a document; raise ConversationError for what serde_json itself refuses."""
    raw = to_bytes(data)
    tree = load_tree(raw)
    if tree is not None:
        return Parsed(raw, tree, fast=True)
    return exact(Parsed(raw, [], fast=False))


def exact(parsed: Parsed) -> Parsed:
    """Switch a parsed document to the exact parser (positions, duplicates, serde's numbers)."""
    if parsed.text is not None:
        return parsed
    raw = parsed.data
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        column = err.start - (raw.rfind(b"\n", 0, err.start) + 1) + 1
        raise ConversationError(
            [
                Problem(
                    None,
                    "",
                    line,
                    column,
                    f"not valid UTF-8 (byte {err.start}); the crates read UTF-8 text",
                    "encoding",
                )
            ]
        ) from None
    parser = Parser(text)
    try:
        tree, spans = parser.parse_document()
    except JsonSyntaxError as err:
        line, column = err.line_column(text)
        index = parser.element
        where = pointer(err.path) if err.path else (pointer((index,)) if index is not None else "")
        raise ConversationError(
            [Problem(index, where, line, column, _syntax_words(err.code), "syntax")]
        ) from None
    return Parsed(raw, tree, fast=False, text=text, spans=spans, floats=parser.floats)


def _syntax_words(code: str) -> str:
    extra = {
        "trailing characters": "trailing characters after the conversation's closing `]`",
        "expected value": "expected a JSON value here (a byte-order mark or stray character?)",
        "recursion limit exceeded": "nested deeper than serde_json's limit of 128 arrays/objects",
        "unexpected end of hex escape": (
            "a \\u escape of a leading surrogate must be followed by its trailing surrogate"
        ),
        "lone leading surrogate in hex escape": (
            "a \\u escape names a lone surrogate, which is not a character"
        ),
    }
    return extra.get(code, code)


def proven_equal(parsed: Parsed, keys: int, has_float: bool) -> bool:
    """True when orjson's tree is certainly the tree serde_json builds for this text."""
    if parsed.canonical is None:
        parsed.canonical = orjson_canonical(parsed.data, parsed.tree)
    if parsed.canonical:
        # orjson re-writes the text byte for byte: no repeated key, no `-0`, no whitespace.
        return numbers_match(parsed.data, has_float, minus_zero=False)
    return keys_match(parsed.data, keys) and numbers_match(parsed.data, has_float)


def read(parsed: Parsed, dialect: str) -> ReadResult:
    """Read a parsed document under one canonical dialect; raise ConversationError if refused."""
    spec = get_spec(dialect)
    if parsed.fast:
        reader = FastReader.for_spec(spec)
        records: list[dict[str, Any]] | None
        try:
            if reader.wire_form(parsed.tree):
                if proven_equal(parsed, reader.keys, reader.has_float):
                    return ReadResult(
                        dialect,
                        None,
                        [],
                        reader.has_float,
                        parsed.tree,
                        reader,
                        float_format=_fast_style(parsed, reader.big_floats),
                    )
                records = None
            else:
                reader.keys = 0
                records = reader.read_all(parsed.tree)
        except Bail:
            records = None
        if records is not None and proven_equal(parsed, reader.keys, reader.has_float):
            return ReadResult(
                dialect,
                records,
                [],
                reader.has_float,
                float_format=_fast_style(parsed, reader.big_floats),
            )
        exact_doc = exact(parsed)
        parsed.tree, parsed.text, parsed.spans, parsed.fast, parsed.floats = (
            exact_doc.tree,
            exact_doc.text,
            exact_doc.spans,
            False,
            exact_doc.floats,
        )
    return _read_exact(parsed, dialect)


def _fast_style(parsed: Parsed, big_floats: list[float]) -> str | None:
    """The writer shown by a document read on the fast path (no drift there: every float
    literal was proven to read the same in serde_json and orjson)."""
    return style_in_text(parsed.data, big_floats) if big_floats else None


def _read_exact(parsed: Parsed, dialect: str) -> ReadResult:
    spec = get_spec(dialect)
    reader = Reader(spec)
    records: list[dict[str, Any]] = []
    problems: list[Problem] = []
    for i, m in enumerate(parsed.tree):
        try:
            records.append(reader.message(m, i))
        except Reject as why:
            problems.append(locate(parsed, why.path, why.message, why.kind))
    if problems:
        raise ConversationError(problems)
    notes = [locate(parsed, n.path, n.message, n.kind) for n in reader.notes]
    floats = parsed.floats or FloatLog()
    drifts = surviving(floats.drifts, records)
    return ReadResult(
        dialect, records, notes, reader.has_float, float_format=floats.style, drifts=drifts
    )


def drift_notes(
    parsed: Parsed, drifts: list[Drift], dialect: str, float_format: str, assumed: bool
) -> list[Problem]:
    """One ``float-drift`` note per float that ``restore_messages()`` changes, with its place."""
    assert parsed.text is not None
    out = []
    for drift in drifts:
        line, column = position(parsed.text, drift.offset)
        message = drift_message(drift, dialect, float_format, assumed)
        out.append(
            Problem(drift.path[0], pointer(drift.path), line, column + 1, message, "float-drift")
        )
    return out


def locate(parsed: Parsed, path: tuple[Any, ...], message: str, kind: str) -> Problem:
    assert parsed.text is not None and parsed.spans is not None
    index = path[0]
    start = parsed.spans[index][0]
    positions = value_positions(parsed.text, start, (index,))
    probe = path
    while probe not in positions and len(probe) > 1:
        probe = probe[:-1]
    offset = positions.get(probe, start)
    line, column = position(parsed.text, offset)
    return Problem(index, pointer(path), line, column + 1, message, kind)


def signals(tree: list[Any]) -> dict[str, bool]:
    """Cheap hints of which crate wrote a document (looks at the first LLM messages); every key
    and value comes from the wire tables (:mod:`.wirefacts`)."""
    found = dict(camel=False, snake=False, phi=False, yoagent_stop=False, provider_snake=False)
    seen = 0
    for m in tree:
        if not isinstance(m, dict) or m.get(MESSAGE_TAG) not in MESSAGE_ROLES:
            continue
        seen += 1
        keys = list(m)
        if keys and keys[0] != MESSAGE_TAG and keys == sorted(keys):
            found["phi"] = True
        if not facts.PHI_METADATA.isdisjoint(m):
            found["phi"] = True
        if not facts.CAMEL_ASSISTANT.isdisjoint(m):
            found["camel"] = True
        stop = m.get(facts.STOP_KEY)
        if stop in facts.YOAGENT_ONLY_STOPS:
            found["yoagent_stop"] = True
        elif stop in facts.PHI_ONLY_STOPS:
            found["phi"] = True
        usage = m.get(facts.USAGE_KEY)
        if isinstance(usage, dict):
            if not facts.PHI_ONLY_USAGE.isdisjoint(usage):
                found["phi"] = True
            if not facts.CAMEL_USAGE.isdisjoint(usage):
                found["camel"] = True
            if not facts.SNAKE_USAGE.isdisjoint(usage):
                found["snake"] = True
        content = m.get(facts.CONTENT_KEY)
        if isinstance(content, list):
            for block in content:
                if isinstance(block, dict):
                    if not facts.CAMEL_TOOL_CALL.isdisjoint(block):
                        found["camel"] = True
                    elif not facts.SNAKE_TOOL_CALL.isdisjoint(block):
                        found["provider_snake"] = True
        if seen >= 64:
            break
    return found


def likely_order(tree: list[Any], dialects: list[str]) -> list[str]:
    """Dialects ordered from most to least likely to have written this document."""
    hint = signals(tree)
    yo = [d for d in reversed(dialects) if d.startswith("yoagent@")]
    phi = [d for d in reversed(dialects) if d.startswith("phi-core@")]
    camel = [d for d in yo if _is_camel(d)]
    snake = [d for d in yo if not _is_camel(d)]
    if hint["phi"]:
        return phi + camel + snake
    if hint["camel"]:
        return camel + snake + phi
    return snake + camel + phi


def _is_camel(dialect: str) -> bool:
    return not facts.CAMEL_USAGE.isdisjoint(get_spec(dialect).types[facts.USAGE_TYPE].lookup)


def read_arrays(
    text: str, dialect: str
) -> tuple[list[tuple[str, list[dict[str, Any]]]], list[Problem]]:
    """Read every ``messages`` array inside a JSON document (a phi-core session file).

    Returns ``[(pointer of the array, records)]`` and the notes; raises with every problem.
    """
    spec = get_spec(dialect)
    found: list[tuple[tuple[Any, ...], list[Any]]] = []

    def walk(value: Any, path: tuple[Any, ...]) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "messages" and isinstance(item, list):
                    found.append(((*path, key), item))
                else:
                    walk(item, (*path, key))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, (*path, i))

    from .jsonparse import parse_value

    try:
        root = parse_value(text)
    except JsonSyntaxError as err:
        line, column = err.line_column(text)
        where = pointer(err.path) if err.path else ""
        raise ConversationError(
            [Problem(None, where, line, column, _syntax_words(err.code), "syntax")]
        ) from None
    walk(root, ())
    if not found:
        return [], []
    positions = value_positions(text, len(text) - len(text.lstrip(" \t\r\n")), ())
    problems: list[Problem] = []
    notes: list[Problem] = []
    out: list[tuple[str, list[dict[str, Any]]]] = []

    def at(path: tuple[Any, ...], message: str, kind: str) -> Problem:
        probe = path
        while probe and probe not in positions:
            probe = probe[:-1]
        line, column = position(text, positions.get(probe, 0))
        return Problem(None, pointer(path), line, column + 1, message, kind)

    for base, items in found:
        reader = Reader(spec)
        records = []
        for i, item in enumerate(items):
            try:
                records.append(reader.message(item, i))
            except Reject as why:
                problems.append(at((*base, *why.path), why.message, why.kind))
        notes += [at((*base, *n.path), n.message, n.kind) for n in reader.notes]
        out.append((pointer(base), records))
    if problems:
        raise ConversationError(problems)
    return out, notes
