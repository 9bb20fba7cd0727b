"""Reading and converting large saved conversations without holding their records.

Both walk the document element span by element span (:mod:`.codec.document`) and hand each
record to a *sink* as it is read; the dialect trials are the ones ``loads`` makes, in the same
order, so the verdicts are the same. Peak memory: the input's bytes, 16 bytes per element,
one batch of elements (about 1 MB of text, or one element if larger) and what the sink keeps
(the lint: open tool calls; the conversion: the output's bytes).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .codec.dialect_hints import likely_order
from .codec.document import parse, read
from .codec.read_result import ReadResult
from .codec.small_document import feed_small
from .conversion_losses import LossReport, gathered
from .conversion_options import ConvertOptions, Target, Unpack, check_keywords, target_of
from .errors import ConversationError, Loss, Problem


def read_stream(
    data: bytes, requested: str, make_sink: Callable[[str], Any], quick: bool = True
) -> tuple[ReadResult, Any]:
    """Read ``data`` as ``requested`` (``auto`` or a dialect), feeding each record to a sink
    made by ``make_sink(dialect)`` (one per dialect tried); the result and the chosen sink.

    ``quick``: a small document exactly as a crate wrote it is read by
    :func:`.codec.small_document.feed_small` (the same result; ``False`` is for the tests that
    show it)."""
    from .dialects import known_dialects, resolve

    auto = requested == "auto"
    small = feed_small(data, None if auto else resolve(requested), make_sink) if quick else None
    if small is not None:
        dialect, sink, fast = small
        return ReadResult(dialect, [], [], fast.has_float), sink
    from .api import _explain_auto
    from .best_reading import best_reading
    from .codec.parsed import BATCH_BYTES

    # one batch or less: keep it (parsed once for every dialect tried); else stream
    parsed = parse(data, keep=len(data) <= BATCH_BYTES)
    order = likely_order(parsed.head(), known_dialects()) if auto else [resolve(requested)]
    sinks: dict[str, Any] = {}

    def attempt(name: str, refused: ConversationError | None) -> ReadResult:
        sinks[name] = sink = make_sink(name)
        probe = [p.index for p in refused.problems] if refused else []
        return read(parsed, name, sink=sink, fail_fast=refused is not None, probe=probe)

    try:
        found = best_reading(order, attempt, lambda r: r.notes)
    except ConversationError as err:
        raise _explain_auto(err, order) if auto else err from None
    return found, sinks[found.dialect]


@dataclass(eq=False, repr=False)  # compared by identity; its payload may be large
class StreamedConversion(LossReport):
    """A conversion made batch by batch: the target's bytes (``payload``) and the losses, as
    :class:`~.conversion.ConversionResult` has them."""

    payload: bytearray
    losses: list[Loss]
    source: str
    target: str
    # the float layout was assumed (zmij: the input did not show its writer) and the output
    # holds a float that ryu and zmij write differently
    assumed: bool = False

    @property
    def text(self) -> str:
        return self.payload.decode("utf-8")


class _ConvertSink:
    """Converts the records of each batch as it ends, keeping only the output bytes.

    Floats are written as the agent held them (the batch's drifts give the values), in the
    layout asked for or, for ``auto``, the one the text showed so far (else zmij). A batch
    with a float from 1e16 on, while the layout is still unknown, is kept until a later batch
    shows it or the document ends (then zmij: ``assumed``).
    """

    def __init__(self, source: str, target: Target) -> None:
        self.source = source  # the dialect being tried
        self.target = target.dialect
        self.name = target.name
        self.mapping = target.mapping
        self.float_format = target.float_format
        self.records: list[dict[str, Any]] = []
        self.base = 0
        self.count = 0
        self.out = bytearray(b"[")
        self.writer_losses: list[Any] = []
        self.changes: list[Any] = []
        self.drift_losses: list[Any] = []
        self.style: str | None = None  # the layout the text showed (auto)
        self.waiting = False  # records kept: a big float and no layout known yet
        self.big = False  # a float from 1e16 on was written
        self.memory: dict[int, tuple[float, float]] = {}  # this part's drifts (as_saved)
        self.check: list[int] = []  # records whose floats the target's restore may change

    def __call__(self, index: int, record: dict[str, Any]) -> None:
        self.records.append(record)
        self.count += 1

    def floats(self, style: str | None, big: bool, drifts: list[Any], exact: list[int]) -> None:
        """The reader's float findings for the batch that ends next."""
        from .codec.floats import memory_of

        self.style = style
        self.memory.update(memory_of(drifts))
        self.check += [d.path[0] for d in drifts] + exact
        if big:
            self.big = True
            if style is None and self.float_format == "auto":
                self.waiting = True

    @property
    def assumed(self) -> bool:
        return self.float_format == "auto" and self.style is None and self.big

    def end_batch(self, final: bool = False) -> None:
        if not self.records:
            return
        if self.waiting and self.style is None and not final:
            return
        self.waiting = False
        from .codec.numbers import chosen_format
        from .codec.spec import get_spec
        from .conversation import Conversation
        from .conversion import _drifts, _map_stop_reasons, _writer_loss
        from .models.wire import REVISIONS
        from .rendering import render

        spec = get_spec(self.target)
        source_spec = get_spec(self.source) if self.source in REVISIONS else None
        mapped, changes = _map_stop_reasons(self.records, self.mapping, spec, self.name)
        conv = Conversation(mapped, dialect=None if changes else self.source)
        fmt, _ = chosen_format(self.float_format, self.style)
        memory = self.memory or None
        data, raw = render(conv, self.target, fmt, memory)
        base = self.base
        self.writer_losses += [
            _shift(_writer_loss(w.path, w.kind, mapped, source_spec, spec, self.name), base)
            for w in raw
        ]
        end = base + len(mapped)
        for i in sorted(set(self.check)):
            if base <= i < end:  # a finding about a record of a later part waits for it
                found = _drifts([mapped[i - base]], source_spec, self.name, fmt, memory)
                self.drift_losses += [_shift(loss, i) for loss in found]
        self.memory = {}
        self.check = [i for i in self.check if i >= end]
        self.changes += [_shift(c, base) for c in changes]
        body = data[1:-1]
        if len(self.out) > 1:
            self.out += b","
        self.out += body
        self.base += len(self.records)
        self.records = []


def _shift(loss: Any, base: int) -> Any:
    """A loss found in a batch whose first record is record ``base`` of the document."""
    if not base or loss.index is None:
        return loss
    index = loss.index + base
    path = loss.path
    if path and path[0] == loss.index:
        path = (index, *path[1:])
    return dataclasses.replace(loss, index=index, path=path)


def convert_stream(
    data: bytes, source: str, to: str, **options: Unpack[ConvertOptions]
) -> tuple[StreamedConversion, int]:
    """``convert(loads(data, source), to, ...)`` batch by batch: the same bytes and losses
    (raises the same ConversionRefused), without the whole document's records in memory."""
    from .conversion import _refuse_if_needed

    check_keywords("convert_stream", options, ConvertOptions)
    target = target_of(to, options)

    def make_sink(dialect: str) -> _ConvertSink:
        return _ConvertSink(dialect, target)

    result, sink = read_stream(data, source, make_sink)
    sink.end_batch(final=True)
    notes: list[Problem] = list(result.notes)
    losses = gathered(sink.writer_losses, notes, result.dialect, sink.drift_losses, sink.changes)
    _refuse_if_needed(losses, target.name, target.allow_loss)
    sink.out += b"]"
    conversion = StreamedConversion(sink.out, losses, result.dialect, target.dialect, sink.assumed)
    return conversion, sink.count
