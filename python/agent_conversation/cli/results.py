"""What ``validate-conversation`` checks a file with (:class:`Options`) and what it found
(:class:`FileResult`), shared by the checks, the records' checks and the reporters."""

from __future__ import annotations

from .._lean_typing import NamedTuple
from ..errors import Problem


class Options(NamedTuple):
    kind: str | None = None  # --type
    dialect: str = "auto"  # as the user wrote it
    strict: bool = False
    canonical: bool = False
    float_format: str = "auto"  # --float-format: auto (the file's own, else zmij), ryu, zmij


class FileResult:
    """What checking one input found (a plain class: one is made per file, and a dataclass
    would cost the command line's start-up more than all its uses)."""

    def __init__(
        self,
        name: str,
        kind: str = "conversation",
        dialect: str | None = None,  # the wire revision it was read as (or was to be read as)
        *,
        fatal: str | None = None,  # unreadable input (exit code 2)
        is_file: bool = True,  # a path on disk (GitHub annotations can point at it)
        requested: str = "auto",  # the dialect the user asked for
    ) -> None:
        self.name = name
        self.kind = kind
        self.dialect = dialect
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []
        self.info: list[str] = []  # remarks that are neither (never fail)
        self.fatal = fatal
        self.is_file = is_file
        self.unit = "message"  # what Problem.index counts: messages, or a session's entries
        self.requested = requested

    def __repr__(self) -> str:
        return f"FileResult({self.name!r}, {self.kind!r}, {self.dialect!r})"

    @property
    def valid(self) -> bool:
        return self.fatal is None and not self.errors

    def name_dialect(self, revision: str) -> str:
        """How a problem names the dialect it was read as: the crate version the user asked
        for, or the versions of the detected revision (``yoagent 0.18.0``)."""
        from .naming import dialect_words

        return dialect_words(revision, self.requested) if revision == self.dialect else revision
