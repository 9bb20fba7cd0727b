"""The public codec API: ``loads``, ``dumps``, ``detect``, ``load``, ``dump``."""

from __future__ import annotations

import gc
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson

from .codec.document import Parsed, ReadResult, drift_notes, likely_order, parse, read
from .codec.floats import memory_of
from .codec.numbers import DEFAULT_FLOAT_FORMAT, FLOAT_FORMAT_CHOICES
from .codec.reader import Reader, Reject
from .codec.spec import get_spec, internal_spec
from .codec.writer import Loss, write
from .conversation import Conversation
from .dialects import crate_of, known_dialects, resolve
from .errors import ConversationError, Problem, pointer


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a document is parsed and checked.

    A JSON tree has no reference cycles, so the collector can free nothing there; left on, it
    rescans the young objects over and over while millions are created (a third of the time).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def loads(data: str | bytes, dialect: str = "auto", *, float_format: str = "auto") -> Conversation:
    """Read a saved conversation exactly as that crate version's ``restore_messages()`` does.

    ``dialect`` is ``auto`` (the most likely reader that accepts it), a crate name
    (``yoagent``, ``phi-core``: the newest revision) or ``crate@version``.

    ``float_format`` (``auto``, ``ryu``, ``zmij``) is kept on the conversation
    (``conv.float_format``) for every later write. ``auto`` takes the writer the text shows (a
    float from 1e16 on written ``1e+16`` is zmij, serde_json >= 1.0.147; ``1e16`` is ryu,
    serde_json <= 1.0.146) and otherwise assumes zmij, what a fresh build resolves today
    (``conv.float_format_detected`` tells which). Floats that serde_json's restore reads
    differently from the literal are listed in ``conv.notes`` (kind ``float-drift``).
    """
    check_float_format(float_format)
    with _collector_paused():
        return _loads(data, dialect, float_format)


def check_float_format(float_format: str) -> None:
    if float_format not in FLOAT_FORMAT_CHOICES:
        raise ConversationError(
            f"float_format must be one of {', '.join(FLOAT_FORMAT_CHOICES)}, not {float_format!r}"
        )


def _loads(data: str | bytes, dialect: str, float_format: str) -> Conversation:
    parsed = parse(data)
    if dialect != "auto":
        return _conversation(read(parsed, resolve(dialect)), parsed, float_format)
    order = likely_order(parsed.tree, known_dialects())
    best: ReadResult | None = None
    first_error: ConversationError | None = None
    for name in order:
        try:
            result = read(parsed, name)
        except ConversationError as err:
            first_error = first_error or err
            continue
        if not result.notes:
            return _conversation(result, parsed, float_format)
        if best is None or len(result.notes) < len(best.notes):
            best = result
    if best is not None:
        return _conversation(best, parsed, float_format)
    assert first_error is not None
    raise _explain_auto(first_error, order)


def _explain_auto(error: ConversationError, order: list[str]) -> ConversationError:
    problems = [
        Problem(
            p.index,
            p.pointer,
            p.line,
            p.column,
            f"{p.message} (read as {order[0]}; no dialect accepts it)",
            p.kind,
        )
        for p in error.problems
    ]
    return ConversationError(problems)


def _conversation(result: ReadResult, parsed: Parsed, float_format: str) -> Conversation:
    detected = result.float_format
    chosen = float_format if float_format != "auto" else detected or DEFAULT_FLOAT_FORMAT
    assumed = float_format == "auto" and detected is None
    if result.wire is not None:
        return Conversation(
            dialect=result.dialect,
            has_float=result.has_float,
            wire=result.wire,
            make_records=lambda: result.records,
            float_format=chosen,
            float_format_detected=detected is not None,
        )
    notes = result.notes
    if result.drifts:
        notes = notes + drift_notes(parsed, result.drifts, result.dialect, chosen, assumed)
    return Conversation(
        result.records,
        dialect=result.dialect,
        notes=notes,
        has_float=result.has_float,
        float_format=chosen,
        float_format_detected=detected is not None,
        memory=memory_of(result.drifts),
    )


def detect(data: str | bytes) -> list[str]:
    """The dialects whose reader accepts ``data``, most likely first."""
    try:
        parsed = parse(data)
    except ConversationError:
        return []
    accepted: list[tuple[int, int, str]] = []
    for rank, name in enumerate(likely_order(parsed.tree, known_dialects())):
        try:
            result = read(parsed, name)
        except ConversationError:
            continue
        accepted.append((len(result.notes), rank, name))
    return [name for _, _, name in sorted(accepted)]


def dumps(
    conv: Conversation,
    dialect: str | None = None,
    *,
    float_format: str = "auto",
    as_saved: bool = False,
) -> str:
    """The exact text that dialect's ``save_messages()`` writes for this history.

    Writing to another version of the same crate is allowed when nothing is lost; anything
    that would be lost raises ConversationError naming it. Cross-crate: see ``convert``.

    ``float_format``: ``auto`` (the conversation's own, ``conv.float_format``), ``ryu``
    (serde_json up to 1.0.146: ``1e16``) or ``zmij`` (serde_json 1.0.147+: ``1e+16``); it only
    matters for floats in free JSON values.

    ``as_saved``: by default each float is the value ``restore_messages()`` gives (serde_json's
    reading, not always correctly rounded), so ``dumps(loads(x))`` is what the crate writes
    after restoring ``x``. With ``as_saved=True`` each float is the value of its literal, as the
    agent held it when it saved: the bytes ``save_messages()`` wrote for this history (what
    ``validate-conversation --canonical`` compares).
    """
    check_float_format(float_format)
    target = resolve(dialect) if dialect is not None else conv.dialect
    if target is None:
        raise ConversationError("this conversation was built by hand: name the dialect to write")
    if conv.dialect is not None and crate_of(conv.dialect) != crate_of(target):
        raise ConversationError(
            f"{conv.dialect} → {target} crosses crates; use agent_conversation.convert() "
            "which reports what is lost"
        )
    chosen = conv.float_format if float_format == "auto" else float_format
    text, losses = render(conv, target, chosen, conv.memory if as_saved else None)
    if losses:
        raise ConversationError(loss_problems(losses, target))
    return text


def render(
    conv: Conversation,
    target: str,
    float_format: str = DEFAULT_FLOAT_FORMAT,
    memory: dict[int, tuple[float, float]] | None = None,
) -> tuple[str, list[Loss]]:
    """Write ``conv`` for ``target``, returning the text and what could not be carried.

    ``memory`` (``conv.memory``): write those floats as the agent held them (``as_saved``).
    """
    spec = get_spec(target)
    if conv.wire is not None and conv.pristine and conv.dialect == target and not conv.has_float:
        return orjson.dumps(conv.wire).decode(), []  # read as exactly this dialect's wire form
    records, has_float = conv.records, conv.has_float
    if not conv.pristine:
        records, has_float = validate_records(conv.records)
    passthrough = conv.pristine and conv.dialect == target and _identity_names(target)
    return write(
        records,
        spec,
        has_float,
        passthrough=passthrough,
        float_format=float_format,
        memory=memory or None,
    )


def validate_records(records: list[dict]) -> tuple[list[dict], bool]:
    """Check hand-built records by the same serde rules, normalising free values."""
    reader = Reader(internal_spec())
    out: list[dict] = []
    problems: list[Problem] = []
    for index, record in enumerate(records):
        try:
            out.append(reader.message(record, index))
        except Reject as why:
            problems.append(Problem(index, pointer(why.path), None, None, why.message, why.kind))
    if problems:
        raise ConversationError(problems)
    unknown = [n for n in reader.notes if n.kind == "unknown-key"]
    if unknown:
        raise ConversationError(
            [Problem(n.path[0], pointer(n.path), None, None, n.message, n.kind) for n in unknown]
        )
    return out, reader.has_float


def _identity_names(dialect: str) -> bool:
    spec = get_spec(dialect)
    return all(f.wire == f.ir for t in spec.types.values() for f in t.fields)


def loss_problems(losses: list[Loss], target: str) -> list[Problem]:
    return [
        Problem(
            loss.path[0] if loss.path else None,
            pointer(loss.path),
            None,
            None,
            f"would be lost writing {target}: {loss.message}",
            "loss",
        )
        for loss in losses
    ]


def load(
    path: str | os.PathLike[str], dialect: str = "auto", *, float_format: str = "auto"
) -> Conversation:
    """Read a saved conversation file (see :func:`loads`)."""
    return loads(Path(path).read_bytes(), dialect, float_format=float_format)


def dump(
    conv: Conversation,
    path: str | os.PathLike[str],
    dialect: str | None = None,
    *,
    float_format: str = "auto",
    as_saved: bool = False,
) -> None:
    """Write a conversation file atomically (a temporary file in the same folder, then rename).

    ``float_format`` and ``as_saved`` as in :func:`dumps`.
    """
    text = dumps(conv, dialect, float_format=float_format, as_saved=as_saved)
    write_atomic(Path(path), text.encode("utf-8"))


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see either the old file or the whole new one."""
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
