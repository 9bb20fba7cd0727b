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

from ..errors import WITHIN, Cause
from ..errors import Note as Note  # the one note type, also importable from here
from ..wording import unexpected, value_facts
from .jsonparse import DupDict
from .numbers import EXPONENT_FROM, I64_MIN, U32_MAX, U64_MAX, easy_float
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
    """One reading of a value failed: where (a path), what (a kind) and the facts (a cause).

    ``Reject(path, "words", kind)`` is a cause its maker words itself (records, sessions);
    the reader gives facts: ``Reject(path, kind=..., cause={...})``.
    """

    def __init__(
        self,
        path: tuple[Any, ...],
        message: str | None = None,
        kind: str = "invalid",
        cause: Cause | None = None,
        context: tuple[Note, ...] = (),
    ) -> None:
        self.note = Note(path, kind, message if cause is None else cause, context)
        super().__init__(message)

    @property
    def path(self) -> tuple[Any, ...]:
        return self.note.path

    @property
    def kind(self) -> str:
        return self.note.kind

    @property
    def cause(self) -> Cause:
        return self.note.cause

    @property
    def context(self) -> tuple[Note, ...]:
        return self.note.context

    @property
    def message(self) -> str:
        return self.note.message

    def __str__(self) -> str:
        return self.note.message


class Bail(Exception):
    """The fast path met something it leaves to the exact path."""


def describe(value: Any) -> str:
    """serde's ``Unexpected`` wording for a JSON value."""
    return unexpected(value_facts(value))


def _wrong(path: tuple[Any, ...], raw: Any, expected: str, kind: str = "wrong-type") -> Reject:
    """serde's ``invalid type``: ``raw`` where ``expected`` was expected."""
    return Reject(path, kind=kind, cause={**value_facts(raw), "expected": expected})


def _not_an_integer(path: tuple[Any, ...], raw: Any, expected: str, limit: int) -> Reject:
    """A non-integer where an integer is expected; a float names the integer rule it broke."""
    kind = "wrong-type"
    if type(raw) is float:
        if raw != raw or raw in (float("inf"), float("-inf")) or not raw.is_integer():
            kind = "not-an-integer"
        else:
            kind = "integer-overflow" if raw > limit else "float-for-integer"
    return _wrong(path, raw, expected, kind)


def _out_of_range(path: tuple[Any, ...], raw: int, expected: str) -> Reject:
    """serde's ``invalid value`` for an integer outside an unsigned field's range."""
    kind = "negative-integer" if raw < 0 else "integer-overflow"
    cause = {**value_facts(raw), "expected": expected, "category": "value"}
    return Reject(path, kind=kind, cause=cause)


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
    def note(self, path: tuple[Any, ...], kind: str, *worded: str, **cause: Any) -> None:
        """Note ``kind`` at ``path`` with the facts ``cause``; ``note(path, words, kind)`` for
        a note its maker words itself (the session and record readers)."""
        if worded:
            self.notes.append(Note(path, worded[0], kind))
        else:
            self.notes.append(Note(path, kind, cause))

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
                raise untagged(path, llm_error, ext_error, looks_extension) from None

    def extension(self, value: Any, path: tuple[Any, ...]) -> dict[str, Any]:
        ts = self.spec.types[EXTENSION_TYPE]
        what = "an extension record"
        if isinstance(value, (dict, list)):
            fields = self.struct(value, ts, path, ts.duplicates_error, what)
        else:
            raise _wrong(path, value, what, "not-an-object")
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
                raise Reject(path, kind="missing-key", cause={"key": tag})
            if (
                isinstance(value, DupDict)
                and tag in value.duplicates
                and self.spec.duplicates_error
            ):
                raise Reject((*path, tag), kind="duplicate-key", cause={"key": tag})
            raw = value[tag]
            return self.variant(raw, variants, (*path, tag), allow_index, tag), value, False
        if isinstance(value, list):
            if not value:  # an empty array is no message at all: serde misses its tag
                empty = "not-an-object" if len(path) == 1 else "missing-key"
                raise Reject(path, kind=empty, cause={"key": tag})
            variant = self.variant(value[0], variants, (*path, 0), allow_index, tag)
            self.note(path, "alias", form="sequence")
            return variant, value, True
        wrong = "not-an-object" if len(path) == 1 else "wrong-type"
        raise _wrong(path, value, f"an object with `{tag}`", wrong)

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
            raise _unknown_variant(raw, variants, path, tag)
        if allow_index and type(raw) is int and raw >= 0:
            if raw < len(variants):
                self.note(path, "alias", form="index", index=raw, variant=variants[raw])
                return variants[raw]
            expected = f"variant index 0 <= i < {len(variants)}"
            cause = {**value_facts(raw), "expected": expected, "category": "value"}
            raise Reject(path, kind=_UNKNOWN.get(tag, "unknown-variant"), cause=cause)
        raise _wrong(path, raw, f"a string `{tag}`")

    # -- structs -------------------------------------------------------------------------------
    def struct(
        self, value: Any, ts: TypeSpec, path: tuple[Any, ...], dup_error: bool, what: str
    ) -> dict[str, Any]:
        if isinstance(value, dict):
            return self.struct_map(value, ts, path, dup_error, skip=None)
        if isinstance(value, list):
            self.note(path, "alias", form="sequence")
            return self.struct_seq(value, ts, path, offset=0)
        raise _wrong(path, value, what)

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
                    kind="duplicate-alias",
                    cause={"key": f.wire, "given": (seen[f.ir], key)},
                )
            seen[f.ir] = key
            if key in ts.aliases:
                self.note((*path, key), "alias", form="alias", key=key, wire=f.wire)
        if isinstance(value, DupDict):
            for key in value.duplicates:
                if key in lookup or key == skip:
                    if dup_error:
                        raise Reject((*path, key), kind="duplicate-key", cause={"key": key})
                    self.note((*path, key), "duplicate-key", key=key, last_wins=True)
                elif not dup_error:
                    self.note((*path, key), "duplicate-key", key=key, last_wins=True)
        out: dict[str, Any] = {}
        for f in ts.fields:
            given = seen.get(f.ir)
            if given is None:
                if f.required:
                    raise Reject(path, kind="missing-key", cause={"key": f.wire})
                if f.has_default and f.default is not None:
                    out[f.ir] = f.default
                continue
            raw = value[given]
            if raw is None and f.optional:
                self.note((*path, given), "null-optional", key=given)
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
                cause = {"count": len(items), "expected_count": len(fields) + offset}
                raise Reject(path, kind="missing-key", cause={**cause, "key": f.wire})
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
            cause = {"count": len(items), "expected_count": len(fields) + offset}
            raise Reject(path, kind="too-many-elements", cause=cause)
        return out

    def protocol(self, raw: Any, path: tuple[Any, ...]) -> str | None:
        """yoagent >= 0.22 ``redactedProtocol``: an ApiProtocol, or silently absent if unknown."""
        protocols = self.spec.api_protocols
        if isinstance(raw, str) and raw in protocols:
            return raw
        if isinstance(raw, dict) and len(raw) == 1:
            ((key, inner),) = raw.items()
            if key in protocols and inner is None:
                self.note(path, "alias", form="map", variant=key)
                return str(key)
        self.note(path, "metadata-dropped", **value_facts(raw))
        return None

    def unknown_key(self, path: tuple[Any, ...], key: str) -> None:
        self.note((*path, key), "unknown-key", key=key, dialect=self.spec.name)

    # -- field values --------------------------------------------------------------------------
    def field(self, raw: Any, f: Field, path: tuple[Any, ...]) -> Any:
        kind = f.kind
        if kind == "str":
            if isinstance(raw, str):
                return raw
            raise _wrong(path, raw, "a string")
        if kind == U64_KIND:
            return self.u64(raw, path)
        if kind == CONTENT_KIND:
            return self.content(raw, path)
        if kind == "free":
            return self.free(raw, path, len(path) + 1)
        if kind == "bool":
            if raw is True or raw is False:
                return raw
            raise _wrong(path, raw, "a boolean")
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
                raise _wrong(path, raw, "a sequence")
            return [self.u64(item, (*path, i)) for i, item in enumerate(raw)]
        raise AssertionError(kind)  # pragma: no cover

    def dup_error_here(self) -> bool:
        return self.spec.duplicates_error

    @staticmethod
    def u64(raw: Any, path: tuple[Any, ...]) -> int:
        if type(raw) is int:
            if raw >= 0:
                return raw
            raise _out_of_range(path, raw, _U64_WORDS)
        raise _not_an_integer(path, raw, _U64_WORDS, U64_MAX)

    @staticmethod
    def u32(raw: Any, path: tuple[Any, ...]) -> int:
        if type(raw) is int:
            if 0 <= raw <= U32_MAX:
                return raw
            raise _out_of_range(path, raw, "u32")
        raise _not_an_integer(path, raw, "u32", U32_MAX)

    def stop_reason(self, raw: Any, path: tuple[Any, ...]) -> str:
        return self.unit_enum(raw, self.spec.stop_order, path, STOP_KIND)

    def unit_enum(
        self, raw: Any, variants: tuple[str, ...], path: tuple[Any, ...], name: str
    ) -> str:
        """A unit-only enum: a string, or a one-key map ``{"variant": null}``."""
        if isinstance(raw, str):
            if raw in variants:
                return raw
            raise _unknown_variant(raw, variants, path, name)
        if (
            isinstance(raw, dict)
            and len(raw) == 1
            and not (isinstance(raw, DupDict) and self.dup_error_here())
        ):
            ((key, inner),) = raw.items()
            if key not in variants:
                raise _unknown_variant(key, variants, path, name)
            if inner is not None:
                raise _wrong((*path, key), inner, "unit")
            self.note(path, "alias", form="map", variant=key)
            return str(key)
        raise _wrong(path, raw, f"enum {name} (a string)")

    def content(self, raw: Any, path: tuple[Any, ...]) -> list[dict[str, Any]]:
        if not isinstance(raw, list):
            raise _wrong(path, raw, "a sequence of content blocks")
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
                    self.note((*path, key), "duplicate-key", key=key, last_wins=True)
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
            cause = {**value_facts(raw), "outside": "u64/i64"}
            raise Reject(path, kind="integer-overflow", cause=cause)
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
                reason = {"reason_kind": why.kind, "reason": why.cause}
                self.note((*path, key), "metadata-dropped", key=key, **reason)
                continue
            if parsed is None:
                continue
            meta[key] = parsed
        return rest, meta

    def metadata_value(self, key: str, raw: Any, path: tuple[Any, ...]) -> Any:
        if self.fast:
            self.keys += _count_keys(raw)
        if raw is None:
            raise Reject(path, kind="wrong-type", cause=value_facts(raw))
        kind = self.spec.metadata_kinds[key]
        if kind == U64_KIND:
            return self.u64(raw, path)
        if kind.startswith("["):  # a list of structs (tags)
            ts = self.spec.types[kind[1:-1]]
            if not isinstance(raw, list):
                raise _wrong(path, raw, "a sequence")
            items = [
                self.struct(t, ts, (*path, i), False, f"a {ts.label}") for i, t in enumerate(raw)
            ]
            if not items:
                self.note(path, "null-optional", key=key, empty=True)
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
                    raise Reject(path, kind="too-many-elements", cause={"unit": True})
                return out
            if len(items) != len(spec_fields):
                raise Reject(path, kind="too-many-elements", cause={"count": len(rest)})
            pairs = list(zip(spec_fields, items, strict=True))
        else:
            for key in rest:
                if key != tag and key not in kinds:
                    self.unknown_key(path, key)
            missing = [name for name, _ in spec_fields if name not in rest]
            if missing:
                raise Reject(path, kind="missing-key", cause={"key": missing[0]})
            pairs = [((name, kind_), rest[name]) for name, kind_ in spec_fields]
        for (name, fkind), item in pairs:
            fpath = (*path, name)
            if fkind == "str":
                if not isinstance(item, str):
                    raise _wrong(fpath, item, "a string")
                out[name] = item
            elif fkind == "u32":
                out[name] = self.u32(item, fpath)
            elif fkind == U64_KIND:
                out[name] = self.u64(item, fpath)
            else:  # a closed enum of the schemas (ProvenanceRole)
                out[name] = self.unit_enum(item, self.spec.enums[fkind], fpath, fkind)
        return out


_UNKNOWN = {MESSAGE_TAG: "unknown-role", CONTENT_TAG: "unknown-content-type"}
_UNKNOWN[STOP_KIND] = "unknown-stop-reason"
_U64_WORDS = "an unsigned integer (u64)"
READINGS = ("an LLM message", "an extension record")


def _unknown_variant(
    name: str, variants: tuple[str, ...], path: tuple[Any, ...], of: str
) -> Reject:
    """An unknown variant of ``of`` (a tag key, or an enum's ``$defs`` name)."""
    cause = {"variant": name, "variants": variants}
    return Reject(path, kind=_UNKNOWN.get(of, "unknown-variant"), cause=cause)


def best_reading(llm: Note, ext: Note, looks_extension: bool) -> int:
    """Which reading of an untagged ``AgentMessage`` to blame: 0 (LLM message) or 1 (extension).

    The LLM reading, unless its role was no LLM role (it failed on the role, or on a missing
    key of the message itself) and the extension reading failed on a value rather than a
    missing key, or the record has keys only an extension record has: the author meant an
    extension record.
    """
    on_role = llm.kind in ("unknown-role", "missing-key")
    meant_extension = (
        (on_role or (llm.kind == "not-an-object" and "key" in llm.cause))
        and llm.path[1:] in ((MESSAGE_TAG,), ())
        and (ext.kind != "missing-key" or looks_extension)
    )
    return 1 if meant_extension else 0


def untagged(path: tuple[Any, ...], llm: Reject, ext: Reject, looks_extension: bool) -> Reject:
    """Neither reading of an ``AgentMessage`` succeeded: a refusal that keeps both readings
    (``context``) and takes the blamed one's path and kind (:func:`best_reading`)."""
    best = best_reading(llm.note, ext.note, looks_extension)
    primary = (llm, ext)[best]
    cause = {"readings": READINGS, "best": best, WITHIN: len(path)}
    return Reject(primary.path, kind=primary.kind, cause=cause, context=(llm.note, ext.note))


def _count_keys(value: Any) -> int:
    if isinstance(value, dict):
        return len(value) + sum(_count_keys(v) for v in value.values())
    if isinstance(value, list):
        return sum(_count_keys(v) for v in value)
    return 0
