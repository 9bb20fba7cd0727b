"""The crates' ``Deserialize`` rules: one parsed message → one internal record.

``AgentMessage`` is serde-untagged: a message is read as an LLM ``Message`` (internally tagged by
``role``) and, if that fails for any reason, as an ``ExtensionMessage``. Both readings keep their
reasons so that an error can say why each failed (:func:`.reject.untagged`).

phi-core's message metadata (``turnId``, ``nodeId``, ...) is taken out of an LLM message first;
a malformed key is dropped where phi-core drops it. The values inside a message are read by
:class:`.value_reader.ValueReader`.
"""

from __future__ import annotations

from typing import Any

from ..errors import Note as Note  # the one note type, also importable from here
from ..wording import value_facts
from .reject import Bail as Bail
from .reject import Reject as Reject
from .reject import describe as describe
from .reject import untagged, wrong_type
from .spec import MESSAGE_ROLES, MESSAGE_TAG
from .value_reader import FREE_DEPTH_LIMIT as FREE_DEPTH_LIMIT
from .value_reader import U64_KIND, ValueReader
from .wirefacts import EXTENSION_ONLY_KEYS, EXTENSION_TYPE


class Reader(ValueReader):
    """Reads the messages of one document under one dialect."""

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
                    value.get(MESSAGE_TAG) == EXTENSION_TYPE  # the role the constructor writes
                    or not EXTENSION_ONLY_KEYS.isdisjoint(value)
                )
                raise untagged(path, llm_error, ext_error, looks_extension) from None

    def extension(self, value: Any, path: tuple[Any, ...]) -> dict[str, Any]:
        ts = self.spec.types[EXTENSION_TYPE]
        what = "an extension record"
        if isinstance(value, (dict, list)):
            fields = self.struct(value, ts, path, ts.duplicates_error, what)
        else:
            raise wrong_type(path, value, what, "not-an-object")
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
                raise wrong_type(path, raw, "a sequence")
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
                    raise wrong_type(fpath, item, "a string")
                out[name] = item
            elif fkind == "u32":
                out[name] = self.u32(item, fpath)
            elif fkind == U64_KIND:
                out[name] = self.u64(item, fpath)
            else:  # a closed enum of the schemas (ProvenanceRole)
                out[name] = self.unit_enum(item, self.spec.enums[fkind], fpath, fkind)
        return out


def _count_keys(value: Any) -> int:
    if isinstance(value, dict):
        return len(value) + sum(_count_keys(v) for v in value.values())
    if isinstance(value, list):
        return sum(_count_keys(v) for v in value)
    return 0
