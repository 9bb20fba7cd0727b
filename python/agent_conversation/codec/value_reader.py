"""serde's ``Deserialize`` rules below a message: tagged enums, structs (map and sequence forms,
aliases, duplicates, ``null`` on an ``Option``), unsigned integers, unit enums, content blocks and
free JSON values (``serde_json::Value``). serde details reproduced here:

- unknown keys are ignored; a repeated known key is "duplicate field" (yoagent; phi-core reads an
  LLM message through a JSON map first, so there the last one wins);
- an alias and its name together are a duplicate; ``null`` on an ``Option`` reads as absent;
- tags and enum variants may be spelled by variant index where serde's ``Content`` allows it;
- structs and tagged variants also load from the sequence form (fields in declaration order);
- ``u64``/``u32`` reject negatives and floats; ``1.0`` is a float.

``ValueReader`` holds a document's notes and counters; :class:`.reader.Reader` adds the
``AgentMessage`` and phi-core's metadata on top.
"""

from __future__ import annotations

from typing import Any

from ..errors import Note
from ..wording import value_facts
from .jsonparse import DupDict
from .numbers import EXPONENT_FROM, I64_MIN, U32_MAX, U64_MAX, easy_float
from .reject import (
    UNKNOWN_KINDS,
    Bail,
    Reject,
    not_an_integer,
    out_of_range,
    unknown_variant,
    wrong_type,
)
from .spec import (
    CONTENT_KIND,
    CONTENT_TAG,
    CONTENT_TYPES,
    PROTOCOL_KIND,
    STOP_KIND,
    TAG_KIND_KIND,
    U64_LIST_KIND,
    USAGE_KIND,
    Field,
    Spec,
    TypeSpec,
)
from .spec import FREE_DEPTH_LIMIT as FREE_DEPTH_LIMIT
from .wirefacts import USAGE_TYPE

U64_KIND = "u64"  # the wire tables' kind of a u64 value
_U64_WORDS = "an unsigned integer (u64)"


class ValueReader:
    """Reads the values inside messages under one dialect, noting what a round trip changes."""

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
        raise wrong_type(path, value, f"an object with `{tag}`", wrong)

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
            raise unknown_variant(raw, variants, path, tag)
        if allow_index and type(raw) is int and raw >= 0:
            if raw < len(variants):
                self.note(path, "alias", form="index", index=raw, variant=variants[raw])
                return variants[raw]
            expected = f"variant index 0 <= i < {len(variants)}"
            cause = {**value_facts(raw), "expected": expected, "category": "value"}
            raise Reject(path, kind=UNKNOWN_KINDS.get(tag, "unknown-variant"), cause=cause)
        raise wrong_type(path, raw, f"a string `{tag}`")

    # -- structs -------------------------------------------------------------------------------
    def struct(
        self, value: Any, ts: TypeSpec, path: tuple[Any, ...], dup_error: bool, what: str
    ) -> dict[str, Any]:
        if isinstance(value, dict):
            return self.struct_map(value, ts, path, dup_error, skip=None)
        if isinstance(value, list):
            self.note(path, "alias", form="sequence")
            return self.struct_seq(value, ts, path, offset=0)
        raise wrong_type(path, value, what)

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
            raise wrong_type(path, raw, "a string")
        if kind == U64_KIND:
            return self.u64(raw, path)
        if kind == CONTENT_KIND:
            return self.content(raw, path)
        if kind == "free":
            return self.free(raw, path, len(path) + 1)
        if kind == "bool":
            if raw is True or raw is False:
                return raw
            raise wrong_type(path, raw, "a boolean")
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
                raise wrong_type(path, raw, "a sequence")
            return [self.u64(item, (*path, i)) for i, item in enumerate(raw)]
        raise AssertionError(kind)  # pragma: no cover

    def dup_error_here(self) -> bool:
        return self.spec.duplicates_error

    @staticmethod
    def u64(raw: Any, path: tuple[Any, ...]) -> int:
        if type(raw) is int:
            if raw >= 0:
                return raw
            raise out_of_range(path, raw, _U64_WORDS)
        raise not_an_integer(path, raw, _U64_WORDS, U64_MAX)

    @staticmethod
    def u32(raw: Any, path: tuple[Any, ...]) -> int:
        if type(raw) is int:
            if 0 <= raw <= U32_MAX:
                return raw
            raise out_of_range(path, raw, "u32")
        raise not_an_integer(path, raw, "u32", U32_MAX)

    def stop_reason(self, raw: Any, path: tuple[Any, ...]) -> str:
        return self.unit_enum(raw, self.spec.stop_order, path, STOP_KIND)

    def unit_enum(
        self, raw: Any, variants: tuple[str, ...], path: tuple[Any, ...], name: str
    ) -> str:
        """A unit-only enum: a string, or a one-key map ``{"variant": null}``."""
        if isinstance(raw, str):
            if raw in variants:
                return raw
            raise unknown_variant(raw, variants, path, name)
        if (
            isinstance(raw, dict)
            and len(raw) == 1
            and not (isinstance(raw, DupDict) and self.dup_error_here())
        ):
            ((key, inner),) = raw.items()
            if key not in variants:
                raise unknown_variant(key, variants, path, name)
            if inner is not None:
                raise wrong_type((*path, key), inner, "unit")
            self.note(path, "alias", form="map", variant=key)
            return str(key)
        raise wrong_type(path, raw, f"enum {name} (a string)")

    def content(self, raw: Any, path: tuple[Any, ...]) -> list[dict[str, Any]]:
        if not isinstance(raw, list):
            raise wrong_type(path, raw, "a sequence of content blocks")
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
