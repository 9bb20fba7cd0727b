"""What every exchange format shares: the result types, the fill-in options, the loss rules.

Export losses come in two groups. ``losses`` are content the format cannot carry (thinking text
sent to OpenAI, extension records, images in an OpenAI tool result, a failed tool result's
``isError``, ...): the export is refused unless ``allow_loss``, as ``convert`` refuses.
``omitted`` is message bookkeeping that no provider request carries at all (timestamps, model,
provider, usage, stop reasons, error messages, phi-core metadata, assistant turns the API would
reject as empty): reported, never refused, since no export to that format could keep them.

Import reports ``filled``: what the crate needs but the document lacks (timestamps, model,
provider, usage, stop reasons, tool names), taken from ``Fill`` or defaulted, each named.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

from ..codec.numbers import format_f64
from ..conversion import ConversionRefused, ConversionResult, Loss
from ..conversion_losses import show
from ..errors import ConversationError, lost
from ..record_names import BLOCK, MESSAGE, PHI_METADATA, ROLE

OMITTED = "omitted"
FILLED = "filled"

# The bookkeeping keys of a message record no provider request carries: the message's own
# (pydantic-ai's responses keep them) and phi-core's metadata.
MESSAGE_BOOKKEEPING = (
    MESSAGE.timestamp,
    MESSAGE.model,
    MESSAGE.provider,
    MESSAGE.usage,
    MESSAGE.stop_reason,
    MESSAGE.error_message,
)
BOOKKEEPING = (*MESSAGE_BOOKKEEPING, *PHI_METADATA)


def json_text(value: Any, float_format: str = "ryu") -> str:
    """``value.to_string()`` as serde_json writes it: compact, keys sorted, its float layout."""
    return orjson.dumps(
        _fragments(value, float_format == "zmij"), option=orjson.OPT_SORT_KEYS
    ).decode()


def _fragments(value: Any, plus: bool) -> Any:
    if type(value) is float:
        return orjson.Fragment(format_f64(value, plus))
    if isinstance(value, dict):
        return {k: _fragments(v, plus) for k, v in value.items()}
    if isinstance(value, list):
        return [_fragments(v, plus) for v in value]
    return value


def document_text(document: Any, float_format: str = "ryu") -> str:
    """A document as compact JSON (keys in the order built), floats in serde_json's layout."""
    return orjson.dumps(_fragments(document, float_format == "zmij")).decode()


class Report:
    """Collects losses (refused unless allowed), omitted bookkeeping and filled-in values."""

    def __init__(self, fmt: str) -> None:
        self.fmt = fmt
        self.losses: list[Loss] = []
        self.omitted: list[Loss] = []
        self.filled: list[Loss] = []
        self.current: tuple[int | None, str] = (None, "")  # where the records made now come from
        self.origins: list[tuple[int | None, str]] = []  # per imported record: (index, pointer)

    def at(self, index: int | None, here: str) -> None:
        """The records appended from now on come from ``here`` in the document."""
        self.current = (index, here)

    def records(self) -> Records:
        return Records(self)

    def lose(self, index: int | None, here: str, what: str, why: str, kind: str) -> None:
        self.losses.append(lost(index, here, what, why, kind))

    def lose_extension(
        self, index: int, record: dict[str, Any], *, sent_by_the_crates: bool = True
    ) -> bool:
        """Whether ``record`` is an extension record, which no format has a place for (a loss)."""
        if MESSAGE.kind not in record:
            return False
        why = f"{self.fmt} has no place for it"
        if not sent_by_the_crates:
            why += " (the crates do not send it either)"
        what = f"extension record (kind {record[MESSAGE.kind]!r})"
        self.lose(index, f"/{index}", what, why, ROLE.extension)
        return True

    def sendable(
        self,
        records: list[dict[str, Any]],
        *,
        sent_by_the_crates: bool = True,
        keep: tuple[str, ...] = (),
    ) -> Iterator[tuple[int, dict[str, Any], str]]:
        """The records an export carries, each with its index and role: an extension record is
        a loss, each bookkeeping key but ``keep`` an omission (:meth:`bookkeeping`)."""
        for index, record in enumerate(records):
            if self.lose_extension(index, record, sent_by_the_crates=sent_by_the_crates):
                continue
            role = record[MESSAGE.role]
            self.bookkeeping(index, record, keep)
            yield index, record, role

    def lose_call_metadata(
        self, index: int, here: str, block: dict[str, Any], calls: str = "tool calls"
    ) -> None:
        """A tool call's provider metadata, which no provider request carries (a loss)."""
        if BLOCK.provider_metadata in block:
            self.lose(
                index,
                here + "/" + BLOCK.provider_metadata,
                "tool call provider metadata",
                f"{self.fmt} {calls} have no place for it",
                "field",
            )

    def lose_tool_name(
        self, index: int, record: dict[str, Any], calls: dict[str, str], why: str
    ) -> None:
        """A tool result's tool name, unless an earlier call (``calls``: id to name) with its id
        names it: the format's tool results carry no name (a loss)."""
        if calls.get(record[MESSAGE.tool_call_id]) != record[MESSAGE.tool_name]:
            self.lose(
                index,
                f"/{index}/{MESSAGE.tool_name}",
                f"`{MESSAGE.tool_name}` = {record[MESSAGE.tool_name]!r}",
                why,
                "tool-name",
            )

    def omit(self, index: int | None, here: str, what: str, why: str) -> None:
        self.omitted.append(lost(index, here, what, why, OMITTED))

    def reorder(self, index: int, here: str, what: str, why: str) -> None:
        """Kept, but at another place (kind ``order``)."""
        self.omitted.append(lost(index, here, what, why, "order"))

    def fill(self, index: int | None, here: str, what: str, why: str) -> None:
        self.filled.append(lost(index, here, what, why, FILLED))

    def bookkeeping(self, index: int, record: dict[str, Any], keep: tuple[str, ...] = ()) -> None:
        """Name each bookkeeping key of ``record`` the format has no place for."""
        for key in BOOKKEEPING:
            if key in record and key not in keep:
                self.omit(
                    index,
                    f"/{index}/{key}",
                    f"`{key}` = {show(record[key])}",
                    f"{self.fmt} messages have no such field",
                )


class Records(list):  # type: ignore[type-arg]
    """Imported records, remembering for each where in the document it came from."""

    def __init__(self, report: Report) -> None:
        super().__init__()
        self.report = report

    def append(self, record: Any) -> None:
        super().append(record)
        self.report.origins.append(self.report.current)


def refuse_if_needed(losses: list[Loss], target: str, allow_loss: bool) -> None:
    if losses and not allow_loss:
        raise ConversionRefused(losses, target, "allow the loss (allow_loss / --allow-loss)")


@dataclass
class ExportResult:
    """An exported document (``document``: plain JSON; ``text``: its file form), what did not
    fit (``losses``, refused unless allowed) and the bookkeeping the format has no field for
    (``omitted``, always reported)."""

    format: str
    document: Any
    text: str
    source: str | None
    losses: list[Loss] = field(default_factory=list)
    omitted: list[Loss] = field(default_factory=list)

    @property
    def lost(self) -> list[Loss]:
        return self.losses

    @property
    def changed(self) -> list[Loss]:
        return []


class ImportResult(ConversionResult):
    """An imported history: the target's exact bytes (``text``), ``losses`` (what the target
    cannot hold, refused unless allowed), ``filled`` (what the document lacked and was filled)."""

    def __init__(
        self, result: ConversionResult, fmt: str, losses: list[Loss], filled: list[Loss]
    ) -> None:
        super().__init__(result.text, losses, fmt, result.target)
        self.filled = filled


@dataclass(frozen=True)
class Fill:
    """Values an import writes where the document has none (each use is reported as filled).

    ``start_time``: timestamp (ms) of the first message (default 0); later ones count up by
    ``step`` ms so that phi-core, which sorts by timestamp, keeps the order.
    ``model``/``provider`` for assistant messages; ``stop_reason`` for an assistant turn whose
    document gives none (by default ``toolUse`` when it calls tools, else ``stop``).
    """

    start_time: int | None = None
    step: int = 1
    model: str | None = None
    provider: str | None = None
    stop_reason: str | None = None

    def timestamp(self, index: int) -> int:
        base = self.start_time if self.start_time is not None else 0
        return base + index * self.step


def check_float_format(float_format: str) -> None:
    from ..api import check_float_format as check

    check(float_format)


def expect(condition: bool, index: int | None, here: str, message: str) -> None:
    """Reject a malformed document with the place and the reason."""
    if not condition:
        from ..errors import Problem

        raise ConversationError([Problem(index, here, None, None, message, "format")])


def as_mapping(value: Any, index: int | None, here: str, what: str) -> Mapping[str, Any]:
    expect(isinstance(value, dict), index, here, f"{what} must be a JSON object")
    return value
