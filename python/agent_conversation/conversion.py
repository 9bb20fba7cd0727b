"""Converting a conversation to another crate or version, with an explicit loss report.

``convert(conv, to)`` gives exactly the bytes the target version's ``save_messages()`` writes
for the converted history (``ConversionResult.text``), the converted ``Conversation`` and a list
of ``Loss`` entries. Without ``allow_loss`` any loss raises ``ConversionRefused`` (a
``ConversationError``) listing every one.

Key renames and reorderings are not losses (camel ↔ snake usage, ``errorMessage`` ↔
``error_message``, ``providerMetadata`` ↔ ``provider_metadata``, phi-core's sorted order).
Losses are what the target has no place for:

- ``providerMetadata`` into phi-core or yoagent 0.4 (kind ``field``); redacted reasoning
  (``redacted``, ``redactedProtocol``) into anything but yoagent >= 0.22 (``field``);
- phi-core's ``usage.reasoning`` when non-zero, into yoagent (``usage``);
- phi-core message metadata into yoagent, and newer metadata into older phi-core (``metadata``);
- stop reasons the target lacks (``stop-reason``): these cannot be dropped, so even with
  ``allow_loss`` they must be mapped (``stop_reason_map``); a mapped one is reported as a change
  (kind ``mapped``), not a loss;
- what the source carried but its own reader ignored: unknown keys (``unknown-key``) and
  malformed phi-core metadata (``metadata-dropped``), already gone when the file was read.

Floats: the output carries each float as the agent held it when the source was saved (the
value of its literal), in the source's float layout unless ``float_format`` says otherwise.
serde_json's float parsing is not correctly rounded: for about one 17-digit literal in ten it
reads a neighbouring value, so the target's ``restore_messages()`` changes that float and its
``save_messages()`` writes the changed value; no file the crate writes can hold such a value
through a restore + save. Each float of the converted text that the target's restore will
change is reported as a warning (kind ``float-drift``, pointer into the source),
which neither counts as a loss nor refuses the conversion. Everything else the converted text
holds the target re-saves byte for byte.

Pointers are RFC 6901 pointers into the *source* document, spelled with the source's own key
names (``/3/content/0/provider_metadata`` for a yoagent 0.9 file).

Session files (yoagent ``Session::to_jsonl``) convert entry by entry with ``convert_session``;
ids, parents, entry timestamps and labels are kept. Reading them is ``sessions.loads_session``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .api import _collector_paused, loads
from .codec.spec import Spec, get_spec
from .codec.wirefacts import STOP_KEY, is_extension_record
from .conversation import Conversation
from .conversion_losses import (
    DROPPED_NOTES,
    LossReport,
    _drifts,
    _dropped_note,
    _writer_loss,
    gathered,
    only_lost,
)
from .conversion_options import SavedConvertOptions, Target, Unpack, check_keywords, target_of
from .dialects import resolve
from .errors import ConversationError, Loss, Problem, lost
from .models.wire import REVISIONS
from .rendering import render
from .sessions.lines import MESSAGE as ENTRY_MESSAGE
from .sessions.lines import session_line

__all__ = [
    "ConversionRefused",
    "ConversionResult",
    "Loss",
    "SessionConversionResult",
    "convert",
    "convert_session",
]


class ConversionRefused(ConversationError):
    """The conversion would lose something; ``losses`` lists all of it (problems of kind loss)."""

    def __init__(self, losses: list[Loss], target: str, hint: str) -> None:
        self.losses = losses
        self.target = target
        self.hint = hint
        super().__init__([loss.problem() for loss in losses])


@dataclass(eq=False)
class ConversionResult(LossReport):
    """The converted conversation, the exact text the target writes, and what was lost.

    ``losses`` also holds the stop reasons mapped as asked (``kind == "mapped"``); ``lost`` and
    ``changed`` split the two. ``conversation`` is the text read back as the target (made on
    first use).
    """

    text: str
    losses: list[Loss]
    source: str | None
    target: str
    _conversation: Conversation | None = field(default=None, repr=False)

    @property
    def conversation(self) -> Conversation:
        if self._conversation is None:
            self._conversation = loads(self.text, self.target)
        return self._conversation

    def __repr__(self) -> str:
        return (
            f"<ConversionResult {self.source} → {self.target}: {len(self.lost)} lost, "
            f"{len(self.changed)} changed, {len(self.text)} characters>"
        )


def convert(
    conv: Conversation, to: str, **options: Unpack[SavedConvertOptions]
) -> ConversionResult:
    """Convert ``conv`` to dialect ``to`` (``yoagent@0.18.0``, ``phi-core``, ...).

    Options (:mod:`.conversion_options`): ``allow_loss``, ``stop_reason_map``, ``float_format``
    (``auto``: the conversation's own), ``as_saved``. Raises ``ConversionRefused`` (a
    ``ConversationError``) listing every loss unless ``allow_loss``; a stop reason the target
    lacks is refused even then unless ``stop_reason_map`` maps it (``{"refusal": "guardRail"}``).
    """
    check_keywords("convert", options, SavedConvertOptions)
    target = target_of(to, options)
    chosen = conv.float_format if target.float_format == "auto" else target.float_format
    with _collector_paused():
        text, losses = _convert_records(
            conv.records,
            conv.dialect,
            conv.notes,
            conv,
            target,
            chosen,
            conv.memory if target.as_saved else None,
        )
    _refuse_if_needed(losses, target.name, target.allow_loss)
    return ConversionResult(text, losses, conv.dialect, target.dialect)


# -- sessions -----------------------------------------------------------------------------------


class SessionConversionResult(ConversionResult):
    """A converted yoagent session: the exact ``Session::to_jsonl`` text, what was lost, and
    ``session`` (the text read back as the target, made on first use)."""

    @property
    def session(self) -> Any:  # sessions.Session
        if self._session is None:
            from .sessions import loads_session

            self._session = loads_session(self.text, self.target)
        return self._session

    _session: Any = None

    @property
    def conversation(self) -> Conversation:
        """The entries' messages, in file order, as one conversation of the target."""
        if self._conversation is None:
            records = [entry.message for entry in self.session.entries]
            self._conversation = Conversation(records, dialect=self.target)
        return self._conversation


def convert_session(
    session: Any, to: str, **options: Unpack[SavedConvertOptions]
) -> SessionConversionResult:
    """Convert a yoagent session (``sessions.loads_session``) to another yoagent version.

    Each entry's message is converted as in ``convert`` (the same options, floats too); ids,
    parents, entry timestamps and labels are kept. Loss pointers are inside the entry
    (``/message/...``), with its line.
    """
    from .dialects import has_sessions, sessions_from

    check_keywords("convert_session", options, SavedConvertOptions)
    resolve(to)  # an unknown dialect is refused before anything else
    if not has_sessions(to):
        raise ConversationError(
            f"{to} has no session files ({sessions_from()} and later write them); "
            "convert the messages as a conversation instead"
        )
    target = target_of(to, options)
    chosen = session.float_format if target.float_format == "auto" else target.float_format
    memory = session.memory if target.as_saved else None
    notes_by_entry: dict[int, list[Problem]] = {}
    losses: list[Loss] = []
    for note in session.notes:
        if note.index is not None and note.pointer.startswith(f"/{ENTRY_MESSAGE}"):
            notes_by_entry.setdefault(note.index, []).append(note)
        elif note.kind in DROPPED_NOTES:  # a key of the entry itself
            losses.append(_dropped_note(note, session.dialect, note.pointer, note.line))
    with _collector_paused():
        lines = _session_lines(session, notes_by_entry, target, (chosen, memory), losses)
    _refuse_if_needed(losses, target.name, target.allow_loss)
    return SessionConversionResult("\n".join(lines), losses, session.dialect, target.dialect)


def _session_lines(
    session: Any,
    notes_by_entry: dict[int, list[Problem]],
    target: Target,
    floats: tuple[str, dict[int, tuple[float, float]] | None],
    losses: list[Loss],
) -> list[str]:
    lines = []
    for index, entry in enumerate(session.entries):
        # The entry's message as a one-message conversation: its notes re-pointed to /0/...
        notes = [
            Problem(0, (0, *n.path[1:]), None, None, n.cause, n.kind, context=n.context)
            for n in notes_by_entry.get(index, [])
        ]
        text, entry_losses = _convert_records(
            [entry.message], session.dialect, notes, None, target, *floats
        )
        losses += [
            lost(
                index,
                f"/{ENTRY_MESSAGE}" + loss.pointer[2:],
                loss.what,
                loss.why,
                loss.kind,
                entry.line,
            )
            for loss in entry_losses
        ]
        lines.append(session_line(entry, text[1:-1]))
    return lines


# -- the work -----------------------------------------------------------------------------------


def _convert_records(
    records: list[dict[str, Any]],
    source: str | None,
    notes: list[Problem],
    conv: Conversation | None,
    target: Target,
    float_format: str,
    memory: dict[int, tuple[float, float]] | None = None,
) -> tuple[str, list[Loss]]:
    """The target's text for ``records`` (read as ``source``) and everything lost or changed;
    ``memory``: floats to write as the agent held them (``as_saved``)."""
    spec = get_spec(target.dialect)
    name = target.name
    source_spec = get_spec(source) if source in REVISIONS else None
    mapped, changes = _map_stop_reasons(records, target.mapping, spec, name)
    if changes or conv is None:
        conv = Conversation(mapped, dialect=None if changes else source)
    data, raw = render(conv, target.dialect, float_format, memory)
    text = data.decode()
    written = [_writer_loss(w.path, w.kind, mapped, source_spec, spec, name) for w in raw]
    drifts = _drifts(mapped, source_spec, name, float_format, memory) if conv.has_float else []
    return text, gathered(written, notes, source, drifts, changes)


def _refuse_if_needed(losses: list[Loss], target: str, allow_loss: bool) -> None:
    lost = only_lost(losses)
    if not lost:
        return
    # A message cannot be written without a stop reason the target has: allowing the loss is
    # not enough for those, they must be mapped.
    unmapped = [loss for loss in lost if loss.kind == "stop-reason"]
    to_map = "map the stop reasons (stop_reason_map / --map-stop-reason)"
    if not allow_loss:
        hints = []
        if len(unmapped) < len(lost):
            hints.append("allow the loss (allow_loss / --allow-loss)")
        if unmapped:
            hints.append(to_map)
        raise ConversionRefused(lost, target, " and ".join(hints))
    if unmapped:
        raise ConversionRefused(unmapped, target, to_map)


def _map_stop_reasons(
    records: list[dict[str, Any]], mapping: Mapping[str, str], spec: Spec, name: str
) -> tuple[list[dict[str, Any]], list[Loss]]:
    """Rename the stop reasons the target lacks as ``mapping`` says; report each change."""
    if not mapping:
        return records, []
    out = []
    changes = []
    for index, record in enumerate(records):
        reason = record.get(STOP_KEY)
        if (
            not is_extension_record(record)
            and isinstance(reason, str)
            and reason not in spec.stop_reasons
            and reason in mapping
        ):
            new = mapping[reason]
            record = {**record, STOP_KEY: new}
            changes.append(
                lost(
                    index,
                    f"/{index}/{STOP_KEY}",
                    f"stop reason {reason!r} written as {new!r}",
                    f"{name} has no {reason!r}; mapped as asked",
                    "mapped",
                )
            )
        out.append(record)
    return out, changes
