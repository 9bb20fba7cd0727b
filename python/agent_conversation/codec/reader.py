"""The crates' ``Deserialize`` rules: one parsed message → one internal record.

``AgentMessage`` is serde-untagged: a message is read as an LLM ``Message`` (internally tagged by
``role``) and, if that fails for any reason, as an ``ExtensionMessage``. Both readings keep their
reasons so that an error can say why each failed. serde details reproduced here:

- unknown keys are ignored; a repeated known key is "duplicate field" (yoagent; phi-core reads an
  LLM message through a JSON map first, so there the last one wins);
- an alias and its name together are a duplicate; ``null`` on an ``Option`` reads as absent;
- tags and enum variants may be spelled by variant index where serde's ``Content`` allows it;
- structs and tagged variants also load from the sequence form (fields in declaration order);
- ``u64``/``u32`` reject negatives and floats; ``1.0`` is a float.
"""

from __future__ import annotations

from typing import Any

from ..errors import pointer
from .jsonparse import DupDict
from .numbers import EXPONENT_FROM, I64_MIN, U32_MAX, U64_MAX, easy_float, format_f64
from .spec import (
    CONTENT_KIND,
    CONTENT_TAG,
    CONTENT_TYPES,
    MESSAGE_ROLES,
    MESSAGE_TAG,
    PROTOCOL_KIND,
    STOP_KIND,
    TAG_KIND_KIND,
    U64_LIST_KIND,
    USAGE_KIND,
    Field,
    Spec,
    TypeSpec,
)
from .wirefacts import EXTENSION_ONLY_KEYS, EXTENSION_TYPE, USAGE_TYPE

FREE_DEPTH_LIMIT = 127  # deepest container serde_json accepts, counting the top-level array
# The closed enums of the schemas the reader checks by $defs name (values in the wire tables).
U64_KIND = "u64"  # the wire tables' kind of a u64 value


class Reject(Exception):
    """One reading of a value failed: where (a path) and why (serde's words, made plainer)."""

    def __init__(self, path: tuple[Any, ...], message: str, kind: str = "invalid") -> None:
        super().__init__(message)
        self.path = path
        self.message = message
        self.kind = kind


class Bail(Exception):
    """The fast path met something it leaves to the exact path."""


class Note:
    """Something that loads but does not survive a round trip (``Conversation.notes``)."""

    __slots__ = ("path", "message", "kind")

    def __init__(self, path: tuple[Any, ...], message: str, kind: str) -> None:
        self.path = path
        self.message = message
        self.kind = kind


def describe(value: Any) -> str:
    """serde's ``Unexpected`` wording for a JSON value."""
    if value is None:
        return "null"
    if value is True or value is False:
        return f"boolean `{'true' if value else 'false'}`"
    if isinstance(value, int):
        return f"integer `{value}`"
    if isinstance(value, float):
        return f"floating point `{format_f64(value)}`"
    if isinstance(value, str):
        short = value if len(value) <= 40 else value[:37] + "..."
        return f"string {short!r}"
    if isinstance(value, list):
        return "a sequence" if value else "an empty sequence"
    return "a map"


class Reader:
    """Reads the messages of one document under one dialect."""

    def __init__(self, spec: Spec, fast: bool = False) -> None:
        self.spec = spec
        self.fast = fast
        self.notes: list[Note] = []
        self.has_float = False
        self.big_floats: list[float] = []  # magnitude >= 1e16: they show ryu or zmij
        self.keys = 0  # keys seen in every object read (the fast path's duplicate check)
        self._role_index = spec.role_index  # phi-core reads `role` through serde_json::Value

    # -- notes ---------------------------------------------------------------------------------
    def note(self, path: tuple[Any, ...], message: str, kind: str) -> None:
        self.notes.append(Note(path, message, kind))

    # -- AgentMessage --------------------------------------------------------------------------
    def message(self, value: Any, index: int) -> dict[str, Any]:
        """Read one ``AgentMessage``; raise ``Reject`` carrying both readings' reasons."""
        path = (index,)
        mark = len(self.notes)
        if isinstance(value, dict):
            self.keys += len(value)
        try:
            return self.llm_message(value, path)
        except Reject as llm_error:
            del self.notes[mark:]
            try:
                return self.extension(value, path)
            except Reject as ext_error:
                if self.fast:
                    raise Bail from None
                del self.notes[mark:]
                looks_extension = isinstance(value, dict) and (
                    value.get(MESSAGE_TAG) == "extension"  # the role the constructor writes
                    or not EXTENSION_ONLY_KEYS.isdisjoint(value)
                )
                raise Untagged(path, llm_error, ext_error, looks_extension) from None

    def extension(self, value: Any, path: tuple[Any, ...]) -> dict[str, Any]:
        ts = self.spec.types[EXTENSION_TYPE]
        fields = self.struct(value, ts, path, ts.duplicates_error, what="an extension record")
        return {f.ir: fields[f.ir] for f in ts.fields}

    def llm_message(self, value: Any, path: tuple[Any, ...]) -> dict[str, Any]:
        spec = self.spec
        meta: dict[str, Any] = {}
        dup_error = spec.duplicates_error
        if spec.metadata and isinstance(value, dict):
            value, meta = self.phi_metadata(value, path)
        role, rest, seq = self.tagged(value, MESSAGE_TAG, MESSAGE_ROLES, path, self._role_index)
        ts = spec.types[role]
        if seq:
            fields = self.struct_seq(rest, ts, path, offset=1)
        else:
            fields = self.struct_map(rest, ts, path, dup_error, skip=MESSAGE_TAG)
        record: dict[str, Any] = {MESSAGE_TAG: role}
        record.update(fields)
        if meta:
            record.update(meta)
        return record

    # -- tagged enums --------------------------------------------------------------------------
    def tagged(
        self,
        value: Any,
        tag: str,
        variants: tuple[str, ...],
        path: tuple[Any, ...],
        allow_index: bool,
    ) -> tuple[str, Any, bool]:
        """Split an internally tagged value into (variant, the rest, is_sequence_form)."""
        if isinstance(value, dict):
            if tag not in value:
                raise Reject(path, f"missing field `{tag}`", "missing")
            if (
                isinstance(value, DupDict)
                and tag in value.duplicates
                and self.spec.duplicates_error
            ):
                raise Reject((*path, tag), f"duplicate field `{tag}`", "duplicate-key")
            raw = value[tag]
            return self.variant(raw, variants, (*path, tag), allow_index, tag), value, False
        if isinstance(value, list):
            if not value:
                raise Reject(path, f"missing field `{tag}`", "missing")
            variant = self.variant(value[0], variants, (*path, 0), allow_index, tag)
            self.note(path, "written as a sequence; the crate writes an object", "alias")
            return variant, value, True
        raise Reject(
            path, f"invalid type: {describe(value)}, expected an object with `{tag}`", "type"
        )

    def variant(
        self,
        raw: Any,
        variants: tuple[str, ...],
        path: tuple[Any, ...],
        allow_index: bool,
        tag: str,
    ) -> str:
        if isinstance(raw, str):
            if raw in variants:
                return raw
            raise _unknown_variant(raw, variants, path)
        if allow_index and type(raw) is int and raw >= 0:
            if raw < len(variants):
                self.note(
                    path, f"variant given by index {raw}; written as {variants[raw]!r}", "alias"
                )
                return variants[raw]
            raise Reject(
                path,
                f"invalid value: integer `{raw}`, expected variant index 0 <= i < {len(variants)}",
                "unknown-variant",
            )
        raise Reject(path, f"invalid type: {describe(raw)}, expected a string `{tag}`", "type")

    # -- structs -------------------------------------------------------------------------------
    def struct(
        self, value: Any, ts: TypeSpec, path: tuple[Any, ...], dup_error: bool, what: str
    ) -> dict[str, Any]:
        if isinstance(value, dict):
            return self.struct_map(value, ts, path, dup_error, skip=None)
        if isinstance(value, list):
            self.note(path, "written as a sequence; the crate writes an object", "alias")
            return self.struct_seq(value, ts, path, offset=0)
        raise Reject(path, f"invalid type: {describe(value)}, expected {what}", "type")

    def struct_map(
        self,
        value: dict[str, Any],
        ts: TypeSpec,
        path: tuple[Any, ...],
        dup_error: bool,
        skip: str | None,
    ) -> dict[str, Any]:
        lookup = ts.lookup
        seen: dict[str, str] = {}
        for key in value:
            if key == skip:
                continue
            f = lookup.get(key)
            if f is None:
                self.unknown_key(path, key)
                continue
            if f.ir in seen:
                raise Reject(
                    (*path, key),
                    f"duplicate field `{f.wire}` (given as both `{seen[f.ir]}` and `{key}`)",
                    "duplicate-key",
                )
            seen[f.ir] = key
            if key in ts.aliases:
                self.note((*path, key), f"`{key}` is read as `{f.wire}` and written so", "alias")
        if isinstance(value, DupDict):
            for key in value.duplicates:
                if key in lookup or key == skip:
                    if dup_error:
                        raise Reject((*path, key), f"duplicate field `{key}`", "duplicate-key")
                    self.note(
                        (*path, key), f"key `{key}` repeated; the last one wins", "duplicate-key"
                    )
                elif not dup_error:
                    self.note(
                        (*path, key), f"key `{key}` repeated; the last one wins", "duplicate-key"
                    )
        out: dict[str, Any] = {}
        for f in ts.fields:
            given = seen.get(f.ir)
            if given is None:
                if f.required:
                    raise Reject(path, f"missing field `{f.wire}`", "missing")
                if f.has_default and f.default is not None:
                    out[f.ir] = f.default
                continue
            raw = value[given]
            if raw is None and f.optional:
                self.note(
                    (*path, given),
                    f"`{given}` is null; it is read as absent and not written",
                    "null-optional",
                )
                continue
            if f.kind == PROTOCOL_KIND:
                protocol = self.protocol(raw, (*path, given))
                if protocol is not None:
                    out[f.ir] = protocol
                continue
            out[f.ir] = self.field(raw, f, (*path, given))
        return out

    def struct_seq(
        self, items: list[Any], ts: TypeSpec, path: tuple[Any, ...], offset: int
    ) -> dict[str, Any]:
        fields = ts.fields
        out: dict[str, Any] = {}
        available = len(items) - offset
        for pos, f in enumerate(fields):
            if pos >= available:
                if f.has_default:
                    if f.default is not None:
                        out[f.ir] = f.default
                    continue
                raise Reject(
                    path,
                    f"invalid length {len(items)}, expected {len(fields) + offset} elements "
                    f"(`{f.wire}` is missing)",
                    "missing",
                )
            raw = items[pos + offset]
            if raw is None and f.optional:
                continue
            if f.kind == PROTOCOL_KIND:
                protocol = self.protocol(raw, (*path, pos + offset))
                if protocol is not None:
                    out[f.ir] = protocol
                continue
            out[f.ir] = self.field(raw, f, (*path, pos + offset))
        if available > len(fields):
            raise Reject(
                path,
                f"invalid length {len(items)}, expected at most {len(fields) + offset} elements",
                "type",
            )
        return out

    def protocol(self, raw: Any, path: tuple[Any, ...]) -> str | None:
        """yoagent >= 0.22 ``redactedProtocol``: an ApiProtocol, or silently absent if unknown."""
        protocols = self.spec.api_protocols
        if isinstance(raw, str) and raw in protocols:
            return raw
        if isinstance(raw, dict) and len(raw) == 1:
            ((key, inner),) = raw.items()
            if key in protocols and inner is None:
                self.note(path, f'written as a map; the crate writes "{key}"', "alias")
                return key
        self.note(
            path,
            f"unknown protocol {describe(raw)} loads as absent and is not written",
            "metadata-dropped",
        )
        return None

    def unknown_key(self, path: tuple[Any, ...], key: str) -> None:
        self.note(
            (*path, key), f"unknown key `{key}` would be dropped by {self.spec.name}", "unknown-key"
        )

    # -- field values --------------------------------------------------------------------------
    def field(self, raw: Any, f: Field, path: tuple[Any, ...]) -> Any:
        kind = f.kind
        if kind == "str":
            if isinstance(raw, str):
                return raw
            raise Reject(path, f"invalid type: {describe(raw)}, expected a string", "type")
        if kind == "u64":
            return self.u64(raw, path)
        if kind == CONTENT_KIND:
            return self.content(raw, path)
        if kind == "free":
            return self.free(raw, path, len(path) + 1)
        if kind == "bool":
            if raw is True or raw is False:
                return raw
            raise Reject(path, f"invalid type: {describe(raw)}, expected a boolean", "type")
        if kind == STOP_KIND:
            return self.stop_reason(raw, path)
        if kind == USAGE_KIND:
            if isinstance(raw, dict):
                self.keys += len(raw)
            usage = self.spec.types[USAGE_TYPE]
            return self.struct(raw, usage, path, self.dup_error_here(), usage.name)
        if kind == "u32":
            return self.u32(raw, path)
        if kind == TAG_KIND_KIND:
            return self.unit_enum(raw, self.spec.enums[TAG_KIND_KIND], path, TAG_KIND_KIND)
        if kind == U64_LIST_KIND:
            if not isinstance(raw, list):
                raise Reject(path, f"invalid type: {describe(raw)}, expected a sequence", "type")
            return [self.u64(item, (*path, i)) for i, item in enumerate(raw)]
        raise AssertionError(kind)  # pragma: no cover

    def dup_error_here(self) -> bool:
        return self.spec.duplicates_error

    @staticmethod
    def u64(raw: Any, path: tuple[Any, ...]) -> int:
        if type(raw) is int:
            if raw >= 0:
                return raw
            raise Reject(
                path, f"invalid value: integer `{raw}`, expected an unsigned integer (u64)", "range"
            )
        raise Reject(
            path, f"invalid type: {describe(raw)}, expected an unsigned integer (u64)", "type"
        )

    @staticmethod
    def u32(raw: Any, path: tuple[Any, ...]) -> int:
        if type(raw) is int:
            if 0 <= raw <= U32_MAX:
                return raw
            raise Reject(path, f"invalid value: integer `{raw}`, expected u32", "range")
        raise Reject(path, f"invalid type: {describe(raw)}, expected u32", "type")

    def stop_reason(self, raw: Any, path: tuple[Any, ...]) -> str:
        return self.unit_enum(raw, self.spec.stop_order, path, "StopReason")

    def unit_enum(
        self, raw: Any, variants: tuple[str, ...], path: tuple[Any, ...], name: str
    ) -> str:
        """A unit-only enum: a string, or a one-key map ``{"variant": null}``."""
        if isinstance(raw, str):
            if raw in variants:
                return raw
            raise _unknown_variant(raw, variants, path)
        if (
            isinstance(raw, dict)
            and len(raw) == 1
            and not (isinstance(raw, DupDict) and self.dup_error_here())
        ):
            ((key, inner),) = raw.items()
            if key not in variants:
                raise _unknown_variant(key, variants, path)
            if inner is not None:
                raise Reject(
                    (*path, key), f"invalid type: {describe(inner)}, expected unit", "type"
                )
            self.note(path, f'written as a map; the crate writes "{key}"', "alias")
            return key
        raise Reject(
            path, f"invalid type: {describe(raw)}, expected enum {name} (a string)", "type"
        )

    def content(self, raw: Any, path: tuple[Any, ...]) -> list[dict[str, Any]]:
        if not isinstance(raw, list):
            raise Reject(
                path,
                f"invalid type: {describe(raw)}, expected a sequence of content blocks",
                "type",
            )
        types = self.spec.types
        dup_error = self.dup_error_here()
        out = []
        for i, block in enumerate(raw):
            bpath = (*path, i)
            if isinstance(block, dict):
                self.keys += len(block)
            kind, rest, seq = self.tagged(block, CONTENT_TAG, CONTENT_TYPES, bpath, True)
            ts = types[kind]
            if seq:
                fields = self.struct_seq(rest, ts, bpath, offset=1)
            else:
                fields = self.struct_map(rest, ts, bpath, dup_error, skip=CONTENT_TAG)
            record = {CONTENT_TAG: kind}
            record.update(fields)
            out.append(record)
        return out

    # -- free JSON values (serde_json::Value) ----------------------------------------------------
    def free(self, raw: Any, path: tuple[Any, ...], depth: int) -> Any:
        """Normalise a free value: keys sorted at every depth (BTreeMap), duplicates last-wins."""
        if isinstance(raw, dict):
            if depth > FREE_DEPTH_LIMIT:
                raise Bail  # only reachable on the fast path; the exact parser enforces the limit
            self.keys += len(raw)
            if isinstance(raw, DupDict):
                for key in raw.duplicates:
                    self.note(
                        (*path, key), f"key `{key}` repeated; the last one wins", "duplicate-key"
                    )
            keys = list(raw)
            if len(keys) > 1:
                keys.sort()
            return {k: self.free(raw[k], (*path, k), depth + 1) for k in keys}
        if isinstance(raw, list):
            if depth > FREE_DEPTH_LIMIT:
                raise Bail
            return [self.free(v, (*path, i), depth + 1) for i, v in enumerate(raw)]
        if type(raw) is float:
            self.has_float = True
            if not -EXPONENT_FROM < raw < EXPONENT_FROM:
                self.big_floats.append(raw)
            if self.fast and not easy_float(raw):
                raise Bail  # serde may read its literal differently: the exact path decides
        elif type(raw) is int and not I64_MIN <= raw <= U64_MAX:
            # Only hand-built records get here: parsed integers are always in range.
            raise Reject(path, f"integer {raw} is outside serde_json's u64/i64 range", "range")
        return raw

    # -- phi-core metadata ---------------------------------------------------------------------
    def phi_metadata(
        self, value: dict[str, Any], path: tuple[Any, ...]
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """phi-core's LlmMessage: take the metadata keys out; a malformed one is dropped."""
        known = self.spec.metadata
        if not any(k in value for k in known):
            return value, {}
        rest = dict(value)
        meta: dict[str, Any] = {}
        for key in known:
            if key not in rest:
                continue
            raw = rest.pop(key)
            try:
                parsed = self.metadata_value(key, raw, (*path, key))
            except Reject as why:
                if not self.spec.lenient_metadata:
                    raise
                self.note(
                    (*path, key),
                    f"`{key}` is malformed and silently dropped: {why.message}",
                    "metadata-dropped",
                )
                continue
            if parsed is None:
                continue
            meta[key] = parsed
        return rest, meta

    def metadata_value(self, key: str, raw: Any, path: tuple[Any, ...]) -> Any:
        if self.fast:
            self.keys += _count_keys(raw)
        if raw is None:
            raise Reject(path, "null")
        kind = self.spec.metadata_kinds[key]
        if kind == U64_KIND:
            return self.u64(raw, path)
        if kind.startswith("["):  # a list of structs (tags)
            ts = self.spec.types[kind[1:-1]]
            if not isinstance(raw, list):
                raise Reject(path, f"invalid type: {describe(raw)}, expected a sequence")
            items = [
                self.struct(t, ts, (*path, i), False, f"a {ts.label}") for i, t in enumerate(raw)
            ]
            if not items:
                self.note(path, f"empty `{key}` are not written", "null-optional")
                return None
            return items
        if kind in self.spec.unions:
            return self.union(raw, self.spec.unions[kind], path)
        ts = self.spec.types[kind]
        return self.struct(raw, ts, path, False, f"a {ts.label}")

    def union(self, raw: Any, table: dict[str, Any], path: tuple[Any, ...]) -> dict[str, Any]:
        """A tagged union of variants read straight from JSON (phi-core's provenanceHint)."""
        tag = table["tag"]
        variants = table["variants"]
        kind, rest, seq = self.tagged(raw, tag, tuple(variants), path, False)
        kinds = variants[kind]["kinds"]
        spec_fields = [(name, k) for name, k in kinds.items() if name != tag]
        out: dict[str, Any] = {tag: kind}
        if seq:
            items = rest[1:]
            if not spec_fields:
                if items:
                    raise Reject(path, "unit variant given extra elements")
                return out
            if len(items) != len(spec_fields):
                raise Reject(path, f"invalid length {len(rest)}")
            pairs = list(zip(spec_fields, items, strict=True))
        else:
            for key in rest:
                if key != tag and key not in kinds:
                    self.unknown_key(path, key)
            missing = [name for name, _ in spec_fields if name not in rest]
            if missing:
                raise Reject(path, f"missing field `{missing[0]}`", "missing")
            pairs = [((name, kind_), rest[name]) for name, kind_ in spec_fields]
        for (name, fkind), item in pairs:
            fpath = (*path, name)
            if fkind == "str":
                if not isinstance(item, str):
                    raise Reject(fpath, f"invalid type: {describe(item)}, expected a string")
                out[name] = item
            elif fkind == "u32":
                out[name] = self.u32(item, fpath)
            elif fkind == U64_KIND:
                out[name] = self.u64(item, fpath)
            else:  # a closed enum of the schemas (ProvenanceRole)
                out[name] = self.unit_enum(item, self.spec.enums[fkind], fpath, fkind)
        return out


def _unknown_variant(name: str, variants: tuple[str, ...], path: tuple[Any, ...]) -> Reject:
    expected = ", ".join(f"`{v}`" for v in variants)
    return Reject(path, f"unknown variant `{name}`, expected one of {expected}", "unknown-variant")


class Untagged(Reject):
    """Neither reading of an ``AgentMessage`` succeeded; both reasons are kept."""

    def __init__(
        self, path: tuple[Any, ...], llm: Reject, ext: Reject, looks_extension: bool = False
    ) -> None:
        self.llm = llm
        self.ext = ext
        # Blame the reading the author most likely meant: an LLM message, unless its role was
        # not an LLM role and the record has the extension keys (it failed on their values).
        meant_extension = (
            llm.kind in ("unknown-variant", "missing")
            and llm.path[1:] in ((MESSAGE_TAG,), ())
            and (ext.kind != "missing" or looks_extension)
        )
        primary = ext if meant_extension else llm
        super().__init__(primary.path, untagged_message(llm, ext), primary.kind)


def _reason(label: str, why: Reject) -> str:
    at = pointer(why.path[1:])
    return f"as {label}, " + (f"`{at}`: " if at else "") + why.message


def untagged_message(llm: Reject, ext: Reject) -> str:
    return _reason("an LLM message", llm) + "; " + _reason("an extension record", ext)


def _count_keys(value: Any) -> int:
    if isinstance(value, dict):
        return len(value) + sum(_count_keys(v) for v in value.values())
    if isinstance(value, list):
        return sum(_count_keys(v) for v in value)
    return 0
