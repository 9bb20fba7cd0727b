"""What ``validate-conversation`` checks a file with (:class:`Options`) and what it found
(:class:`FileResult`), shared by the checks, the records' checks and the reporters."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import Problem


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
    requested: str = "auto"  # the dialect the user asked for

    @property
    def valid(self) -> bool:
        return self.fatal is None and not self.errors

    def name_dialect(self, revision: str) -> str:
        """How a problem names the dialect it was read as: the crate version the user asked
        for, or the versions of the detected revision (``yoagent 0.18.0``)."""
        from .naming import dialect_words

        return dialect_words(revision, self.requested) if revision == self.dialect else revision
