"""Configuration types end to end: ``loads_config`` / ``dumps_config`` and detection by content.

``loads_config(text, dialect, type=None)`` accepts exactly what the crate version's
``serde_json::from_str::<T>`` accepts; ``dumps_config`` writes exactly what
``serde_json::to_string`` writes (``--float-format zmij`` for serde_json >= 1.0.147). The crates
write these types only with ``to_string`` (as parts of their own structs, e.g. phi-core's session
config snapshot); they read no TOML of them.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ..codec.reader import Note, Reject
from ..errors import ConversationError, Problem, decode_utf8, pointer
from .config_read import ConfigReader
from .config_spec import CONFIG_TYPES, config_revisions, config_spec, resolve_config
from .config_write import ConfigWriter
from .jsontext import locate, parse_record
from .types import ConfigValue


@cache
def _hints() -> dict[str, tuple[str, ...]]:
    """{configuration type: every key any revision writes at its top level (the strategy: its
    tag and its variants' keys)}, from the wire tables: the keys that name a type when seen."""
    out: dict[str, dict[str, None]] = {name: {} for name in CONFIG_TYPES}
    for revision in config_revisions():
        spec = config_spec(revision)
        for name, keys in out.items():
            if name in spec.structs:
                keys.update(dict.fromkeys(f.name for f in spec.structs[name].fields))
            elif spec.has(name):
                keys[spec.strategy_tag] = None
                for variant in spec.strategy_variants.values():
                    keys.update(dict.fromkeys(f.name for f in variant.fields))
    return {name: tuple(keys) for name, keys in out.items()}


class RecordWarning(UserWarning):
    """A value was written that the crate would not read back as it was."""


@dataclass
class Config:
    """One configuration value: its type, the revision it was read as, and its record."""

    type: str
    dialect: str  # the configuration revision, e.g. "yoagent@0.18"
    value: ConfigValue  # the written form (generated TypedDicts, records/types.py)
    notes: list[Problem] = field(default_factory=list)


def config_hints(value: Any) -> list[str]:
    """The configuration types a parsed top-level object looks like, best first."""
    if not isinstance(value, dict):
        return []
    scores = [(sum(k in value for k in keys), name) for name, keys in _hints().items()]
    return [name for score, name in sorted(scores, key=lambda s: -s[0]) if score]


def loads_config(data: str | bytes, dialect: str = "auto", type: str | None = None) -> Config:
    """Read one configuration value as the crate version reads it.

    ``dialect``: ``auto`` or ``crate@version`` (``yoagent@0.18.1``); ``type``: one of
    ``CacheConfig``, ``ToolExecutionStrategy``, ``ContextConfig``, ``ExecutionLimits``, or None
    to judge by content. With ``auto`` the revision chosen is the newest whose writer gives back
    the same bytes, else the one with the fewest notes.
    """
    if type is not None and type not in CONFIG_TYPES:
        raise ConversationError(
            f"unknown configuration type {type!r}: use one of {', '.join(CONFIG_TYPES)}"
        )
    text = decode_utf8(data)
    value = parse_record(text, "the value")
    revisions = config_revisions() if dialect == "auto" else [resolve_config(dialect)]
    types = [type] if type else _candidate_types(value)
    best: tuple[tuple[int, int], Config] | None = None
    failure: tuple[str, str, Reject] | None = None
    for type_name in types:
        for revision in revisions:
            spec = config_spec(revision)
            if not spec.has(type_name):
                continue
            reader = ConfigReader(spec)
            try:
                record = reader.read(value, type_name)
            except Reject as why:
                if failure is None:
                    failure = (type_name, revision, why)
                continue
            config = Config(type_name, revision, record, _notes(text, reader.notes))
            exact = dumps_config(config, warn=False) == text.strip(" \t\r\n")
            rank = (0 if exact else 1, len(config.notes))
            if best is None or rank < best[0]:
                best = (rank, config)
            if rank == (0, 0):
                return config
        if best is not None:
            return best[1]
    if failure is None:
        raise ConversationError(f"{dialect} has no configuration type {type}")
    type_name, revision, reason = failure
    message = reason.message
    if not type and len(types) > 1 and not config_hints(value):
        message = f"not one of the configuration types ({', '.join(types)}); as {type_name}: "
        message += reason.message
    problem = locate(text, reason.path, f"{message} ({type_name}, {revision})", reason.kind)
    raise ConversationError([problem])


def _candidate_types(value: Any) -> list[str]:
    hinted = config_hints(value)
    return hinted + [t for t in CONFIG_TYPES if t not in hinted] if hinted else list(CONFIG_TYPES)


def _notes(text: str, notes: list[Note]) -> list[Problem]:
    return [locate(text, n.path, n.message, n.kind) for n in notes]


def dumps_config(
    config: Config | Any,
    dialect: str | None = None,
    type: str | None = None,
    float_format: str = "ryu",
    warn: bool = True,
) -> str:
    """Write a configuration value exactly as ``serde_json::to_string`` does in that version.

    ``config``: a :class:`Config` (its revision and type are used unless given) or a record
    (then ``dialect`` and ``type`` are required). Values the crate cannot read back as they
    were (NaN or infinite floats, written as ``null``) raise a :class:`RecordWarning`.
    """
    if isinstance(config, Config):
        record, revision, type_name = config.value, config.dialect, config.type
        if dialect is not None:
            revision = resolve_config(dialect)
        type_name = type or type_name
    else:
        if dialect is None or type is None:
            raise ConversationError("dumps_config needs dialect= and type= for a bare record")
        record, revision, type_name = config, resolve_config(dialect), type
    spec = config_spec(revision)
    if not spec.has(type_name):
        raise ConversationError(f"{revision} has no configuration type {type_name}")
    # Check the record the way the crate would read it back (a hand-built one may be wrong).
    writer = ConfigWriter(spec, float_format)
    try:
        text = writer.write(record, type_name)
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise ConversationError(f"not a {type_name} record for {revision}: {err!r}") from None
    if not isinstance(config, Config) and not writer.warnings:
        try:  # a hand-built record: the crate must be able to read what we wrote
            loads_config(text, revision, type_name)
        except ConversationError as err:
            raise ConversationError(
                [Problem(None, p.pointer, None, None, f"the record is not a valid {type_name}: "
                         + p.message, p.kind) for p in err.problems]
            ) from None  # fmt: skip
    if warn:
        for note in writer.warnings:
            warnings.warn(
                f"{pointer(note.path) or '/'}: {note.message}", RecordWarning, stacklevel=2
            )
    return text


def write_warnings(config: Config, float_format: str = "ryu") -> list[Problem]:
    """What writing ``config`` would lose (non-finite floats written as null)."""
    writer = ConfigWriter(config_spec(config.dialect), float_format)
    writer.write(config.value, config.type)
    return [Problem(None, pointer(n.path), None, None, n.message, n.kind) for n in writer.warnings]
