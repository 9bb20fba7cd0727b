"""Writing a loaded or hand-built conversation for one dialect: bytes and what is lost."""

from __future__ import annotations

from typing import Any

import orjson

from .codec.numbers import DEFAULT_FLOAT_FORMAT
from .codec.reader import Reader, Reject
from .codec.spec import get_spec, internal_spec
from .codec.writer import ORJSON_WRITES_ZMIJ, write
from .conversation import Conversation
from .errors import LOSS, ConversationError, Note, Problem, element_index


def render(
    conv: Conversation,
    target: str,
    float_format: str = DEFAULT_FLOAT_FORMAT,
    memory: dict[int, tuple[float, float]] | None = None,
) -> tuple[bytes, list[Note]]:
    """Write ``conv`` for ``target``, returning its UTF-8 bytes and what could not be carried.

    ``memory`` (``conv.memory``): write those floats as the agent held them (``as_saved``).
    """
    spec = get_spec(target)
    if conv.wire is not None and conv.pristine and conv.dialect == target and not memory:
        # read as exactly this dialect's wire form. orjson writes floats as zmij does; ryu
        # differs only by the `+` of a positive exponent: without `e+` the text is the same.
        out = orjson.dumps(conv.wire)
        if not conv.has_float or (
            ORJSON_WRITES_ZMIJ and (float_format == "zmij" or b"e+" not in out)
        ):
            return out, []
    records, has_float = conv.records, conv.has_float
    if not conv.pristine:
        records, has_float = validate_records(conv.records)
    passthrough = conv.pristine and conv.dialect == target and _identity_names(target)
    return write(
        records,
        spec,
        has_float,
        passthrough=passthrough,
        float_format=float_format,
        memory=memory or None,
    )


def validate_records(records: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], bool]:
    """Check hand-built records by the same serde rules, normalising free values."""
    reader = Reader(internal_spec())
    out: list[dict[str, Any]] = []
    problems: list[Problem] = []
    for index, record in enumerate(records):
        try:
            out.append(reader.message(record, index))
        except Reject as why:
            problems.append(Problem.of(index, why.note))
    if problems:
        raise ConversationError(problems)
    unknown = [n for n in reader.notes if n.kind == "unknown-key"]
    if unknown:
        raise ConversationError([Problem.of(element_index(n.path), n) for n in unknown])
    return out, reader.has_float


def _identity_names(dialect: str) -> bool:
    spec = get_spec(dialect)
    return all(f.wire == f.ir for t in spec.types.values() for f in t.fields)


def loss_problems(losses: list[Note], target: str) -> list[Problem]:
    return [
        Problem(
            element_index(loss.path),
            loss.path,
            None,
            None,
            {"target": target, "loss_kind": loss.kind, "loss": loss.cause},
            LOSS,
        )
        for loss in losses
    ]
