"""``AgentEvent`` of each crate version, as :mod:`.model` tables.

The tables are generated from the schemas (``schema/<crate>/events/<revision>/``, wire and
reader views) into ``tables.json`` (loaded by :mod:`.tables`) by
``scripts/generate_record_tables.py``; this module turns them into :class:`~.model.Model`
objects. yoagent (from 0.13; 0.12 events are not serializable): tagged by ``type`` in camelCase,
fields camelCase. phi-core: tagged by ``type`` in PascalCase, fields snake_case, every event
carries ``loop_id``; 0.9+ adds ``TurnRequest`` (so 0.8 cannot read 0.15's streams).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from ..codec.spec import get_spec
from ..dialects import crate_version, in_range, parse_version, resolve
from .model import Enum, F, Model
from .tables import EVENTS


def _crates(tables: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """{crate: its modeled versions, oldest first}."""
    out: dict[str, list[str]] = {}
    for name in tables:
        crate, _, version = name.partition("@")
        out.setdefault(crate, []).append(version)
    return {crate: tuple(sorted(vs, key=parse_version)) for crate, vs in out.items()}


# The crate versions whose events are modeled (each stands for its schema's revision), oldest
# first, and the crate versions each one's revision covers.
EVENT_VERSIONS = _crates(EVENTS)
EVENT_RANGES: dict[str, list[str]] = {name: entry["versions"] for name, entry in EVENTS.items()}


def _type(kind: Any) -> Any:
    if isinstance(kind, list):
        head, *rest = kind
        return (head, *(_type(r) if i == 0 else r for i, r in enumerate(rest)))
    return kind


def _empty(skip: Any, default: Any) -> Callable[[Any], bool]:
    """The ``is_empty()`` of a key omitted when empty: equal to its default, or (a struct with
    ``x-empty-when``) each of the named keys absent or at its default."""
    when = skip["when"] if isinstance(skip, dict) else None

    def empty(value: Any) -> bool:
        if when is None:
            return bool(value == default)
        return all(value.get(k, d) == d for k, d in when.items())

    return empty


def _fields(rows: list[list[Any]]) -> list[F]:
    out = []
    for name, kind, has_default, default, skip in rows:
        omit: Any = True if skip == "absent" else _empty(skip, default) if skip else False
        out.append(F(name, _type(kind), default, has_default, omit))
    return out


def model_of(name: str, entry: dict[str, Any]) -> Model:
    """The :class:`Model` of one generated table entry (``name``: ``phi-core@0.8.0``)."""
    structs = {k: _fields(rows) for k, rows in entry["structs"].items()}
    enums = {
        k: Enum(
            {
                v: _fields(x) if isinstance(x, list) and x and isinstance(x[0], list) else _type(x)
                for v, x in e["variants"].items()
            },
            e["tag"],
            dict(e["aliases"]),
        )  # fmt: skip
        for k, e in entry["enums"].items()
    }
    return Model(get_spec(resolve(name)), structs, enums, name)


def event_version(dialect: str) -> str:
    """``yoagent@0.20.1`` → the modeled version it is read as (its revision's)."""
    crate, version = crate_version(dialect)
    versions = EVENT_VERSIONS.get(crate)
    if versions is None:
        raise ValueError(f"unknown crate {crate!r}")
    if version is None:
        return f"{crate}@{versions[-1]}"
    for v in versions:
        if in_range(version, EVENT_RANGES[f"{crate}@{v}"]):
            return f"{crate}@{v}"
    first = versions[0]
    if in_range(version, [f"<{first}"]):
        raise ValueError(
            f"{dialect}: {crate} events are serializable from {first}"
            + (" (yoagent 0.12's AgentEvent has no Serialize)" if crate == "yoagent" else "")
        )
    return f"{crate}@{versions[-1]}"  # newer than any modeled version: read as the newest


@cache
def event_model(name: str) -> Model:
    """The model of ``AgentEvent`` for a modeled crate version (``phi-core@0.8.0``)."""
    return model_of(name, EVENTS[name])


def history_roles(name: str) -> dict[str, dict[str, str]]:
    """{event tag: its ``x-history`` annotation} for a modeled crate version."""
    return EVENTS[name]["history"]  # type: ignore[no-any-return]


def revert_rule(name: str) -> dict[str, Any]:
    """How phi-core's ``apply_revert`` tags the target, from the RevertApplied event's
    ``x-revert-tag`` annotation: ``kinds`` (tag kind per category), ``breadcrumb``,
    ``decaying``, ``skip_tools``, ``keys`` {part: key} and ``holders`` {part: [tag key, value]}."""
    return EVENTS[name]["revert"]  # type: ignore[no-any-return]
