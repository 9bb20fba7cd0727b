"""Semantic lint of a history: what every crate loads but is probably a mistake.

- ``orphan-result``: a tool result that answers no earlier tool call;
- ``unanswered-call``: a tool call no tool result answers;
- ``time-backwards``: a timestamp earlier than the previous message's;
- ``image-mime`` / ``image-data``: an image whose ``mimeType`` is not ``image/*`` or whose data
  is not base64.

``lint(records)`` checks a whole history (``Conversation.records``, or a session tree with
``parents``); :class:`Linter` is the same fed one record at a time (what ``validate-conversation``
uses while streaming). Each finding is a :class:`~agent_conversation.errors.Problem` (a warning:
the crates load the file) with the message index and a JSON pointer::

    from agent_conversation.lint import lint
    for problem in lint(ac.load("conversation.json").records):
        print(problem)
"""

from __future__ import annotations

from collections.abc import Sequence

from ._lean_typing import TYPE_CHECKING
from .codec.wirefacts import EXTENSION_ONLY_KEYS, is_extension_record
from .errors import Problem
from .record_names import BLOCK, CONTENT, MESSAGE, ROLE

if TYPE_CHECKING:
    from typing import Any

__all__ = ["Linter", "lint"]

# The record names lint reads (every dialect's records use the same ones), from the tables.
TIMESTAMP, ROLE_KEY, CALL_ID, CONTENT_KEY = (
    MESSAGE.timestamp,
    MESSAGE.role,
    MESSAGE.tool_call_id,
    MESSAGE.content,
)
TYPE, ID, MIME_TYPE, DATA = BLOCK.type, BLOCK.id, BLOCK.mime_type, BLOCK.data
TOOL_RESULT, TOOL_CALL, IMAGE = ROLE.tool_result, CONTENT.tool_call, CONTENT.image
_IMAGE_PREFIX = "image/"


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

    def feed(self, i: int, rec: dict[str, Any]) -> None:
        if not EXTENSION_ONLY_KEYS.isdisjoint(rec):  # an extension record
            return
        out, calls, open_calls, last = self.out, self.calls, self.open, self.last_ts
        ts = rec[TIMESTAMP]
        if last is not None and ts < last:
            out.append(_backwards(i, ts, last))
        self.last_ts = ts
        if rec[ROLE_KEY] == TOOL_RESULT:
            call = calls.get(rec[CALL_ID])
            if call is None:
                out.append(_orphan(i, rec[CALL_ID]))
            else:
                open_calls.pop(call, None)
        for j, block in enumerate(rec[CONTENT_KEY]):
            kind = block[TYPE]
            if kind == TOOL_CALL:
                call_id = block[ID]
                calls[call_id] = (i, j)
                open_calls[(i, j)] = call_id
            elif kind == IMAGE:
                _lint_image(block, i, j, out)

    __call__ = feed  # a sink of the streaming reader

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
                    f"/{CONTENT_KEY}/{j}/{ID}",
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
        is_message = not is_extension_record(rec)
        if not entering:
            if is_message:
                for block in rec[CONTENT_KEY]:
                    if block[TYPE] == TOOL_CALL:
                        active[block[ID]].pop()
            continue
        stack.append((i, False, last_ts))
        if is_message:
            ts = rec[TIMESTAMP]
            if last_ts is not None and ts < last_ts:
                out.append(_backwards(i, ts, last_ts))
            if rec[ROLE_KEY] == TOOL_RESULT:
                found = active.get(rec[CALL_ID])
                if found:
                    answered.add(found[-1])
                else:
                    out.append(_orphan(i, rec[CALL_ID]))
            for j, block in enumerate(rec[CONTENT_KEY]):
                if block[TYPE] == TOOL_CALL:
                    active.setdefault(block[ID], []).append((i, j))
                    every_call.append((i, j, block[ID]))
                elif block[TYPE] == IMAGE:
                    _lint_image(block, i, j, out)
            last_ts = ts
        for child in reversed(children[i]):
            stack.append((child, True, last_ts))
    _report_unanswered(every_call, answered, out)


def _backwards(i: int, ts: int, last_ts: int) -> Problem:
    return _warn(
        i,
        f"/{TIMESTAMP}",
        f"timestamp {ts} is earlier than the previous message's {last_ts}",
        "time-backwards",
    )


def _orphan(i: int, call_id: str) -> Problem:
    return _warn(
        i,
        f"/{CALL_ID}",
        f"tool result for {call_id!r} matches no earlier tool call",
        "orphan-result",
    )


def _warn(index: int, rest: str, message: str, kind: str) -> Problem:
    return Problem(index, f"/{index}{rest}", None, None, message, kind)


def _lint_image(block: dict[str, Any], i: int, j: int, out: list[Problem]) -> None:
    mime = block[MIME_TYPE]
    if not mime.startswith(_IMAGE_PREFIX) or len(mime) <= len(_IMAGE_PREFIX):
        out.append(
            _warn(
                i,
                f"/{CONTENT_KEY}/{j}/{MIME_TYPE}",
                f"mimeType {mime!r} is not image/*",
                "image-mime",
            )
        )
    import base64  # only images need it: a run over text-only histories never loads it
    import binascii

    try:
        base64.b64decode(block[DATA], validate=True)
    except (binascii.Error, ValueError):
        out.append(
            _warn(i, f"/{CONTENT_KEY}/{j}/{DATA}", "image data is not valid base64", "image-data")
        )
