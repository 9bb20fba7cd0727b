"""The words of a conversion's losses: each loss the writer found, in the source's terms.

``convert`` (:mod:`.conversion`) finds what the target cannot carry (the writer's losses, the
reader's dropped notes, floats the target's restore changes); this module says each one as a
``Loss``: where (an RFC 6901 pointer spelled with the *source's* key names), what (the value,
cut to a few characters) and why.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from .codec.numbers import format_f64, is_simple_literal, parse_literal
from .codec.spec import CONTENT_TAG, MESSAGE_TAG, Spec
from .codec.wirefacts import CONTENT_KEY, USAGE_KEY, USAGE_TYPE, is_extension_record
from .errors import Loss, Problem, element_index, lost, pointer
from .models.wire import REVISIONS

# Reader notes that mean "the source carried this, and it is gone".
DROPPED_NOTES = ("unknown-key", "metadata-dropped")


def only_lost(losses: list[Loss]) -> list[Loss]:
    """What is gone: neither a change made as asked nor a float warning."""
    return [loss for loss in losses if not loss.is_change and not loss.is_warning]


class LossReport:
    """A conversion's ``losses``, split: ``lost``, ``warnings``, ``changed``."""

    losses: list[Loss]

    @property
    def lost(self) -> list[Loss]:
        return only_lost(self.losses)

    @property
    def warnings(self) -> list[Loss]:
        """Floats of the converted text the target's restore changes (kind ``float-drift``)."""
        return [loss for loss in self.losses if loss.is_warning]

    @property
    def changed(self) -> list[Loss]:
        """Stop reasons mapped as asked (kind ``mapped``)."""
        return [loss for loss in self.losses if loss.is_change]


def _writer_loss(
    path: tuple[Any, ...],
    kind: str,
    records: list[dict[str, Any]],
    source: Spec | None,
    target: Spec,
    name: str,
) -> Loss:
    """A loss the writer found, in the source's words: its key names, the value, the reason."""
    index = element_index(path)
    value = _at(records, path)
    key = str(path[-1]) if path else ""
    wire_path = _source_path(path, records, source)
    here = pointer(wire_path)
    shown = wire_path[-1] if wire_path else key
    if kind == "stop-reason":
        return lost(
            index,
            here,
            f"stop reason {value!r}",
            f"{name} has no such stop reason (it has {', '.join(target.stop_order)}); "
            "map it with stop_reason_map / --map-stop-reason",
            kind,
        )
    if kind == USAGE_TYPE:  # the writer names a usage loss by its type
        return lost(
            index,
            here,
            f"usage `{shown}` = {show(value)}",
            f"{name}'s usage has no such count",
            kind,
        )
    if kind == "metadata":
        return lost(
            index, here, f"`{shown}` = {show(value)}", _metadata_why(key, target, name), kind
        )
    if kind == "field":
        block = _at(records, path[:-1])
        btype = block.get(CONTENT_TAG, "?") if isinstance(block, dict) else "?"
        return lost(
            index,
            here,
            f"`{shown}` = {show(value)}",
            f"{name}'s {btype} block has no such field",
            kind,
        )
    return lost(index, here, f"`{shown}`", f"{name} needs it ({kind})", kind)


def _metadata_why(key: str, target: Spec, name: str) -> str:
    if not any(rev["metadata"] for rev in REVISIONS.values() if rev["crate"] == target.crate):
        return f"{name} messages carry no phi-core metadata"
    first = next(
        (
            revision
            for revision, rev in REVISIONS.items()
            if rev["crate"] == "phi-core" and key in rev["metadata"]
        ),
        None,
    )
    since = f" (it arrived in {first})" if first else ""
    return f"{name} messages have no `{key}`{since}"


def _dropped_note(note: Problem, source: str | None, here: str, line: int | None = None) -> Loss:
    key = here.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")
    read_as = source or "the source"
    if note.kind == "unknown-key":
        what, why = f"unknown key `{key}`", f"{read_as} ignores it; dropped when the file was read"
    else:
        what, why = f"malformed `{key}`", f"{read_as} dropped it on reading ({note.message})"
    return lost(note.index, here, what, why, note.kind, line)


def gathered(
    written: list[Loss],
    notes: list[Problem],
    source: str | None,
    drifts: list[Loss],
    changes: list[Loss],
) -> list[Loss]:
    """A conversion's losses in record order: the writer's (``written``), the reader's dropped
    ``notes`` (read as ``source``), the float ``drifts`` whose float is written, the stop
    reasons mapped as asked (``changes``)."""
    losses = list(written)
    losses += [
        _dropped_note(note, source, note.pointer)
        for note in notes
        if note.kind in DROPPED_NOTES and not _null_metadata(note)
    ]
    losses += _not_lost(drifts, losses)
    losses += changes
    losses.sort(key=lambda loss: -1 if loss.index is None else loss.index)
    return losses


def _not_lost(drifts: list[Loss], losses: list[Loss]) -> list[Loss]:
    """The float-drift warnings whose float is written (not inside a value the target lost)."""
    lost = {loss.pointer for loss in only_lost(losses)}
    if not lost:
        return drifts
    out = []
    for drift in drifts:
        at = drift.pointer
        while at and at not in lost:
            at = at.rpartition("/")[0]
        if not at:
            out.append(drift)
    return out


def _drifts(
    records: list[dict[str, Any]],
    source: Spec | None,
    target: str,
    float_format: str,
    memory: dict[int, tuple[float, float]] | None,
) -> list[Loss]:
    """The floats of the converted text that the target's restore reads differently."""
    out: list[Loss] = []
    plus = float_format == "zmij"

    def walk(value: Any, path: tuple[Any, ...]) -> None:
        if type(value) is float:
            held = memory.get(id(value)) if memory else None
            if held is not None and held[0] is value:
                value = held[1]
            text = format_f64(value, plus)
            if is_simple_literal(text):
                return
            restored = parse_literal(text)
            if restored != value:
                index = path[0]
                out.append(
                    lost(
                        index,
                        pointer(_source_path(path, records, source)),
                        f"float {text}",
                        f"{target} restores it as {format_f64(float(restored), plus)} "
                        "(serde_json's float parsing is not correctly rounded) and then saves "
                        "that",
                        "float-drift",
                    )
                )
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(item, (*path, key))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, (*path, i))

    for index, record in enumerate(records):
        walk(record, (index,))
    return out


def _null_metadata(note: Problem) -> bool:
    """A phi-core metadata key given as null carries nothing: absent either way, not a loss.

    The reader reports it as ``metadata-dropped`` whose reason is the value ``null``.
    """
    reason = note.cause.get("reason")
    return (
        note.kind == "metadata-dropped"
        and isinstance(reason, Mapping)
        and reason.get("got_type") == "null"
        and "expected" not in reason
    )


def _at(records: list[dict[str, Any]], path: tuple[Any, ...]) -> Any:
    value: Any = records
    for part in path:
        try:
            value = value[part]
        except (KeyError, IndexError, TypeError):
            return None
    return value


def _source_path(
    path: tuple[Any, ...], records: list[dict[str, Any]], source: Spec | None
) -> tuple[Any, ...]:
    """``path`` (internal key names) spelled as the source dialect writes it."""
    if source is None or len(path) < 2 or not isinstance(path[0], int):
        return path
    record = _at(records, path[:1])
    if not isinstance(record, dict) or is_extension_record(record):
        return path
    out = list(path)
    out[1] = _wire(source, record.get(MESSAGE_TAG), path[1])
    if path[1] == USAGE_KEY and len(path) >= 3:
        out[2] = _wire(source, USAGE_TYPE, path[2])
    elif path[1] == CONTENT_KEY and len(path) >= 4:
        block = _at(records, path[:3])
        if isinstance(block, dict):
            out[3] = _wire(source, block.get(CONTENT_TAG), path[3])
    return tuple(out)


def _wire(spec: Spec, tname: Any, ir: Any) -> Any:
    tspec = spec.types.get(tname) if isinstance(tname, str) else None
    if tspec is not None:
        for f in tspec.fields:
            if f.ir == ir:
                return f.wire
    return ir


def show(value: Any, limit: int = 60) -> str:
    """``value`` as compact JSON with sorted keys, cut to ``limit`` characters."""
    try:
        text = orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
    except TypeError:
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
