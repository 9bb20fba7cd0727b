"""Converting a conversation to another crate or version, with an explicit loss report.

Key renames and reorderings are not losses (camel ↔ snake usage, ``errorMessage`` ↔
``error_message``, ``providerMetadata`` ↔ ``provider_metadata``, phi-core's sorted order). Losses
are what the target has no place for: ``providerMetadata`` into phi-core or yoagent 0.4,
phi-core's ``reasoning`` and message metadata into yoagent, redacted reasoning into yoagent
< 0.22, stop reasons the target lacks (unless mapped), and unknown keys the source carried
(already dropped when it was read, so reported from ``conv.notes``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .api import render
from .codec.spec import get_spec
from .conversation import Conversation
from .dialects import resolve
from .errors import ConversationError, Problem, pointer


@dataclass(frozen=True)
class Loss:
    """One thing that does not survive the conversion."""

    index: int | None
    pointer: str
    what: str
    why: str

    def __str__(self) -> str:
        where = f"message {self.index}" if self.index is not None else "document"
        return f"{where} ({self.pointer}): {self.what} — {self.why}"


@dataclass
class ConversionResult:
    """The converted conversation, the exact text the target writes, and what was lost."""

    conversation: Conversation
    text: str
    losses: list[Loss] = field(default_factory=list)


def convert(
    conv: Conversation,
    to: str,
    *,
    allow_loss: bool = False,
    stop_reason_map: Mapping[str, str] | None = None,
    float_format: str = "ryu",
) -> ConversionResult:
    """Convert ``conv`` to dialect ``to``; refuse (ConversationError) if anything would be lost
    unless ``allow_loss``. ``stop_reason_map`` renames stop reasons the target lacks."""
    target = resolve(to)
    records = conv.records
    changed: list[Loss] = []
    if stop_reason_map:
        records, changed = _map_stop_reasons(records, stop_reason_map, target)
    source = Conversation(records, dialect=conv.dialect if not changed else None)
    if not changed and conv.dialect is not None:
        source = conv
    text, raw_losses = render(source, target, float_format)
    losses = [_loss(loss.path, loss.message, loss.kind) for loss in raw_losses]
    losses += [
        Loss(note.index, note.pointer, "an unknown key", f"dropped when read as {conv.dialect}")
        for note in conv.notes
        if note.kind in ("unknown-key", "metadata-dropped")
    ]
    if losses and not allow_loss:
        raise ConversationError(
            [
                Problem(loss.index, loss.pointer, None, None, f"{loss.what}: {loss.why}", "loss")
                for loss in losses
            ]
        )
    if raw_losses:
        # Write what the target can carry: re-read the text the writer produced without them.
        text = _write_lossy(source, target, float_format)
    from .api import loads

    result = loads(text, target)
    return ConversionResult(result, text, changed + losses)


WHY = {
    "metadata": "the target's messages have no such key",
    "field": "the target's content block has no such key",
    "usage": "the target's usage has no such count",
    "stop-reason": "the target has no such stop reason (map it with stop_reason_map)",
    "missing": "the record lacks a key the target requires",
}


def _loss(path: tuple[Any, ...], message: str, kind: str) -> Loss:
    index = path[0] if path and isinstance(path[0], int) else None
    return Loss(index, pointer(path), message, WHY.get(kind, kind))


def _map_stop_reasons(
    records: list[dict[str, Any]], mapping: Mapping[str, str], target: str
) -> tuple[list[dict[str, Any]], list[Loss]]:
    allowed = get_spec(target).stop_reasons
    for source_reason, target_reason in mapping.items():
        if target_reason not in allowed:
            raise ConversationError(
                f"--map-stop-reason {source_reason}={target_reason}: {target} has no stop reason "
                f"{target_reason!r} (it has {', '.join(sorted(allowed))})"
            )
    out = []
    changed = []
    for index, record in enumerate(records):
        reason = record.get("stopReason")
        if (
            "kind" not in record
            and isinstance(reason, str)
            and reason in mapping
            and reason not in allowed
        ):
            record = {**record, "stopReason": mapping[reason]}
            changed.append(
                Loss(
                    index,
                    f"/{index}/stopReason",
                    f"stop reason {reason!r} written as {mapping[reason]!r}",
                    "mapped as asked",
                )
            )
        out.append(record)
    return out, changed


def _write_lossy(conv: Conversation, target: str, float_format: str) -> str:
    """The target's bytes for what it can carry: strip what it has no place for, then write."""
    spec = get_spec(target)
    stripped = [_strip(record, spec) for record in conv.records]
    text, losses = render(Conversation(stripped), target, float_format)
    assert not losses, losses
    return text


def _strip(record: dict[str, Any], spec: Any) -> dict[str, Any]:
    if "kind" in record:
        return record
    role = record["role"]
    fields = {f.ir for f in spec.types[role].fields} | {"role"} | set(spec.metadata)
    out = {k: v for k, v in record.items() if k in fields}
    if "usage" in out:
        usage_fields = {f.ir for f in spec.types["usage"].fields}
        out["usage"] = {k: v for k, v in out["usage"].items() if k in usage_fields}
    if "content" in out:
        blocks = []
        for block in out["content"]:
            names = {f.ir for f in spec.types[block["type"]].fields} | {"type"}
            blocks.append({k: v for k, v in block.items() if k in names})
        out["content"] = blocks
    if "stopReason" in out and out["stopReason"] not in spec.stop_reasons:
        raise ConversationError(
            f"stop reason {out.get('stopReason')!r} has no equivalent in {spec.name}; "
            "map it with stop_reason_map / --map-stop-reason"
        )
    return out
