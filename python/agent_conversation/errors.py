"""The one error model: problems found in a saved conversation (or a config, event stream,
session file), the notes and losses of a round trip, and the exception that carries them.

A finding is data: where (``path``, a tuple of keys and indexes from the document root; the RFC
6901 ``pointer`` is derived from it), what (``kind``, one slug of the vocabulary in
``schema/problem-kinds.json``, which the fixtures' ``rule`` slugs use too), and the facts
(``cause``: a mapping such as ``{"key": "role"}`` or ``{"expected": "u32", "got_type":
"string", "got": "x"}``). Words are made at the edge, from ``kind`` and ``cause``
(:mod:`.wording`; ``str(problem)``, the CLI renderers), never by editing strings afterwards.

``Problem`` adds the message ``index``, the position (``line``/``column``, 1-based as serde_json
counts them, column in UTF-8 bytes), the ``dialect`` it was read as, and ``context``: the
sub-problems behind it (for serde's untagged ``AgentMessage``, both readings' failures, as
python-jsonschema keeps ``context``). :func:`best_match` picks the one to show.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import orjson

from . import wording
from ._lean_typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from typing import Any

PathPart = str | int
Path = tuple[PathPart, ...]
Cause = Mapping[str, "Any"]  # quoted: typing is not imported at run time

_KINDS_FILE = os.path.join(
    os.path.dirname(os.path.realpath(__file__)), "schema", "problem-kinds.json"
)


def _kinds_file() -> dict[str, Any]:
    with open(_KINDS_FILE, "rb") as file:  # orjson and os.path: no json or pathlib at start-up
        return orjson.loads(file.read())  # type: ignore[no-any-return]


KINDS: dict[str, str] = {kind: entry["meaning"] for kind, entry in _kinds_file()["kinds"].items()}
"""The one vocabulary of ``kind`` slugs, each with its one-line meaning."""

DETAIL = wording.DETAIL
"""The cause key of a cause that a module words itself (one sentence, shown as is)."""
WITHIN = wording.WITHIN
"""The cause key of a problem with readings: how many path parts lead to the value read."""

ARGUMENT = "argument"
ENCODING = "encoding"
FLOAT_DRIFT = "float-drift"
LOSS = "loss"
AUTO = "auto"
"""The cause key of a refusal after every dialect was tried (the first one's is shown)."""


def pointer(path: Iterable[object]) -> str:
    """RFC 6901 pointer for a path of keys and indexes."""
    out = []
    for part in path:
        out.append("/" + str(part).replace("~", "~0").replace("/", "~1"))
    return "".join(out)


def parse_pointer(text: str) -> Path:
    """The path of an RFC 6901 pointer; all-digit parts are read as array indexes."""
    if not text:
        return ()
    parts: list[PathPart] = []
    for raw in text[1:].split("/"):
        part = raw.replace("~1", "/").replace("~0", "~")
        parts.append(int(part) if part.isdigit() and str(int(part)) == part else part)
    return tuple(parts)


def element_index(path: Path) -> int | None:
    """The message index a path from the document root starts with (None if it does not)."""
    return path[0] if path and isinstance(path[0], int) else None


class Finding(Protocol):
    """What a note and a problem share: where, what, the facts, the sub-findings."""

    @property
    def path(self) -> Path: ...
    @property
    def kind(self) -> str: ...
    @property
    def cause(self) -> Cause: ...
    @property
    def context(self) -> Sequence[Finding]: ...


def _as_cause(cause: Cause | str | None) -> Cause:
    if cause is None:
        return {}
    if isinstance(cause, str):
        return {DETAIL: cause}
    return cause


class Note:
    """One finding inside a value: a path relative to what was read, a kind and its facts.

    The reader's notes (what loads but does not survive a round trip), the writer's losses (what
    a target dialect cannot carry) and the reasons of a refusal are all this one type; a
    ``Problem`` is a Note placed in a document (index, line, column, dialect).
    """

    __slots__ = ("path", "kind", "cause", "context")

    path: Path
    kind: str
    cause: Cause
    context: tuple[Note, ...]

    def __init__(
        self,
        path: Path,
        kind: str,
        cause: Cause | str | None = None,
        context: tuple[Note, ...] = (),
    ) -> None:
        self.path = path
        self.kind = kind
        self.cause = _as_cause(cause)
        self.context = context

    @property
    def message(self) -> str:
        return wording.words(self.kind, self.cause, self.context)

    def __repr__(self) -> str:
        return f"Note({self.path!r}, {self.kind!r}, {dict(self.cause)!r})"


WHAT, WHY = "what", "why"
"""The cause keys of a conversion's loss: what is lost (or changed), and why."""
MAPPED = "mapped"


@dataclass(frozen=True, init=False)
class Problem:
    """One problem (or, in ``Conversation.notes``, one round-trip observation) in a document.

    ``index`` is the message position (None for the document as a whole); ``path`` the keys and
    indexes from the document root; ``kind`` a slug of :data:`KINDS`; ``cause`` the facts the
    words are made from; ``context`` the sub-problems behind this one (see :func:`best_match`).
    A ``str`` given for ``path`` is read as a pointer, a ``str`` cause as worded by its maker
    (modules that word their own causes: records, sessions).
    """

    index: int | None
    path: Path
    line: int | None
    column: int | None
    cause: Cause = field(hash=False)
    kind: str
    dialect: str | None
    context: tuple[Problem, ...]

    def __init__(
        self,
        index: int | None,
        path: Path | str,
        line: int | None,
        column: int | None,
        cause: Cause | str | None = None,
        kind: str = "invalid",
        dialect: str | None = None,
        context: tuple[Problem, ...] = (),
    ) -> None:
        self.__dict__.update(  # a frozen dataclass, set once here
            index=index,
            path=parse_pointer(path) if isinstance(path, str) else tuple(path),
            line=line,
            column=column,
            cause=_as_cause(cause),
            kind=kind,
            dialect=dialect,
            context=context,
        )

    @classmethod
    def of(
        cls,
        index: int | None,
        note: Finding,
        line: int | None = None,
        column: int | None = None,
        *,
        base: Path = (),
        dialect: str | None = None,
        place: Callable[[Finding], tuple[int | None, int | None]] | None = None,
    ) -> Problem:
        """A note placed in a document: ``base`` + its path; ``place`` locates sub-notes."""
        context = tuple(
            cls.of(index, sub, *(place(sub) if place else (None, None)), base=base, dialect=dialect)
            for sub in note.context
        )
        cause = note.cause
        if base and WITHIN in cause:
            cause = {**cause, WITHIN: cause[WITHIN] + len(base)}
        return cls(index, (*base, *note.path), line, column, cause, note.kind, dialect, context)

    @property
    def pointer(self) -> str:
        return pointer(self.path)

    @property
    def message(self) -> str:
        """The cause in plain words, naming a dialect by its wire revision."""
        return self.words()

    def words(self, name_dialect: Callable[[str], str] | None = None) -> str:
        """The cause in plain words; ``name_dialect`` words a dialect (e.g. as crate versions)."""
        text = wording.words(self.kind, self.cause, self.context, name_dialect)
        if self.cause.get(AUTO) and self.dialect is not None:
            name = name_dialect(self.dialect) if name_dialect else self.dialect
            text += f" (read as {name}; no dialect accepts it)"
        return text

    # -- a conversion's loss (``lost()``) ---------------------------------------------------
    @property
    def what(self) -> str:
        """A loss: what is lost or changed (``""`` for other problems)."""
        return str(self.cause.get(WHAT, ""))

    @property
    def why(self) -> str:
        """A loss: why (``""`` for other problems)."""
        return str(self.cause.get(WHY, ""))

    @property
    def is_change(self) -> bool:
        """A stop reason mapped as asked (kind ``mapped``): changed, not lost."""
        return self.kind == MAPPED

    @property
    def is_warning(self) -> bool:
        """A float the crates' own restore changes (``float-drift``): kept, but worth knowing."""
        return self.kind == FLOAT_DRIFT

    def problem(self) -> Problem:
        """A loss as the problem of kind ``loss`` a refused conversion raises."""
        return Problem(self.index, self.path, self.line, None, self.cause, LOSS)

    def __str__(self) -> str:
        if WHAT in self.cause and self.kind != LOSS and self.line is not None:  # session entry
            where = f"line {self.line}"
        else:
            where = f"message {self.index}" if self.index is not None else "document"
        at = f" ({self.pointer})" if self.path else ""
        return f"{where}{at}: {self.message}"

    def to_dict(self, name_dialect: Callable[[str], str] | None = None) -> dict[str, object]:
        out: dict[str, object] = dict(
            index=self.index, pointer=self.pointer, path=list(self.path), line=self.line
        )
        if WHAT in self.cause:  # a conversion's loss
            out.update(kind=self.kind, what=self.what, why=self.why)
        else:
            out.update(column=self.column, message=self.words(name_dialect), kind=self.kind)
        if self.context:
            labels = list(self.cause.get("readings", ()))
            out["context"] = [
                {"reading": labels[i], **sub} if i < len(labels) else sub
                for i, sub in enumerate(p.to_dict(name_dialect) for p in self.context)
            ]
        return out


def lost(
    index: int | None,
    where: Path | str,
    what: str,
    why: str,
    kind: str = LOSS,
    line: int | None = None,
) -> Problem:
    """One thing a conversion loses (or, kind ``mapped``, changes): ``what`` and ``why``, at
    ``where`` in the source (a path or a pointer); ``line``: a session file entry's line."""
    return Problem(index, where, line, None, {WHAT: what, WHY: why}, kind)


Loss = Problem
"""A conversion's loss is a problem made by :func:`lost`."""


def best_match(problem: Problem) -> Problem:
    """The sub-problem to show for a problem with ``context`` (else the problem itself).

    The maker of a problem with several readings records which one it blames in
    ``cause["best"]`` (an index into ``context``); for serde's untagged ``AgentMessage`` that
    choice is :func:`.codec.reject.best_reading`. Without a record, the first reading.
    """
    if not problem.context:
        return problem
    best = problem.cause.get("best", 0)
    return problem.context[best if isinstance(best, int) and best < len(problem.context) else 0]


class ConversationError(ValueError):
    """A conversation could not be read, written or converted; ``problems`` says why."""

    def __init__(self, problems: Iterable[Problem] | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(None, (), None, None, problems, ARGUMENT)]
        self.problems: list[Problem] = list(problems)
        super().__init__(self._summary())

    def _summary(self) -> str:
        if not self.problems:
            return "invalid conversation"
        first = self.problems[0]
        text = str(first)
        if first.line is not None:
            text += f" at line {first.line} column {first.column}"
        more = len(self.problems) - 1
        return text + (f" (and {more} more problem{'s' if more > 1 else ''})" if more else "")


DOCUMENT_TYPES = (str, bytes, bytearray, memoryview)


def require_document(data: object) -> None:
    """A document is text or bytes; anything else (``None``, a list) is a programming error,
    so it raises TypeError (as ``json.loads(None)`` does), with a message naming the argument."""
    if not isinstance(data, DOCUMENT_TYPES):
        raise TypeError(
            f"the document must be str or bytes (or bytearray/memoryview), not "
            f"{type(data).__name__}"
        )


def decode_utf8(data: str | bytes) -> str:
    """A document's text; bytes that are not UTF-8 are a ConversationError with line:col."""
    if isinstance(data, str):
        return data
    try:
        return bytes(data).decode("utf-8")
    except UnicodeDecodeError as err:
        raw = bytes(data)
        line = raw.count(b"\n", 0, err.start) + 1
        column = err.start - (raw.rfind(b"\n", 0, err.start) + 1) + 1
        raise ConversationError(
            [Problem(None, (), line, column, {"byte": err.start}, ENCODING)]
        ) from None
