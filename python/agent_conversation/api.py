"""The public codec API: ``loads``, ``dumps``, ``detect``, ``load``, ``dump``."""

from __future__ import annotations

import errno
import gc
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

import orjson

from .codec.dialect_hints import likely_order
from .codec.document import parse, read
from .codec.floats import memory_of
from .codec.numbers import DEFAULT_FLOAT_FORMAT, FLOAT_FORMAT_CHOICES
from .codec.parsed import Parsed
from .codec.read_result import ReadResult, drift_notes
from .codec.reader import Reader, Reject
from .codec.spec import get_spec, internal_spec
from .codec.writer import ORJSON_WRITES_ZMIJ, write
from .conversation import Conversation
from .dialects import crate_of, known_dialects, resolve
from .errors import AUTO, LOSS, ConversationError, Note, Problem, element_index

if TYPE_CHECKING:
    from .conversation import M
    from .typed_dialects import TypedDialect


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


@overload
def loads(
    data: str | bytes, dialect: TypedDialect[M], *, float_format: str = ...
) -> Conversation[M]: ...
@overload
def loads(
    data: str | bytes, dialect: str = ..., *, float_format: str = ...
) -> Conversation[Any]: ...
def loads(data: str | bytes, dialect: str = "auto", *, float_format: str = "auto") -> Conversation:
    """Read a saved conversation exactly as that crate version's ``restore_messages()`` does.

    ``dialect`` is ``auto`` (the most likely reader that accepts it), a crate name
    (``yoagent``, ``phi-core``: the newest revision) or ``crate@version``; a constant of
    :mod:`agent_conversation.typed_dialects` also types ``conv[i]`` for type checkers.

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
            probe = [p.index for p in first_error.problems] if first_error else []
            result = read(parsed, name, fail_fast=first_error is not None, probe=probe)
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
    """The first dialect's refusal, saying that every dialect was tried (``cause["auto"]``)."""
    problems = [replace(p, dialect=order[0], cause={**p.cause, AUTO: True}) for p in error.problems]
    return ConversationError(problems)


def _conversation(result: ReadResult, parsed: Parsed, float_format: str) -> Conversation:
    detected = result.float_format
    chosen = float_format if float_format != "auto" else detected or DEFAULT_FLOAT_FORMAT
    assumed = float_format == "auto" and detected is None
    notes = result.notes
    if result.drifts:
        notes = [
            *notes,
            *drift_notes(parsed, result.drifts, result.dialect, chosen, assumed),
        ]
    if result.wire is not None:
        return Conversation(
            dialect=result.dialect,
            notes=list(notes),
            has_float=result.has_float,
            wire=result.wire,
            make_records=lambda: result.records,
            float_format=chosen,
            float_format_detected=detected is not None,
            memory=memory_of(result.drifts),
        )
    return Conversation(
        result.records,
        dialect=result.dialect,
        notes=notes,  # type: ignore[arg-type]  # a Sequence whose positions come late
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
            result = read(parsed, name, fail_fast=True)
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
) -> tuple[str, list[Note]]:
    """Write ``conv`` for ``target``, returning the text and what could not be carried.

    ``memory`` (``conv.memory``): write those floats as the agent held them (``as_saved``).
    """
    spec = get_spec(target)
    if conv.wire is not None and conv.pristine and conv.dialect == target and not memory:
        # read as exactly this dialect's wire form. orjson writes floats as zmij does; ryu
        # differs only by the `+` of a positive exponent: without `e+` the text is the same.
        out = orjson.dumps(conv.wire)
        if not conv.has_float or (
            ORJSON_WRITES_ZMIJ and (float_format == "zmij" or b"e+" not in out)
        ):
            return out.decode(), []
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


def validate_records(records: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], bool]:
    """Check hand-built records by the same serde rules, normalising free values."""
    reader = Reader(internal_spec())
    out: list[dict[str, Any]] = []
    problems: list[Problem] = []
    for index, record in enumerate(records):
        try:
            out.append(reader.message(record, index))
        except Reject as why:
            problems.append(Problem.of(index, why.note))
    if problems:
        raise ConversationError(problems)
    unknown = [n for n in reader.notes if n.kind == "unknown-key"]
    if unknown:
        raise ConversationError([Problem.of(element_index(n.path), n) for n in unknown])
    return out, reader.has_float


def _identity_names(dialect: str) -> bool:
    spec = get_spec(dialect)
    return all(f.wire == f.ir for t in spec.types.values() for f in t.fields)


def loss_problems(losses: list[Note], target: str) -> list[Problem]:
    return [
        Problem(
            element_index(loss.path),
            loss.path,
            None,
            None,
            {"target": target, "loss_kind": loss.kind, "loss": loss.cause},
            LOSS,
        )
        for loss in losses
    ]


@overload
def load(
    path: str | os.PathLike[str], dialect: TypedDialect[M], *, float_format: str = ...
) -> Conversation[M]: ...
@overload
def load(
    path: str | os.PathLike[str], dialect: str = ..., *, float_format: str = ...
) -> Conversation[Any]: ...
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


def check_target(path: str | os.PathLike[str]) -> os.stat_result | None:
    """Whether :func:`write_atomic` may write ``path``: its status, or None if it does not exist.

    One rule for every write (``dump``, ``-o``, ``--in-place``): symlinks are followed (the file
    a link points to is replaced, the link stays); that file must be a regular file or not exist
    yet; a directory, device node, FIFO or socket is refused, never replaced; so is a file with
    more than one hard link, because an atomic replace would split the links. Raises OSError
    naming ``path``.
    """
    name = os.fspath(path)
    try:
        info = os.stat(name)  # follows symlinks, /proc/self/fd/N magic links too
    except FileNotFoundError:
        return None
    mode = info.st_mode
    if not stat.S_ISREG(mode):
        kind = _kind(mode)
        raise OSError(
            errno.EISDIR if stat.S_ISDIR(mode) else errno.EINVAL,
            f"is a {kind}, not a regular file: only regular files are written "
            "(write to standard output instead)",
            name,
        )
    if info.st_nlink == 0:  # e.g. /proc/self/fd/N of a deleted file: no name to replace
        raise OSError(errno.ENOENT, "names a deleted file: nothing to replace", name)
    if info.st_nlink > 1:
        raise OSError(
            errno.EMLINK,
            f"has {info.st_nlink} hard links: replacing it atomically would split them; write "
            "to another file (or to standard output) and copy it over",
            name,
        )
    return info


def _kind(mode: int) -> str:
    for test, words in (
        (stat.S_ISDIR, "directory"),
        (stat.S_ISFIFO, "FIFO (named pipe)"),
        (stat.S_ISCHR, "character device"),
        (stat.S_ISBLK, "block device"),
        (stat.S_ISSOCK, "socket"),
    ):
        if test(mode):
            return words
    return "special file"


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see either the old file or the whole new one.

    The data goes to a temporary file in the target's folder, is flushed to disk, then renamed
    over the target (see :func:`check_target` for which targets are refused). A replaced file
    keeps its mode, owner and group (if the owner cannot be kept the write is refused rather
    than locking the owner out); a new file gets the mode ``open()`` would give it
    (0666 minus the umask). On any failure, or an exception such as KeyboardInterrupt, the
    temporary file is removed and the target is untouched.
    """
    name = os.fspath(path)
    info = check_target(name)
    target = Path(os.path.realpath(name))
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as err:  # e.g. a read-only folder: name the target, not a temporary name
        raise type(err)(err.errno, err.strerror, name) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if info is None:
                os.fchmod(fd, 0o666 & ~_umask())
            else:
                _keep_owner(fd, info, name)
                os.fchmod(fd, stat.S_IMODE(info.st_mode))
            os.fsync(fd)
        check_target(name)  # again, just before the rename: still not a device, FIFO, link set
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _sync_folder(target.parent)


def _keep_owner(fd: int, info: os.stat_result, name: str) -> None:
    mine = os.fstat(fd)
    if (mine.st_uid, mine.st_gid) == (info.st_uid, info.st_gid):
        return
    try:
        os.fchown(fd, info.st_uid, info.st_gid)
    except PermissionError:
        raise PermissionError(
            errno.EPERM,
            f"cannot keep its owner and group ({info.st_uid}:{info.st_gid}) in a replacement; "
            "refusing to replace it",
            name,
        ) from None


def _sync_folder(folder: Path) -> None:
    """Make the rename durable (best effort: not every file system lets a folder be synced)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
