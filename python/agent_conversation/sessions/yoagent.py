"""yoagent session files (``Session::to_jsonl`` / ``from_jsonl``, yoagent >= 0.11).

One compact JSON object per line (:mod:`.lines`), lines joined by ``\\n``. ``from_jsonl`` splits
with ``str::lines`` (``\\n``, ``\\r\\n``), trims each line with ``str::trim`` (Unicode
White_Space) and skips blank ones, refuses a repeated id and a parent that no earlier line
defined. Problems carry the 1-based line number.

A file in the crate's own layout is read by the fast path (:mod:`.fast`: the codec reads the
messages span by span, the exact parser only where one needs it); anything else by the exact
reader (:mod:`.yoagent_exact`), which property tests prove gives the same results.
"""

from __future__ import annotations

from ..best_reading import best_reading
from ..codec.spec import get_spec
from ..codec.writer import write
from ..conversion_options import DumpOptions, Unpack, check_keywords
from ..dialects import has_sessions, known_dialects, resolve, sessions_from
from ..errors import ConversationError, Problem, decode_utf8, pointer, require_document
from .fast import read_fast
from .lines import MESSAGE, session_line
from .model import Session, SessionEntry
from .yoagent_exact import read_exact, with_floats

__all__ = [
    "Session",
    "SessionEntry",
    "dumps_session",
    "has_sessions",
    "loads_session",
    "session_dialects",
    "sessions_from",
]


def session_dialects() -> list[str]:
    """Revisions whose crate versions have sessions (SessionEntry's x-crate-versions), newest
    first."""
    from ..models.wire import REVISIONS

    return [name for name in reversed(known_dialects()) if REVISIONS[name]["session_versions"]]


def session_names(dialect: str) -> list[str]:
    """The revisions to try, in order, for ``auto`` or a named dialect."""
    return [resolve(dialect)] if dialect != "auto" else session_dialects()


def loads_session(
    data: str | bytes, dialect: str = "auto", *, float_format: str = "auto"
) -> Session:
    """Read a yoagent session file exactly as ``Session::from_jsonl`` does.

    Raises ConversationError listing every problem (the crate stops at the first).
    ``float_format`` as in :func:`agent_conversation.loads`.
    """
    require_document(data)
    from ..api import check_float_format

    check_float_format(float_format)
    names = session_names(dialect)
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else bytes(data)
    fast = read_fast(raw, names, float_format)
    if fast is not None:
        return fast
    return loads_session_exact(data, names, float_format)


def loads_session_exact(data: str | bytes, names: list[str], float_format: str) -> Session:
    """The exact reader over the whole file (the reference the fast path is tested against)."""
    text = decode_utf8(data)
    best = best_reading(names, lambda name, _: read_exact(text, name), lambda s: s.notes)
    return with_floats(best, float_format)


def dumps_session(
    session: Session, dialect: str | None = None, **options: Unpack[DumpOptions]
) -> str:
    """The exact text ``Session::to_jsonl`` writes for these entries.

    ``float_format`` and ``as_saved`` as in :func:`agent_conversation.dumps` (``auto``: the
    session's own ``float_format``).
    """
    from ..api import check_float_format

    check_keywords("dumps_session", options, DumpOptions)
    float_format = options.get("float_format", "auto")
    check_float_format(float_format)
    chosen = session.float_format if float_format == "auto" else float_format
    memory = session.memory if options.get("as_saved", False) else None
    target = resolve(dialect) if dialect else session.dialect
    spec = get_spec(target)
    lines = []
    problems: list[Problem] = []
    for index, entry in enumerate(session.entries):
        data, losses = write(
            [entry.message], spec, has_float=True, float_format=chosen, memory=memory or None
        )
        text = data.decode()
        problems += [
            Problem(
                index,
                f"/{MESSAGE}" + pointer(loss.path[1:]),
                entry.line or None,
                None,
                loss.message,
                "loss",
            )
            for loss in losses
        ]
        lines.append(session_line(entry, text[1:-1]))
    if problems:
        raise ConversationError(problems)
    return "\n".join(lines)
