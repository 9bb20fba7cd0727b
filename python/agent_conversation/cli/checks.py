"""Checking one document: a saved conversation, a yoagent session, or a phi-core session (the
records: :mod:`..records.check`), and placing its warnings at a line and column."""

from __future__ import annotations

from .._lean_typing import TYPE_CHECKING
from ..codec.small_document import feed_small
from ..errors import ConversationError, Problem
from ..lint import Linter, lint
from .results import FileResult, Options
from .sniff import MESSAGE, is_blank, sniff

if TYPE_CHECKING:
    from typing import Any

POSITION_LIMIT = 8 * 1024 * 1024  # warnings get line/column only in files up to this size
POSITION_NOTE = (
    "warnings carry no line:col in files over 8 MiB (finding them would parse the whole file "
    "a second time); the message index and JSON pointer say where each one is"
)


def check(data: bytes, name: str, options: Options) -> FileResult:
    result = FileResult(name, options.kind or sniff(data, name), requested=options.dialect)
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


def _resolved(requested: str) -> str | None:
    """The wire revision of a requested dialect (None for ``auto``)."""
    if requested == "auto":
        return None
    from ..dialects import resolve

    return resolve(requested)


# -- saved conversations -------------------------------------------------------------------------
def _check_conversation(data: bytes, options: Options, result: FileResult) -> None:
    result.dialect = _resolved(options.dialect)
    if is_blank(data):
        result.errors = [
            Problem(
                None,
                "",
                None,
                None,
                "the file is empty: a saved conversation is a JSON array "
                "(the crates fail with `EOF while parsing a value`)",
                "empty-document",
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
        warnings = [*notes, *lint_problems]
        result.warnings = _with_positions(data, warnings) if warnings else warnings
        return
    # --canonical: the whole history read, to be written back and compared
    from ..api import dumps, loads

    try:
        conv = loads(data, options.dialect, float_format=options.float_format)
    except ConversationError as err:
        result.errors = err.problems
        return
    result.dialect = conv.dialect
    warnings = list(conv.notes)
    warnings += lint(conv.records)
    if warnings:  # located in their elements' spans: cheap at any size
        warnings = _with_positions(data, warnings)
    result.warnings = warnings
    from .canonical import compare

    compare(data, lambda: dumps(conv, as_saved=True), result, options)


def stream_conversation(
    data: bytes, requested: str, float_format: str = "auto"
) -> tuple[str, list[Problem], list[Problem]]:
    """Read a saved conversation element span by element span, linting each record as it is
    read and keeping none: (the dialect it was read as, its notes with the float-drift ones,
    the lint warnings).

    The same verdicts as ``loads`` (the same dialect trials in the same order); peak memory is
    the input plus one batch of elements (see :mod:`..codec.parsed`).
    """
    small = feed_small(data, _resolved(requested), lambda _dialect: Linter())
    if small is not None:  # a small file as the crate wrote it: no notes
        dialect, linter, _ = small
        return dialect, [], linter.finish()
    from ..streaming import read_stream

    found, linter = read_stream(data, requested, lambda _dialect: Linter(), quick=False)
    notes = list(found.notes)
    if found.drifts and found.parsed is not None:
        from ..codec.numbers import chosen_format
        from ..codec.read_result import drift_notes

        chosen, assumed = chosen_format(float_format, found.float_format)
        notes += drift_notes(found.parsed, found.drifts, found.dialect, chosen, assumed)
    return found.dialect, notes, linter.finish()


def _with_positions(data: bytes, problems: list[Problem]) -> list[Problem]:
    from ..codec.document import parse
    from ..codec.read_result import locate

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
                p = locate(parsed, p)
            except (KeyError, IndexError, RecursionError):
                pass
        out.append(p)
    return out


# -- yoagent sessions ----------------------------------------------------------------------------
def _session_dialect_problem(options: Options) -> str | None:
    """Why the requested dialect cannot have session files, if it cannot."""
    if options.dialect == "auto":
        return None
    from ..dialects import no_sessions

    why = no_sessions(options.dialect)
    return why and why + " (use --type conversation for a saved conversation)"


def _check_session(data: bytes, options: Options, result: FileResult) -> None:
    from ..sessions import dumps_session, loads_session
    from ..sessions.fast import stream_session
    from ..sessions.yoagent import session_names

    result.dialect = _resolved(options.dialect)
    unsupported = _session_dialect_problem(options)
    if unsupported:
        result.errors = [Problem(None, (), None, None, unsupported, "argument")]
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
            entries = session.entries
            index_of = {entry.id: i for i, entry in enumerate(entries)}
            parents = [index_of[e.parent_id] if e.parent_id is not None else -1 for e in entries]
            lint_problems = lint(records, parents)
    except ConversationError as err:
        result.errors = err.problems
        return
    result.dialect = session.dialect
    warnings = list(session.notes)
    lines: list[str] | None = None
    for problem in lint_problems:
        entry = session.entries[problem.index] if problem.index is not None else None
        parts = problem.pointer.split("/", 2)
        rest = parts[2] if len(parts) > 2 else ""
        pointer = f"/{MESSAGE}" + ("/" + rest if rest else "")
        line = entry.line if entry else None
        column = None
        if entry is not None and len(data) <= POSITION_LIMIT:
            if lines is None:
                lines = data.decode("utf-8").split("\n")
            column = _column_in_line(lines[entry.line - 1], (MESSAGE, *problem.path[1:]))
        warnings.append(Problem(problem.index, pointer, line, column, problem.cause, problem.kind))
    if not session.entries:
        warnings.append(
            Problem(
                None,
                (),
                None,
                None,
                "the session has no entries (the crate loads it)",
                "empty-document",
            )
        )
    if lines is None and len(data) > POSITION_LIMIT and len(warnings) > len(session.notes):
        result.info.append(POSITION_NOTE.replace("no line:col", "a line but no column"))
    result.warnings = warnings
    if options.canonical:
        from .canonical import compare

        compare(data, lambda: dumps_session(session, as_saved=True), result, options)


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

    result.dialect = _resolved(options.dialect)
    try:
        # without --canonical nothing is written: messages may stay in their wire form
        read = loads_phi_session if options.canonical else check_phi_session
        session = read(data, options.dialect)
    except ConversationError as err:
        result.errors = err.problems
        return
    result.dialect = session.dialect
    warnings = list(session.notes)
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

    check_phi_document(data, options, result, session)
