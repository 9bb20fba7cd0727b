"""phi-core session documents (``save_session``: ``serde_json::to_writer_pretty(Session)``).

Per revision: 0.8 loop records carry ``events`` (``[{sequence, event: AgentEvent}]``), later
ones do not (so phi-core 0.8.0 refuses a 0.15 document: ``missing field `events```); 0.9+ turns
may carry ``request_payload``. Every message array, single message and event inside is read with
the message rules of that version. Written back byte for byte in ``to_string_pretty``'s layout.
Nested types kept as read (``raw``): a turn's ``request_payload`` and a loop's ``metadata``-like
free parts are checked as JSON only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ..codec.jsonparse import parse_value
from ..codec.reader import Reject
from ..dialects import crate_version, in_range, resolve
from ..errors import ConversationError, Problem, pointer
from ..models.wire import REVISIONS
from .event_models import _crates, model_of
from .jsontext import locate, parse_record, to_json_pretty
from .model import Model, ModelReader
from .tables import SESSIONS
from .types import Session

# Names of the session schemas' own types and keys (the phi-core session layout, not messages).
_LOOP, _TURN, _EVENT = "LoopRecord", "Turn", "AgentEvent"
_LOOPS, _EVENTS, _TURNS, _EVENT_KEY = "loops", "events", "turns", "event"
_MESSAGE_TAG = REVISIONS[resolve("phi-core")]["unions"]["Message"]["tag"]  # what marks a message

SESSION_VERSIONS = tuple(reversed(_crates(SESSIONS)["phi-core"]))  # newest first
# Which crate versions save each layout: 0.7-0.8 (loop events, no request payloads), 0.9-0.10
# (loop events, TurnRequest events, turn request payloads; 0.10.0 checked; there is no 0.11),
# 0.12-0.15 (no loop events; 0.15.2 checked, 0.12-0.14 assumed).
LAYOUT_VERSIONS = {"0.8.0": "0.7.0–0.8.x", "0.10.0": "0.9.0–0.10.x", "0.15.2": "0.12.0–0.15.x"}


@cache
def session_model(version: str) -> Model:
    """The model of a ``save_session`` document of a modeled phi-core version (``0.8.0``)."""
    name = f"phi-core@{version}"
    return model_of(name, SESSIONS[name])


@dataclass
class PhiSessionDocument:
    """A phi-core session read as one crate version (``version``) reads it."""

    version: str  # "0.8.0" or "0.15.2": the session layout it was read as
    value: Session  # the written form (what save_session would write after loading)
    notes: list[Problem] = field(default_factory=list)

    @property
    def dialect(self) -> str:
        return f"phi-core@{self.version}"


def _versions(dialect: str) -> list[str]:
    if dialect == "auto":
        return list(SESSION_VERSIONS)
    try:
        crate, version = crate_version(dialect)
    except ValueError as err:
        raise ConversationError(str(err)) from None
    if crate != "phi-core":
        raise ConversationError(f"{dialect}: session documents are phi-core's")
    if version is None:
        return [SESSION_VERSIONS[0]]
    for modeled in SESSION_VERSIONS:
        if in_range(version, SESSIONS[f"phi-core@{modeled}"]["versions"]):
            return [modeled]
    oldest = SESSIONS[f"phi-core@{SESSION_VERSIONS[-1]}"]["versions"][0].lstrip(">=")
    if in_range(version, [f"<{oldest}"]):
        raise ConversationError(f"{dialect}: session documents are modeled from phi-core {oldest}")
    return [SESSION_VERSIONS[0]]  # newer than any modeled version: read as the newest


def loads_phi_document(data: str | bytes, dialect: str = "auto") -> PhiSessionDocument:
    """Read a whole phi-core session document as ``load_session`` of that version does.

    ``auto`` tries phi-core 0.15.2's layout, then 0.8.0's. Problems carry a JSON pointer from
    the document root and serde's line/column.
    """
    text = data if isinstance(data, str) else bytes(data).decode("utf-8", "surrogateescape")
    root = parse_record(text, "the document")
    return read_phi_document(root, text, _versions(dialect))


def read_phi_document(
    root: Any,
    text: str | bytes,
    versions: list[str],
    memo: dict[int, Any] | None = None,
    locate_problems: bool = True,
    written: bool = True,
) -> PhiSessionDocument:
    """Read an already parsed document under the first of ``versions`` whose layout fits.

    ``memo``: messages already read (kept between calls on the same tree); the problem is
    placed (a parse of the whole text) only when no version reads it and ``locate_problems``.
    ``written=False``: only the verdict is wanted (the messages in ``value`` stay records).
    """
    first: tuple[str, Reject] | None = None
    for version in versions:
        model, name = session_model(version), SESSIONS[f"phi-core@{version}"]["root"]
        missing = None if locate_problems else _missing_field(model, root, name, ())
        if missing is not None:  # the verdict, without reading the messages before it
            first = first or (version, missing)
            continue
        reader = ModelReader(model, memo, written)
        try:
            value = reader.read(root, name, ())
        except Reject as why:
            first = first or (version, why)
            continue
        return PhiSessionDocument(version, value)
    assert first is not None
    version, refused = first
    words = f"{refused.message} (phi-core {version})"
    if not locate_problems:
        where = pointer(refused.path)
        raise ConversationError([Problem(None, where, None, None, words, refused.kind)])
    if isinstance(text, bytes):
        text = text.decode("utf-8", "surrogateescape")
    raise ConversationError([locate(text, refused.path, words, refused.kind)])


def _missing_field(
    model: Model, raw: Any, name: str, path: tuple[Any, ...], depth: int = 2
) -> Reject | None:
    """A field serde requires that the struct ``name`` at ``raw`` lacks, or one of the structs
    in its list fields ``depth`` levels down (a loop's ``events`` for phi-core 0.8): the
    document is refused whatever else it holds. None: not known without reading it all."""
    fields = model.structs.get(name)
    if fields is None or type(raw) is not dict:
        return None
    for f in fields:
        value = raw.get(f.name, raw)  # raw itself: absent
        if value is raw:
            if not f.has_default and not (isinstance(f.type, tuple) and f.type[0] == "opt"):
                return Reject(path, f"missing field `{f.name}`", "missing-key")
        elif (
            depth
            and isinstance(f.type, tuple)
            and f.type[0] == "vec"
            and f.type[1] in model.structs
            and type(value) is list
        ):
            for i, item in enumerate(value):
                found = _missing_field(model, item, f.type[1], (*path, f.name, i), depth - 1)
                if found is not None:
                    return found
    return None


def dumps_phi_document(doc: PhiSessionDocument, float_format: str = "ryu") -> str:
    """What ``save_session`` writes for this document (no newline at the end)."""
    return to_json_pretty(doc.value, float_format)


def convert_phi_document(
    doc: PhiSessionDocument, target: str
) -> tuple[PhiSessionDocument, list[Problem]]:
    """The same session laid out for another phi-core version, and what that loses.

    0.7–0.8 documents need loop ``events`` (a newer document gets none: ``[]``, which 0.8 loads);
    going down drops what the target's tables have no place for (turn ``request_payload``,
    ``TurnRequest`` events, message ``provenanceHint`` from 0.9), each a loss; going up keeps
    events only where the target layout has them.
    """
    (version,) = _versions(target)
    model = session_model(version)
    loop_keys = {f.name for f in model.structs[_LOOP]}
    turn_keys = {f.name for f in model.structs[_TURN]}
    events = model.enums.get(_EVENT)  # None: this layout has no loop events
    dropped_metadata = _metadata(doc.version) - _metadata(version)
    losses: list[Problem] = []
    value = json.loads(to_json_pretty(doc.value))  # a plain copy of the written form
    for i, loop in enumerate(value.get(_LOOPS, [])):
        has_events = events is not None and _EVENTS in loop_keys
        if has_events and _EVENTS not in loop:
            loop[_EVENTS] = []
            losses.append(Problem(None, f"/{_LOOPS}/{i}", None, None,
                                  "no loop events to carry: written as []", "added"))  # fmt: skip
        if not has_events and loop.get(_EVENTS):
            dropped = f"{len(loop[_EVENTS])} loop events dropped"
            losses.append(Problem(None, f"/{_LOOPS}/{i}/{_EVENTS}", None, None, dropped, "loss"))
        if events is not None:
            kept = []
            for j, entry in enumerate(loop.get(_EVENTS, [])):
                kind = entry.get(_EVENT_KEY, {}).get(events.tag)
                if kind in events.variants:
                    kept.append(entry)
                else:
                    losses.append(Problem(None, f"/{_LOOPS}/{i}/{_EVENTS}/{j}", None, None,
                                          f"{kind} event dropped", "loss"))  # fmt: skip
            loop[_EVENTS] = kept
        for j, turn in enumerate(loop.get(_TURNS, [])):
            for key in [k for k in turn if k not in turn_keys]:
                losses.append(Problem(None, f"/{_LOOPS}/{i}/{_TURNS}/{j}/{key}", None, None,
                                      f"{key} dropped", "loss"))  # fmt: skip
        losses += _metadata_losses(loop, f"/{_LOOPS}/{i}", dropped_metadata, version)
    text = json.dumps(value)
    reader = ModelReader(session_model(version))
    try:
        converted = reader.read(parse_value(text), SESSIONS[model.name]["root"], ())
    except Reject as why:
        raise ConversationError(
            [Problem(None, pointer(why.path), None, None, why.message, why.kind)]
        ) from None
    return PhiSessionDocument(version, converted), losses


def _metadata(version: str) -> set[str]:
    """The message metadata keys a modeled phi-core version writes (conversation tables)."""
    return set(REVISIONS[resolve(f"phi-core@{version}")]["metadata"])


def _metadata_losses(value: Any, where: str, keys: set[str], version: str) -> list[Problem]:
    """Message metadata keys the target version has no place for, wherever a message holds one."""
    out: list[Problem] = []
    if isinstance(value, dict):
        if _MESSAGE_TAG in value:
            for key in sorted(keys & set(value)):
                why = f"{key} has no place in phi-core {version} messages"
                out.append(Problem(None, f"{where}/{key}", None, None, why, "loss"))
        for key, item in value.items():
            out += _metadata_losses(item, f"{where}/{key}", keys, version)
    elif isinstance(value, list):
        for k, item in enumerate(value):
            out += _metadata_losses(item, f"{where}/{k}", keys, version)
    return out
