"""Generate the record tables (agent events, phi-core session documents) from their schemas.

The schemas are the source: ``schema/<crate>/events/<revision>/events.{wire,reader}.schema.json``
and ``schema/phi-core/session/<revision>/session.{wire,reader}.schema.json``. The wire view gives
each type's keys, their order, types, written defaults and what is omitted; the reader view what
may be missing on input, aliases and null-as-default keys (checked against the wire view here).
The output, ``python/agent_conversation/records/tables.json`` (package data, loaded once by
``records/tables.py``), is what ``agent_conversation.records`` reads (``event_models``,
``phi_sessions``, ``events``). A struct or enum table that several revisions share is stored
once: ``STRUCTS``/``ENUMS`` hold, per type name, its distinct tables, and a revision's
``structs``/``enums`` name the index of its own::

    python scripts/generate_record_tables.py          # rewrite
    python scripts/generate_record_tables.py --check  # exit 1 when stale (a test runs it)

Table language (see records/model.py): a type is a scalar name (``str``, ``u64``, ``usize``,
``u32``, ``bool``, ``f64``, ``f32``, ``datetime``, ``value``, ``agent_message``, ``message``,
``content``, ``usage``), ``["opt", T]``, ``["nulldefault", T, default]``, ``["vec", T]``,
``["map", T]`` or a struct/enum name. A field is ``[name, type, has_default, default, skip]``
with skip ``false``, ``"absent"`` (x-omit-when-absent), ``"default"`` (x-omit-when-empty:
omitted when equal to its written default) or ``{"when": {key: default}}`` (x-omit-when-empty
on a struct with x-empty-when: omitted when each of those keys is absent or at its default).
A phi-core events revision also has ``revert``: its RevertApplied variant's ``x-revert-tag``
with the JSON pointers resolved to keys (read by ``records/events.py``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from generated_files import check_or_write

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "schema"
OUT = ROOT / "python" / "agent_conversation" / "records" / "tables.json"
# Message-level $defs the record tables read with the message codec, by name.
MESSAGE_TYPES = {"AgentMessage": "agent_message", "Message": "message", "Usage": "usage"}
SCALAR_REFS = {"U64": "u64", "Usize": "usize", "U32": "u32", "DateTime": "datetime"}


class Tables:
    """The tables of one wire view (and its reader view)."""

    def __init__(self, wire: dict[str, Any], reader: dict[str, Any]) -> None:
        self.wire, self.reader = wire, reader
        self.defs: dict[str, Any] = wire["$defs"]
        self.structs: dict[str, Any] = {}
        self.enums: dict[str, Any] = {}
        self.history: dict[str, Any] = {}
        self.revert: dict[str, Any] | None = None

    def type(self, schema: dict[str, Any]) -> Any:
        if "anyOf" in schema and {"type": "null"} in schema["anyOf"]:
            (inner,) = [s for s in schema["anyOf"] if s != {"type": "null"}]
            return ["opt", self.type(inner)]
        if schema.get("x-free-json"):
            return "value"
        kind = schema.get("type")
        if kind == "string":
            return "str"
        if kind == "boolean":
            return "bool"
        if kind == "number":
            return "f32" if schema.get("x-float") == "f32" else "f64"
        if kind == "array":
            if schema["items"] == {"$ref": "#/$defs/Content"}:
                return "content"
            return ["vec", self.type(schema["items"])]
        if kind == "object":
            return ["map", self.type(schema["additionalProperties"])]
        name = schema["$ref"].removeprefix("#/$defs/")
        if name in SCALAR_REFS:
            return SCALAR_REFS[name]
        if name in MESSAGE_TYPES:
            return MESSAGE_TYPES[name]
        self.add(name)
        return name

    def add(self, name: str) -> None:
        if name in self.structs or name in self.enums:
            return
        schema = self.defs[name]
        if "x-wire-order" in schema:
            self.structs[name] = []  # placeholder against recursion
            self.structs[name] = self.fields(schema, self._reader_object(name))
        else:
            self.enums[name] = {}
            self.enums[name] = self.enum(name, schema)

    def _reader_object(self, name: str) -> dict[str, Any]:
        (obj,) = [s for s in self.reader["$defs"][name]["anyOf"] if s.get("type") == "object"]
        return obj  # type: ignore[no-any-return]

    def fields(self, obj: dict[str, Any], reader: dict[str, Any], tag: str = "") -> list[Any]:
        out = []
        absent, empty = obj["x-omit-when-absent"], obj.get("x-omit-when-empty", [])
        must = set()
        for key in obj["x-wire-order"]:
            if key == tag:
                continue
            prop = obj["properties"][key]
            has_default = "x-default-written" in prop
            default = prop.get("x-default-written")
            kind = self.type(prop)
            rprop = reader["properties"][key]
            if rprop.get("default", default) != default or ("default" in rprop) != has_default:
                raise SystemExit(f"{key}: the reader view's default differs from the wire view's")
            if rprop.get("x-null-reads-as-default"):
                kind = ["nulldefault", kind[1], default]
            skip = "absent" if key in absent else self.empty(kind) if key in empty else False
            out.append([key, kind, has_default, default, skip])
            if not has_default and not (isinstance(kind, list) and kind[0] == "opt"):
                must.add(key)
        if must | ({tag} if tag else set()) != set(reader["required"]):
            raise SystemExit(f"{obj.get('x-wire-type')}: reader `required` differs from the wire")
        return out

    def empty(self, kind: Any) -> Any:
        """How a key omitted when empty decides it: ``"default"`` (equal to its written
        default), or ``{"when": {key: default}}`` for a struct whose ``x-empty-when`` names the
        keys its ``is_empty()`` looks at."""
        schema = self.defs.get(kind, {}) if isinstance(kind, str) else {}
        if "x-empty-when" not in schema:
            return "default"
        props = schema["properties"]
        return {"when": {k: props[k].get("x-default-written") for k in schema["x-empty-when"]}}

    def enum(self, name: str, schema: dict[str, Any]) -> dict[str, Any]:
        aliases = self.reader["$defs"].get(name, {}).get("x-aliases", {})
        if "discriminator" in schema:
            tag = schema["discriminator"]["propertyName"]
            variants: dict[str, Any] = {}
            for value, ref in schema["discriminator"]["mapping"].items():
                vname = ref.removeprefix("#/$defs/")
                obj = self.defs[vname]
                variants[value] = self.fields(obj, self._reader_object(vname), tag) or None
                if "x-history" in obj:
                    self.history[value] = obj["x-history"]
                if "x-revert-tag" in obj:
                    self.revert = self.revert_tag(obj)
            return {"tag": tag, "variants": variants, "aliases": aliases}
        if "enum" in schema:
            return {"tag": None, "variants": dict.fromkeys(schema["enum"]), "aliases": aliases}
        variants = {}
        for branch in schema["anyOf"]:
            if "const" in branch:
                variants[branch["const"]] = None
                continue
            (value,) = branch["required"]
            inner = branch["properties"][value]
            if "x-wire-order" in inner:
                rinner = self._reader_variant(name, value)
                variants[value] = self.fields(inner, rinner)
            else:
                variants[value] = self.type(inner)
        return {"tag": None, "variants": variants, "aliases": aliases}

    def revert_tag(self, event: dict[str, Any]) -> dict[str, Any]:
        """The x-revert-tag annotation with its JSON pointers resolved to keys (checked to
        exist), ``holders`` {part: [tag key, tag value]} for a key of a tagged union's variant,
        and its category→kind map checked against the two enums."""
        ann = event["x-revert-tag"]
        keys, holders = {}, {}
        for part, ref in ann["keys"].items():
            type_ref, _, key = ref.rpartition("/properties/")
            self._resolve(ref)
            keys[part] = key
            for union in self.defs.values():
                mapping = union.get("discriminator", {}).get("mapping", {})
                for value, target in mapping.items():
                    if target == type_ref:
                        holders[part] = [union["discriminator"]["propertyName"], value]
        categories = self._resolve(event["properties"]["category"]["$ref"])["enum"]
        tag_kinds = self._resolve(self._resolve(ann["keys"]["tag-kind"])["$ref"])["enum"]
        kinds = ann["kinds"]
        if sorted(kinds) != sorted(categories) or not set(kinds.values()) <= set(tag_kinds):
            raise SystemExit("x-revert-tag: `kinds` must map every revert category to a tag kind")
        if not set(ann.get("decaying", [])) <= set(tag_kinds):
            raise SystemExit("x-revert-tag: `decaying` must name tag kinds")
        return {
            "kinds": kinds,
            "breadcrumb": ann["text"] == "breadcrumb",
            "decaying": ann.get("decaying", []),
            "skip_tools": ann.get("skip-tools", []),
            "keys": keys,
            "holders": holders,
        }

    def _resolve(self, ref: str) -> dict[str, Any]:
        """The schema a local JSON pointer (``#/$defs/...``) names (SystemExit if none)."""
        node: Any = self.wire
        for part in ref.removeprefix("#/").split("/"):
            if not isinstance(node, dict) or part not in node:
                raise SystemExit(f"{ref}: no such place in {self.wire['$id']}")
            node = node[part]
        return node  # type: ignore[no-any-return]

    def _reader_variant(self, name: str, value: str) -> dict[str, Any]:
        for branch in self.reader["$defs"][name]["anyOf"]:
            if branch.get("required") == [value]:
                forms = branch["properties"][value]["anyOf"]
                (obj,) = [s for s in forms if s.get("type") == "object"]
                return obj  # type: ignore[no-any-return]
        raise SystemExit(f"{name}.{value}: no reader form")


def table(wire_path: Path) -> tuple[str, dict[str, Any]]:
    wire = json.loads(wire_path.read_text(encoding="utf-8"))
    reader_path = wire_path.with_name(wire_path.name.replace(".wire.", ".reader."))
    reader = json.loads(reader_path.read_text(encoding="utf-8"))
    if reader["x-wire-view"] != wire["$id"]:
        raise SystemExit(f"{reader_path}: x-wire-view is not {wire['$id']}")
    tables = Tables(wire, reader)
    root = wire["$ref"].removeprefix("#/$defs/")
    tables.add(root)
    name = f"{wire['x-crate']}@{wire['x-interop-version']}"
    entry = {
        "file": wire_path.relative_to(SCHEMA).as_posix(),
        "revision": wire["x-revision"],
        "versions": wire["x-crate-versions"],
        "root": root,
        "structs": tables.structs,
        "enums": tables.enums,
        "history": tables.history,
        **({"revert": tables.revert} if tables.revert else {}),
    }
    return name, entry


def _key(name: str) -> tuple[str, tuple[int, ...]]:
    crate, _, version = name.partition("@")
    return crate, tuple(int(p) for p in version.split("."))


def _pooled(entries: dict[str, Any], pools: dict[str, dict[str, list[Any]]]) -> None:
    """Replace each revision's struct and enum tables by their index in the shared pools."""
    for entry in entries.values():
        for part, pool in pools.items():
            refs = {}
            for name, value in entry[part].items():
                forms = pool.setdefault(name, [])
                if value not in forms:
                    forms.append(value)
                refs[name] = forms.index(value)
            entry[part] = refs


def render() -> str:
    events = dict(table(p) for p in SCHEMA.glob("*/events/*/events.wire.schema.json"))
    sessions = dict(table(p) for p in SCHEMA.glob("phi-core/session/*/session.wire.schema.json"))
    events = {k: events[k] for k in sorted(events, key=_key, reverse=True)}
    sessions = {k: sessions[k] for k in sorted(sessions, key=_key, reverse=True)}
    pools: dict[str, dict[str, list[Any]]] = {"structs": {}, "enums": {}}
    _pooled(events, pools)
    _pooled(sessions, pools)
    data = {
        "EVENTS": events,
        "SESSIONS": sessions,
        "STRUCTS": dict(sorted(pools["structs"].items())),
        "ENUMS": dict(sorted(pools["enums"].items())),
    }
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def write_or_check(out: Path, text: str, argv: list[str] | None, doc: str, script: str) -> int:
    """Write ``text`` to ``out``, or with ``--check`` print the diff and return 1 if it differs."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    return check_or_write({out: text}, check=args.check, what="record", script=script)


def main(argv: list[str] | None = None) -> int:
    return write_or_check(OUT, render(), argv, __doc__, Path(__file__).name)


if __name__ == "__main__":
    sys.exit(main())
