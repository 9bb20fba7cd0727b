"""Checking one document: a saved conversation, a yoagent session, or a phi-core session."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import ConversationError, Problem

POSITION_LIMIT = 8 * 1024 * 1024  # warnings get line/column only in files up to this size
POSITION_NOTE = (
    "warnings carry no line:col in files over 8 MiB (finding them would parse the whole file "
    "a second time); the message index and JSON pointer say where each one is"
)
KINDS = ("conversation", "session", "phi-session", "config", "events")


@dataclass
class Options:
    kind: str | None = None  # --type
    dialect: str = "auto"  # as the user wrote it
    strict: bool = False
    canonical: bool = False
    float_format: str = "auto"  # --float-format: auto (the file's own, else zmij), ryu, zmij


@dataclass
class FileResult:
    name: str
    kind: str = "conversation"
    dialect: str | None = None  # the wire revision it was read as (or was to be read as)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    info: list[str] = field(default_factory=list)  # remarks that are neither (never fail)
    fatal: str | None = None  # unreadable input (exit code 2)
    is_file: bool = True  # a path on disk (GitHub annotations can point at it)
    unit: str = "message"  # what Problem.index counts: messages, or a session file's entries

    @property
    def valid(self) -> bool:
        return self.fatal is None and not self.errors


# -- what is it? ---------------------------------------------------------------------------------
_LEADING_SPACE = re.compile(rb"(?:\xef\xbb\xbf)?[ \t\r\n]*")
_SPACE = re.compile(rb"[ \t\r\n]*")


def is_blank(data: bytes) -> bool:
    return _LEADING_SPACE.match(data).end() == len(data)  # type: ignore[union-attr]


def sniff(data: bytes, name: str) -> str:
    """conversation, session (yoagent JSONL) or phi-session, judged by the content (without
    copying it: inputs may be large)."""
    start = _LEADING_SPACE.match(data).end()  # type: ignore[union-attr]
    from ..records.detect import sniff_record

    record = sniff_record(data, start, name)
    if record is not None:
        return record
    if name.lower().split("?", 1)[0].endswith(".jsonl"):
        return "session"
    if data[start : start + 1] != b"{":
        return "conversation"
    newline = data.find(b"\n", start)
    first = data[start:] if newline < 0 else data[start:newline]
    more = newline >= 0 and _SPACE.match(data, newline).end() < len(data)  # type: ignore[union-attr]
    import orjson

    try:
        head = orjson.loads(first)
    except orjson.JSONDecodeError:
        # a pretty-printed object (phi-core) or a broken session line
        return "session" if b'"parent_id"' in first and b'"message"' in first else "phi-session"
    if isinstance(head, dict):
        if "loops" in head or "session_id" in head:
            return "phi-session"
        if "message" in head or "parent_id" in head:
            return "session"
    return "session" if more else "phi-session"


def check(data: bytes, name: str, options: Options) -> FileResult:
    result = FileResult(name, options.kind or sniff(data, name))
    if result.kind == "session":
        result.unit = "entry"
    if result.kind.startswith("config"):
        from ..records.check import check_config

        check_config(data, options, result)
    elif result.kind == "events":
        from ..records.check import check_events

        check_events(data, options, result)
    elif result.kind == "session":
        _check_session(data, options, result)
    elif result.kind == "phi-session":
        _check_phi_session(data, options, result)
    else:
        _check_conversation(data, options, result)
    if options.strict:
        result.errors.extend(result.warnings)
        result.warnings = []
    return result


def _explicit(options: Options) -> str | None:
    if options.dialect == "auto":
        return None
    from ..dialects import resolve

    return resolve(options.dialect)


# -- saved conversations -------------------------------------------------------------------------
def _check_conversation(data: bytes, options: Options, result: FileResult) -> None:
    from ..api import dumps, loads

    result.dialect = _explicit(options)
    if is_blank(data):
        result.errors = [
            Problem(
                None,
                "",
                None,
                None,
                "the file is empty: a saved conversation is a JSON array "
                "(the crates fail with `EOF while parsing a value`)",
                "empty",
            )
        ]
        return
    if not options.canonical:
        try:
            dialect, notes, lint_problems = stream_conversation(
                data, options.dialect, options.float_format
            )
        except ConversationError as err:
            result.errors = err.problems
            return
        result.dialect = dialect
        warnings = [_reword(p, dialect, options) for p in notes] + lint_problems
        result.warnings = _with_positions(data, warnings) if warnings else warnings
        return
    try:
        conv = loads(data, options.dialect, float_format=options.float_format)
    except ConversationError as err:
        result.errors = err.problems
        return
    result.dialect = conv.dialect
    warnings = [_reword(p, result.dialect, options) for p in conv.notes]
    warnings += lint(conv.records)
    if warnings:  # located in their elements' spans: cheap at any size
        warnings = _with_positions(data, warnings)
    result.warnings = warnings
    if options.canonical:
        try:
            expected = dumps(conv, as_saved=True).encode("utf-8")
        except ConversationError as err:
            result.errors.extend(err.problems)
            return
        if expected != data:
            result.errors.append(_first_difference(data, expected, result.dialect, options))


def stream_conversation(
    data: bytes, requested: str, float_format: str = "auto"
) -> tuple[str, list[Problem], list[Problem]]:
    """Read a saved conversation element span by element span, linting each record as it is
    read and keeping none: (the dialect it was read as, its notes with the float-drift ones,
    the lint warnings).

    The same verdicts as ``loads`` (the same dialect trials in the same order); peak memory is
    the input plus one batch of elements (see :mod:`..codec.document`).
    """
    from ..streaming import read_stream

    found, linter = read_stream(data, requested, lambda _dialect: Linter())
    notes = list(found.notes)
    if found.drifts and found.parsed is not None:
        from ..codec.document import drift_notes
        from ..codec.numbers import DEFAULT_FLOAT_FORMAT

        detected = found.float_format
        chosen = float_format if float_format != "auto" else detected or DEFAULT_FLOAT_FORMAT
        assumed = float_format == "auto" and detected is None
        notes += drift_notes(found.parsed, found.drifts, found.dialect, chosen, assumed)
    return found.dialect, notes, linter.finish()


def _reword(problem: Problem, revision: str | None, options: Options) -> Problem:
    """Name the crate version the user asked for (or the versions of the detected revision)
    where the codec names the wire revision: "would be dropped by yoagent 0.18.0"."""
    if revision is None or revision not in problem.message:
        return problem
    words = dialect_words(revision, options.dialect)
    return Problem(
        problem.index,
        problem.pointer,
        problem.line,
        problem.column,
        problem.message.replace(revision, words),
        problem.kind,
    )


def dialect_words(revision: str, requested: str = "auto") -> str:
    """``yoagent 0.18.0`` for what the user named, ``yoagent 0.22.0–0.26.x`` for a revision."""
    crate = revision.split("@", 1)[0].rpartition(":")[2]
    if requested != "auto" and "@" in requested:
        return f"{crate} {requested.split('@', 1)[1]}"
    span = version_span(revision)
    return f"{crate} {span}" if span else revision


def version_span(revision: str) -> str | None:
    """The crate versions of a wire revision, e.g. ``0.13.0–0.21.x``."""
    from ..models.wire import REVISIONS
    from ..records.check import config_versions

    bounds = config_versions(revision) or REVISIONS.get(revision, {}).get("versions", [])
    low = next((b[2:] for b in bounds if b.startswith(">=")), None)
    high = next((b[1:] for b in bounds if b.startswith("<") and not b.startswith("<=")), None)
    if low is None:
        return None
    if high is None:
        return f"{low} and later"
    parts = [int(p) for p in high.split(".")]
    if len(parts) == 3 and parts[2] == 0 and parts[1] > 0:
        return f"{low}–{parts[0]}.{parts[1] - 1}.x"
    return f"{low} up to (not including) {high}"


def first_difference(data: bytes, expected: bytes) -> int:
    """The offset of the first byte where the two differ (the shorter length if one is a
    prefix of the other); compares in blocks, so a late difference in 100 MB stays cheap."""
    n = min(len(data), len(expected))
    a, b = memoryview(data), memoryview(expected)
    start, block = 0, 1 << 16
    while start < n:
        end = min(n, start + block)
        if a[start:end] != b[start:end]:
            return next(i for i in range(start, end) if data[i] != expected[i])
        start = end
    return n


def _first_difference(
    data: bytes, expected: bytes, revision: str | None, options: Options
) -> Problem:
    offset = first_difference(data, expected)
    line = data.count(b"\n", 0, offset) + 1
    column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    got = data[offset : offset + 24].decode("utf-8", "replace") or "end of file"
    want = expected[offset : offset + 24].decode("utf-8", "replace") or "end of file"
    who = dialect_words(revision, options.dialect) if revision else "the crate"
    # The float layout changes the outcome only when the user named one: an `auto` file either
    # shows its writer or has no float the two layouts write differently.
    float_note = f", {options.float_format} floats" if options.float_format != "auto" else ""
    return Problem(
        None,
        "",
        line,
        column,
        f"not byte-identical to what {who}{float_note} writes: first difference at byte "
        f"{offset} (file has {got!r}, the crate writes {want!r})",
        "not-canonical",
    )


def _with_positions(data: bytes, problems: list[Problem]) -> list[Problem]:
    from ..codec.document import locate, parse

    if all(p.line is not None or p.index is None for p in problems):
        return problems
    try:
        parsed = parse(data, keep=False)  # each warning is located in its element's span only
    except (ConversationError, RecursionError):
        return problems
    out = []
    for p in problems:
        if p.line is None and p.index is not None:
            try:
                p = locate(parsed, _path(p.pointer), p.message, p.kind)
            except (KeyError, IndexError, RecursionError):
                pass
        out.append(p)
    return out


def _path(pointer_text: str) -> tuple[Any, ...]:
    parts: list[Any] = []
    for raw in pointer_text.split("/")[1:]:
        token = raw.replace("~1", "/").replace("~0", "~")
        parts.append(int(token) if token.isascii() and token.isdigit() else token)
    return tuple(parts)


# -- yoagent sessions ----------------------------------------------------------------------------
def _session_dialect_problem(options: Options) -> str | None:
    """Why the requested dialect cannot have session files, if it cannot."""
    requested = options.dialect
    if requested == "auto":
        return None
    from ..sessions import has_sessions, sessions_from

    if not has_sessions(requested):
        return (
            f"{requested} has no session files: Session::to_jsonl exists from "
            f"{sessions_from()} (use --type conversation for a saved conversation)"
        )
    return None


def _check_session(data: bytes, options: Options, result: FileResult) -> None:
    from ..sessions import dumps_session, loads_session
    from ..sessions.fast import stream_session
    from ..sessions.yoagent import session_names

    result.dialect = _explicit(options)
    unsupported = _session_dialect_problem(options)
    if unsupported:
        result.errors = [Problem(None, "", None, None, unsupported, "dialect")]
        return
    try:
        # one chain of entries: streamed, no message kept (the lint reads each as it goes)
        streamed = None
        if not options.canonical:
            names = session_names(options.dialect)
            streamed = stream_session(data, names, options.float_format, lambda _: Linter())
        if streamed is not None:
            session, linter = streamed
            lint_problems = linter.finish()
        else:
            session = loads_session(data, options.dialect, float_format=options.float_format)
            records = [entry.message for entry in session.entries]
            index_of = {entry.id: i for i, entry in enumerate(session.entries)}
            parents = [
                index_of[e.parent_id] if e.parent_id is not None else -1 for e in session.entries
            ]
            lint_problems = lint(records, parents)
    except ConversationError as err:
        result.errors = err.problems
        return
    result.dialect = session.dialect
    warnings = [_reword(p, result.dialect, options) for p in session.notes]
    lines: list[str] | None = None
    for problem in lint_problems:
        entry = session.entries[problem.index] if problem.index is not None else None
        parts = problem.pointer.split("/", 2)
        rest = parts[2] if len(parts) > 2 else ""
        pointer = "/message" + ("/" + rest if rest else "")
        line = entry.line if entry else None
        column = None
        if entry is not None and len(data) <= POSITION_LIMIT:
            if lines is None:
                lines = data.decode("utf-8").split("\n")
            column = _column_in_line(lines[entry.line - 1], ("message", *_path("/" + rest)))
        warnings.append(
            Problem(problem.index, pointer, line, column, problem.message, problem.kind)
        )
    if not session.entries:
        warnings.append(
            Problem(
                None, "", None, None, "the session has no entries (the crate loads it)", "empty"
            )
        )
    if lines is None and len(data) > POSITION_LIMIT and len(warnings) > len(session.notes):
        result.info.append(POSITION_NOTE.replace("no line:col", "a line but no column"))
    result.warnings = warnings
    if options.canonical:
        try:
            expected = dumps_session(session, as_saved=True).encode("utf-8")
        except ConversationError as err:
            result.errors.extend(err.problems)
            return
        if expected != data:
            result.errors.append(_first_difference(data, expected, result.dialect, options))


def _column_in_line(line: str, path: tuple[Any, ...]) -> int | None:
    from ..codec.jsonparse import JsonSyntaxError, position, value_positions
    from ..sessions import RUST_WHITESPACE

    stripped = line.lstrip(RUST_WHITESPACE)
    lead = len(line[: len(line) - len(stripped)].encode("utf-8"))
    try:
        positions = value_positions(stripped.rstrip(RUST_WHITESPACE), 0, ())
    except (JsonSyntaxError, RecursionError):
        return None
    probe = path
    while probe and probe not in positions:
        probe = probe[:-1]
    _, column = position(stripped, positions.get(probe, 0))
    return column + 1 + lead


# -- phi-core sessions ---------------------------------------------------------------------------
def _check_phi_session(data: bytes, options: Options, result: FileResult) -> None:
    from ..sessions import loads_phi_session
    from ..sessions.phi_core import check_phi_session

    result.dialect = _explicit(options)
    try:
        # without --canonical nothing is written: messages may stay in their wire form
        read = loads_phi_session if options.canonical else check_phi_session
        session = read(data, options.dialect)
    except ConversationError as err:
        result.errors = err.problems
        return
    result.dialect = session.dialect
    warnings = [_reword(p, result.dialect, options) for p in session.notes]
    lint_problems: list[Problem] = []
    for array in session.arrays:
        if array.single or not array.path or array.path[-1] != "messages":
            continue  # turns repeat loops[].messages in pieces: lint the whole histories
        for problem in lint(array.records):
            lint_problems.append(
                Problem(
                    problem.index,
                    array.pointer + problem.pointer,
                    None,
                    None,
                    problem.message,
                    problem.kind,
                )
            )
    if lint_problems and len(data) <= POSITION_LIMIT:
        from ..sessions.phi_core import _locator

        locate = _locator(data.decode("utf-8"))
        lint_problems = [locate(p) for p in lint_problems]
    elif lint_problems:
        result.info.append(POSITION_NOTE)
    result.warnings = warnings + lint_problems
    if session.layout == "generic":
        result.info.append(
            "not laid out like a phi-core Session (no `loops`): checked every `messages` array"
        )
    from ..records.check import check_phi_document

    check_phi_document(data, options, result, session.root, session.memo())


# -- semantic lint -------------------------------------------------------------------------------
def lint(records: list[dict[str, Any]], parents: Sequence[int] | None = None) -> list[Problem]:
    """Semantic warnings: tool results that answer no earlier tool call, tool calls never
    answered, time running backwards, images that are not base64 or not ``image/*``.

    ``parents[i]`` is the record before record ``i`` on its path (-1 for a root); by default the
    records are one history. For a session tree "earlier" means an ancestor.
    """
    out: list[Problem] = []
    n = len(records)
    if parents is None or all(p == i - 1 for i, p in enumerate(parents)):
        _lint_path(records, range(n), out)
    else:
        children: list[list[int]] = [[] for _ in range(n)]
        roots: list[int] = []
        for i, p in enumerate(parents):
            (children[p] if p >= 0 else roots).append(i)
        _lint_tree(records, roots, children, out)
    out.sort(key=lambda p: p.index if p.index is not None else -1)
    return out


def _lint_path(records: list[dict[str, Any]], order: range, out: list[Problem]) -> None:
    linter = Linter()
    for i in order:
        linter.feed(i, records[i])
    out.extend(linter.finish())


class Linter:
    """The lint of one history, fed record by record (nothing but open tool calls is kept).

    It reads only keys every dialect writes under the records' names (role, timestamp,
    toolCallId, content, type, id, mimeType, data, kind), so wire-form messages do as well.
    """

    takes_wire = True

    def __init__(self) -> None:
        self.out: list[Problem] = []
        self.calls: dict[str, tuple[int, int]] = {}  # id -> its latest call
        self.open: dict[tuple[int, int], str] = {}  # calls not answered yet, in order
        self.last_ts: int | None = None

    def __call__(self, i: int, rec: dict[str, Any]) -> None:
        self.feed(i, rec)

    def feed(self, i: int, rec: dict[str, Any]) -> None:
        if "kind" in rec:
            return
        out = self.out
        ts = rec["timestamp"]
        if self.last_ts is not None and ts < self.last_ts:
            out.append(_backwards(i, ts, self.last_ts))
        self.last_ts = ts
        if rec["role"] == "toolResult":
            call = self.calls.get(rec["toolCallId"])
            if call is None:
                out.append(_orphan(i, rec["toolCallId"]))
            else:
                self.open.pop(call, None)
        for j, block in enumerate(rec["content"]):
            kind = block["type"]
            if kind == "toolCall":
                self.calls[block["id"]] = (i, j)
                self.open[(i, j)] = block["id"]
            elif kind == "image":
                _lint_image(block, i, j, out)

    def finish(self) -> list[Problem]:
        every = [(i, j, call_id) for (i, j), call_id in self.open.items()]
        _report_unanswered(every, set(), self.out)
        self.out.sort(key=lambda p: p.index if p.index is not None else -1)
        return self.out


def _report_unanswered(
    every_call: list[tuple[int, int, str]], answered: set[tuple[int, int]], out: list[Problem]
) -> None:
    for i, j, call_id in every_call:
        if (i, j) not in answered:
            out.append(
                _warn(
                    i,
                    f"/content/{j}/id",
                    f"tool call {call_id!r} is never answered by a tool result",
                    "unanswered-call",
                )
            )


def _lint_tree(
    records: list[dict[str, Any]], roots: list[int], children: list[list[int]], out: list[Problem]
) -> None:
    """Depth-first over the session tree with the calls and the last timestamp of the path."""
    active: dict[str, list[tuple[int, int]]] = {}
    answered: set[tuple[int, int]] = set()
    every_call: list[tuple[int, int, str]] = []
    # stack of (node, entering?, last timestamp before it)
    stack: list[tuple[int, bool, int | None]] = [(r, True, None) for r in reversed(roots)]
    while stack:
        i, entering, last_ts = stack.pop()
        rec = records[i]
        is_message = "kind" not in rec
        if not entering:
            if is_message:
                for block in rec["content"]:
                    if block["type"] == "toolCall":
                        active[block["id"]].pop()
            continue
        stack.append((i, False, last_ts))
        if is_message:
            ts = rec["timestamp"]
            if last_ts is not None and ts < last_ts:
                out.append(_backwards(i, ts, last_ts))
            if rec["role"] == "toolResult":
                found = active.get(rec["toolCallId"])
                if found:
                    answered.add(found[-1])
                else:
                    out.append(_orphan(i, rec["toolCallId"]))
            for j, block in enumerate(rec["content"]):
                if block["type"] == "toolCall":
                    active.setdefault(block["id"], []).append((i, j))
                    every_call.append((i, j, block["id"]))
                elif block["type"] == "image":
                    _lint_image(block, i, j, out)
            last_ts = ts
        for child in reversed(children[i]):
            stack.append((child, True, last_ts))
    _report_unanswered(every_call, answered, out)


def _backwards(i: int, ts: int, last_ts: int) -> Problem:
    return _warn(
        i,
        "/timestamp",
        f"timestamp {ts} is earlier than the previous message's {last_ts}",
        "time-backwards",
    )


def _orphan(i: int, call_id: str) -> Problem:
    return _warn(
        i,
        "/toolCallId",
        f"tool result for {call_id!r} matches no earlier tool call",
        "orphan-result",
    )


def _warn(index: int, rest: str, message: str, kind: str) -> Problem:
    return Problem(index, f"/{index}{rest}", None, None, message, kind)


def _lint_image(block: dict[str, Any], i: int, j: int, out: list[Problem]) -> None:
    mime = block["mimeType"]
    if not mime.startswith("image/") or len(mime) <= len("image/"):
        out.append(
            _warn(i, f"/content/{j}/mimeType", f"mimeType {mime!r} is not image/*", "image-mime")
        )
    try:
        base64.b64decode(block["data"], validate=True)
    except (binascii.Error, ValueError):
        out.append(_warn(i, f"/content/{j}/data", "image data is not valid base64", "image-data"))
