"""A small serde model: derived structs and enums described as tables, read and written exactly.

Types are strings or tuples:

- scalars ``str``, ``u64``, ``u32``, ``bool``, ``f64``, ``f32``, ``datetime`` (chrono
  ``DateTime<Utc>``: RFC 3339 text), ``value`` (``serde_json::Value``: keys sorted when written),
  ``raw`` (kept as given: a nested type this package does not model, re-written as read);
- crate types read with the message rules: ``agent_message``, ``message`` (an LLM message only),
  ``content`` (a content list), ``usage``;
- ``("opt", T)`` (null reads as None), ``("vec", T)``, ``("map", T)`` (string keys);
- a name in :class:`Model.structs` or :class:`Model.enums`.

A struct is a list of :class:`F` (wire name, type, flags): ``default`` (may be missing; the
default is written), ``skip`` (``skip_serializing_if = "Option::is_none"``; a missing Option
loads as None anyway). An enum is :class:`Enum`: externally tagged unless ``tag`` is set; a
variant is ``None`` (unit), a type (newtype) or a list of :class:`F` (struct variant).
Reading returns the *written form* directly: dicts in declaration order with what the crate
would write, floats wrapped where the text differs (:class:`F32`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..codec.jsonparse import DupDict
from ..codec.numbers import U32_MAX, U64_MAX
from ..codec.reader import Reader, Reject
from ..codec.spec import Spec
from ..codec.wirefacts import is_extension_record
from ..codec.writer import Writer
from .serde_rules import (
    boolean,
    f32,
    missing,
    number,
    refuse_duplicates,
    rfc3339,
    string,
    tag_of,
    unknown_variant,
    unsigned,
    wrong_type,
)


@dataclass(frozen=True)
class F:
    name: str
    type: Any
    default: Any = None  # the written default when `has_default`
    has_default: bool = False
    skip: Any = False  # True: skip_serializing_if = "Option::is_none"; or a predicate


@dataclass(frozen=True)
class Enum:
    variants: dict[str, Any]  # None (unit), list[F] (struct variant) or a type (newtype)
    tag: str | None = None  # internally tagged by this key
    aliases: dict[str, str] = field(default_factory=dict)


@dataclass
class Model:
    spec: Spec  # the message dialect of this crate version
    structs: dict[str, list[F]]
    enums: dict[str, Enum]
    name: str = ""


class ModelReader:
    """Reads values of a :class:`Model`; message parts go through the message codec."""

    def __init__(
        self, model: Model, memo: dict[int, Any] | None = None, written: bool = True
    ) -> None:
        self.model = model
        self.written = written  # False: messages are only checked (read as records, not written)
        # (id of the raw message, plain?) -> its written form, for readers of one tree: shared
        # by models with the same message spec (the keys are the spec's own, kept alive here)
        self.memo = memo.setdefault(id(model.spec), {}) if memo is not None else None
        self.reader = Reader(model.spec)
        self.writer = Writer(model.spec, floats=False)
        plain = model.spec._replace(metadata=(), sorted_keys=False)
        self.plain_reader = Reader(plain)
        self.plain_writer = Writer(plain, floats=False)

    # -- dispatch ----------------------------------------------------------------------------------
    def read(self, raw: Any, type_: Any, path: tuple[Any, ...]) -> Any:
        if isinstance(type_, tuple):
            head = type_[0]
            if head == "opt":
                return None if raw is None else self.read(raw, type_[1], path)
            if head == "nulldefault":  # deserialize_with = "deserialize_null_default"
                return type_[2] if raw is None else self.read(raw, type_[1], path)
            if head == "vec":
                if not isinstance(raw, list):
                    raise wrong_type(path, raw, "a sequence")
                if type_[1] == "agent_message" and not self.written and self.memo is not None:
                    return self._checked_messages(raw, path)
                return [self.read(v, type_[1], (*path, i)) for i, v in enumerate(raw)]
            if head == "map":
                if not isinstance(raw, dict):
                    raise wrong_type(path, raw, "a map")
                return {k: self.read(v, type_[1], (*path, k)) for k, v in raw.items()}
            raise AssertionError(type_)  # pragma: no cover
        scalar = _SCALARS.get(type_)
        if scalar is not None:
            return scalar(raw, path)
        if type_ == "value":
            return sorted_value(raw)
        if type_ == "raw":
            return raw
        if type_ in ("agent_message", "message"):
            return self.message(raw, path, type_ == "message")
        if type_ == "content":
            return [self.writer._block(b, path) for b in self.reader.content(raw, path)]
        if type_ == "usage":
            usage = self.reader.struct(raw, self.model.spec.types["usage"], path, True, "usage")
            return self.writer._usage(usage, path)
        if type_ in self.model.structs:
            return self.struct(raw, self.model.structs[type_], path, type_)
        if type_ in self.model.enums:
            return self.enum(raw, self.model.enums[type_], path, type_)
        raise AssertionError(type_)  # pragma: no cover

    def message(self, raw: Any, path: tuple[Any, ...], llm_only: bool) -> Any:
        """An ``AgentMessage``, or (``llm_only``) a plain ``Message``: phi-core writes a plain
        one by its derive (declaration order, no metadata), not through a sorted JSON map."""
        memo = self.memo
        key = (id(raw), llm_only, self.written)
        if memo is not None:
            known = memo.get(key)
            if known is not None and known[0] is raw:
                return known[1]
        wire = self._message(raw, path, llm_only)
        if memo is not None:
            memo[key] = (raw, wire)
        return wire

    def _checked_messages(self, raw: list[Any], path: tuple[Any, ...]) -> list[Any]:
        """A list of AgentMessages when only the verdict is wanted: those the message check
        read already (the memo's records) are taken as they are, without a call each."""
        memo = self.memo
        assert memo is not None
        out = []
        for i, v in enumerate(raw):
            known = memo.get((id(v), "record"))
            out.append(
                known[1]
                if known is not None and known[0] is v
                else self.message(v, (*path, i), False)
            )
        return out

    def _message(self, raw: Any, path: tuple[Any, ...], llm_only: bool) -> Any:
        reader, writer = (self.plain_reader, self.plain_writer) if llm_only else (
            self.reader, self.writer,
        )  # fmt: skip
        known = None if self.memo is None or llm_only else self.memo.get((id(raw), "record"))
        if known is not None and known[0] is raw:  # read before (without a note)
            rec = known[1]
        else:
            mark = len(reader.notes)
            try:
                rec = reader.llm_message(raw, (0,)) if llm_only else reader.message(raw, 0)
            except Reject as why:
                raise Reject((*path, *why.path[1:]), why.message, why.kind) from None
            del reader.notes[mark:]
        if not self.written:
            return rec
        wire = writer.record(rec, 0)
        if writer.spec.sorted_keys and not is_extension_record(rec):
            return sorted_value(wire)
        return wire

    # -- structs -----------------------------------------------------------------------------------
    def struct(self, raw: Any, fields: list[F], path: tuple[Any, ...], name: str) -> dict[str, Any]:
        if isinstance(raw, list):
            return self.struct_seq(raw, fields, path, name)
        if not isinstance(raw, dict):
            raise wrong_type(path, raw, f"struct {name}")
        return self.struct_map(raw, fields, path, skip="")

    def struct_map(
        self, raw: dict[str, Any], fields: list[F], path: tuple[Any, ...], skip: str
    ) -> dict[str, Any]:
        refuse_duplicates(raw, {f.name for f in fields}, path, skip)
        out: dict[str, Any] = {}
        for f in fields:
            if f.name in raw:
                value = self.read(raw[f.name], f.type, (*path, f.name))
            elif f.has_default:
                value = f.default
            elif isinstance(f.type, tuple) and f.type[0] == "opt":
                value = None
            else:
                raise missing(path, f.name)
            if _skipped(f, value):
                continue
            out[f.name] = value
        return out

    def struct_seq(
        self, raw: list[Any], fields: list[F], path: tuple[Any, ...], name: str, offset: int = 0
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for pos, f in enumerate(fields):
            i = pos + offset
            if i < len(raw):
                value = self.read(raw[i], f.type, (*path, i))
            elif f.has_default:
                value = f.default
            else:
                raise Reject(
                    path,
                    f"invalid length {len(raw) - offset}, expected struct {name} with "
                    f"{len(fields)} elements",
                    "missing-key",
                )
            if _skipped(f, value):
                continue
            out[f.name] = value
        if len(raw) - offset > len(fields):
            raise Reject((*path, len(fields) + offset), "trailing characters", "wrong-type")
        return out

    # -- enums -------------------------------------------------------------------------------------
    def variant_name(self, raw: Any, enum: Enum, path: tuple[Any, ...]) -> str:
        if not isinstance(raw, str):
            raise wrong_type(path, raw, "variant identifier")
        name = enum.aliases.get(raw, raw)
        if name not in enum.variants:
            raise unknown_variant(raw, tuple(enum.variants), path)
        return name

    def enum(self, raw: Any, enum: Enum, path: tuple[Any, ...], type_name: str) -> Any:
        if enum.tag is not None:
            return self.internally_tagged(raw, enum, path, type_name)
        if isinstance(raw, str):
            name = self.variant_name(raw, enum, path)
            if enum.variants[name] is not None:
                raise Reject(
                    path, "invalid type: unit variant, expected a variant with data", "wrong-type"
                )
            return name
        if not isinstance(raw, dict) or len(raw) != 1 or isinstance(raw, DupDict):
            raise wrong_type(path, raw, f"enum {type_name}")
        ((key, inner),) = raw.items()
        name = self.variant_name(key, enum, path)
        variant = enum.variants[name]
        vpath = (*path, key)
        if variant is None:
            if inner is not None:
                raise wrong_type(vpath, inner, "unit")
            return name
        if isinstance(variant, list):
            return {name: self.struct(inner, variant, vpath, name)}
        return {name: self.read(inner, variant, vpath)}

    def internally_tagged(
        self, raw: Any, enum: Enum, path: tuple[Any, ...], type_name: str
    ) -> dict[str, Any]:
        tag = enum.tag
        assert tag is not None
        if isinstance(raw, dict):
            name = self.variant_name(tag_of(raw, tag, path), enum, (*path, tag))
            fields = enum.variants[name] or []
            return {tag: name, **self.struct_map(raw, fields, path, skip=tag)}
        if isinstance(raw, list):
            if not raw:
                raise missing(path, tag)
            name = self.variant_name(raw[0], enum, (*path, 0))
            fields = enum.variants[name] or []
            if not fields:
                if len(raw) > 1:
                    raise Reject((*path, 1), "invalid length", "wrong-type")
                return {tag: name}
            return {tag: name, **self.struct_seq(raw, fields, path, name, offset=1)}
        raise wrong_type(path, raw, f"enum {type_name}")


def _skipped(f: F, value: Any) -> bool:
    if f.skip is True:
        return value is None
    return bool(f.skip) and f.skip(value)


_SCALARS: dict[str, Callable[[Any, tuple[Any, ...]], Any]] = {
    "str": string,
    "u64": lambda raw, path: unsigned(raw, path, U64_MAX, "u64"),
    "usize": lambda raw, path: unsigned(raw, path, U64_MAX, "usize"),
    "u32": lambda raw, path: unsigned(raw, path, U32_MAX, "u32"),
    "bool": boolean,
    "f64": number,
    "f32": f32,
    "datetime": rfc3339,
}


def sorted_value(value: Any) -> Any:
    """A ``serde_json::Value`` as written: object keys sorted at every depth."""
    if isinstance(value, dict):
        return {k: sorted_value(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [sorted_value(v) for v in value]
    return value
