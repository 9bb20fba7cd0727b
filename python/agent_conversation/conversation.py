"""``Conversation``: a saved history as a sequence of typed messages.

Internally each message is a plain *record*, one form for every dialect: camelCase keys like
yoagent >= 0.13 (``stopReason``, ``usage.cacheRead``, ``errorMessage``, ``providerMetadata``),
plus phi-core's ``usage.reasoning`` and message metadata (``turnId``, ``nodeId``, ``parentId``,
``tags``, ``provenanceHint``) where present; only extension records have a ``kind`` key.
``conv[i]`` gives the message as a model of the generated pydantic models for its dialect, typed
as such when the dialect is known to the type checker (``Conversation[M]``, M the dialect's
message union: ``loads(text, typed_dialects.YOAGENT_0_22)``), else ``Any``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, overload

from .errors import Problem
from .record_names import BLOCK, CONTENT, MESSAGE, ROLE, STOP, USAGE_COUNTS

if TYPE_CHECKING:  # the default (PEP 696) matters to type checkers only
    import typing_extensions

    M = typing_extensions.TypeVar("M", default=Any)  # a dialect's union of generated models
else:
    M = TypeVar("M")


def now_ms() -> int:
    """The current time in milliseconds since the epoch, as the crates stamp messages."""
    return time.time_ns() // 1_000_000


def text_block(text: str) -> dict[str, Any]:
    return {BLOCK.type: CONTENT.text, BLOCK.text: text}


def _content(content: str | Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    if isinstance(content, str):
        return [text_block(content)]
    return [dict(block) for block in content]


class Conversation(Sequence[M]):
    """A saved conversation: records, the dialect it was read in, and round-trip notes.

    ``float_format`` (``ryu`` or ``zmij``) is the float layout every later write uses unless
    the caller names one: the writer the text showed (``float_format_detected``), else zmij,
    what a fresh build of any crate version resolves today. ``memory`` maps the floats that
    serde_json's restore reads differently from their literal to the value the agent held
    (``dumps(..., as_saved=True)``).
    """

    def __init__(
        self,
        records: Iterable[dict[str, Any]] | None = None,
        *,
        dialect: str | None = None,
        notes: list[Problem] | None = None,
        has_float: bool | None = None,
        wire: list[Any] | None = None,
        make_records: Callable[[], list[dict[str, Any]]] | None = None,
        float_format: str = "zmij",
        float_format_detected: bool = False,
        memory: dict[int, tuple[float, float]] | None = None,
    ) -> None:
        self._records: list[dict[str, Any]] | None = (
            list(records) if records is not None else None if make_records else []
        )
        self._make_records = make_records
        self.wire = wire  # the document as read, when it is exactly this dialect's wire form
        self.dialect = dialect
        self.notes: list[Problem] = notes or []
        self._has_float = has_float
        self._pristine = dialect is not None  # records exactly as the reader produced them
        self.float_format = float_format
        self.float_format_detected = float_format_detected
        self.memory: dict[int, tuple[float, float]] = memory or {}
        self._models: dict[int, Any] = {}

    # -- building ------------------------------------------------------------------------------
    @classmethod
    def new(cls) -> Conversation[Any]:
        return cls()

    def append(self, record: dict[str, Any]) -> dict[str, Any]:
        """Append a record (internal form); returns it."""
        self.records.append(record)
        self._touched()
        return record

    def add_user(
        self, content: str | Iterable[dict[str, Any]], *, timestamp: int | None = None
    ) -> dict[str, Any]:
        return self.append(
            {
                MESSAGE.role: ROLE.user,
                MESSAGE.content: _content(content),
                MESSAGE.timestamp: _ts(timestamp),
            }
        )

    def add_assistant(
        self,
        content: str | Iterable[dict[str, Any]],
        *,
        model: str,
        provider: str,
        stop_reason: str = STOP.stop,
        usage: dict[str, int] | None = None,
        timestamp: int | None = None,
        error_message: str | None = None,
    ) -> dict[str, Any]:
        usage_rec = dict.fromkeys(USAGE_COUNTS, 0)
        for key, value in (usage or {}).items():
            usage_rec[_camel(key)] = value
        record: dict[str, Any] = {
            MESSAGE.role: ROLE.assistant,
            MESSAGE.content: _content(content),
            MESSAGE.stop_reason: stop_reason,
            MESSAGE.model: model,
            MESSAGE.provider: provider,
            MESSAGE.usage: usage_rec,
            MESSAGE.timestamp: _ts(timestamp),
        }
        if error_message is not None:
            record[MESSAGE.error_message] = error_message
        return self.append(record)

    def add_tool_result(
        self,
        tool_call_id: str,
        tool_name: str,
        content: str | Iterable[dict[str, Any]],
        *,
        is_error: bool = False,
        timestamp: int | None = None,
    ) -> dict[str, Any]:
        return self.append(
            {
                MESSAGE.role: ROLE.tool_result,
                MESSAGE.tool_call_id: tool_call_id,
                MESSAGE.tool_name: tool_name,
                MESSAGE.content: _content(content),
                MESSAGE.is_error: is_error,
                MESSAGE.timestamp: _ts(timestamp),
            }
        )

    def add_extension(
        self, kind: str, data: Any = None, *, role: str = ROLE.extension
    ) -> dict[str, Any]:
        return self.append({MESSAGE.role: role, MESSAGE.kind: kind, MESSAGE.data: data})

    @property
    def records(self) -> list[dict[str, Any]]:
        """The messages in the internal record form (made on first use)."""
        if self._records is None:
            assert self._make_records is not None
            self._records = self._make_records()
        return self._records

    def _touched(self) -> None:
        self.wire = None
        self._pristine = False
        self._has_float = None
        self._models.clear()

    # -- reading -------------------------------------------------------------------------------
    def __len__(self) -> int:
        return (
            len(self.wire) if self._records is None and self.wire is not None else len(self.records)
        )

    @overload
    def __getitem__(self, index: int) -> M: ...

    @overload
    def __getitem__(self, index: slice) -> list[M]: ...

    def __getitem__(self, index: int | slice) -> M | list[M]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self.records)
        model: M | None = self._models.get(index)
        if model is None:
            from .typed import to_model

            model = to_model(self.records[index], self.dialect)
            self._models[index] = model
        return model

    def __iter__(self) -> Iterator[M]:
        for i in range(len(self.records)):
            yield self[i]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Conversation):
            return NotImplemented
        return self.records == other.records

    def __repr__(self) -> str:
        return f"<Conversation {len(self.records)} messages, dialect={self.dialect!r}>"

    def is_extension(self, index: int) -> bool:
        return MESSAGE.kind in self.records[index]

    @property
    def pristine(self) -> bool:
        return self._pristine

    @property
    def has_float(self) -> bool:
        if self._has_float is None:
            self._has_float = any(_has_float(r) for r in self.records)
        return self._has_float


def _has_float(value: Any) -> bool:
    if type(value) is float:
        return True
    if isinstance(value, dict):
        return any(_has_float(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_float(v) for v in value)
    return False


def _ts(timestamp: int | None) -> int:
    return now_ms() if timestamp is None else timestamp


def _camel(key: str) -> str:
    """The internal (record) name of a wire spelling (``cache_read`` → ``cacheRead``)."""
    from .codec.spec import IR_NAME

    return IR_NAME.get(key, key)
