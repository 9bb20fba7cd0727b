"""Problems found in a saved conversation, and the exception that carries them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem (or, in ``Conversation.notes``, one round-trip observation).

    ``index`` is the message position (None for the document as a whole), ``pointer`` an RFC 6901
    JSON pointer from the document root, ``line``/``column`` 1-based as serde_json counts them
    (column in UTF-8 bytes), ``message`` plain words, ``kind`` a short slug.
    """

    index: int | None
    pointer: str
    line: int | None
    column: int | None
    message: str
    kind: str = "invalid"

    def __str__(self) -> str:
        where = f"message {self.index}" if self.index is not None else "document"
        pointer = f" ({self.pointer})" if self.pointer else ""
        return f"{where}{pointer}: {self.message}"

    def to_dict(self) -> dict[str, object]:
        return {
            "index": self.index,
            "pointer": self.pointer,
            "line": self.line,
            "column": self.column,
            "message": self.message,
            "kind": self.kind,
        }


class ConversationError(ValueError):
    """A conversation could not be read, written or converted; ``problems`` says why."""

    def __init__(self, problems: Iterable[Problem] | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(None, "", None, None, problems, "usage")]
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


def pointer(path: Iterable[object]) -> str:
    """RFC 6901 pointer for a path of keys and indexes."""
    out = []
    for part in path:
        out.append("/" + str(part).replace("~", "~0").replace("/", "~1"))
    return "".join(out)


DOCUMENT_TYPES = (str, bytes, bytearray, memoryview)


def require_document(data: object) -> None:
    """A document is text or bytes; anything else (``None``, a list) is a programming error,
    so it raises TypeError (as ``json.loads(None)`` does), with a message naming the argument."""
    if not isinstance(data, DOCUMENT_TYPES):
        raise TypeError(
            f"the document must be str or bytes (or bytearray/memoryview), not "
            f"{type(data).__name__}"
        )
