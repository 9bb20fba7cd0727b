"""JSON Schemas of the records, made from the :mod:`.model` tables (the models are checked
against the real crates by the interop tests; the schemas describe them for other languages).

Each file is complete on its own: the message types are copied from the conversation schema of
the same crate revision. Written to ``schema/<crate>/events/<version>/events.schema.json`` and
``schema/phi-core/session/<version>/session.schema.json``::

    python -m agent_conversation.records.schema_gen          # rewrite
    python -m agent_conversation.records.schema_gen --check  # exit 1 when stale
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from .event_models import EVENT_VERSIONS, event_model
from .model import Enum, F, Model
from .phi_sessions import SESSION_VERSIONS, session_model

ROOT = Path(__file__).resolve().parents[3]
BASE_ID = "https://agent-conversation-format.dev/schema/"
# The folder (revision) of each modeled crate version: named after the first version it covers.
REVISION = {
    "yoagent@0.13.0": "0.13", "yoagent@0.17.0": "0.17", "yoagent@0.18.1": "0.18",
    "yoagent@0.26.6": "0.26.6",
    "phi-core@0.8.0": "0.7", "phi-core@0.10.0": "0.9", "phi-core@0.15.2": "0.12",
}  # fmt: skip
EVENT_RANGES = {
    "yoagent@0.13.0": [">=0.13.0", "<0.17.0"],
    "yoagent@0.17.0": [">=0.17.0", "<0.18.0"],
    "yoagent@0.18.1": [">=0.18.0", "<0.26.6"],
    "yoagent@0.26.6": [">=0.26.6", "<0.27.0"],
    "phi-core@0.8.0": [">=0.7.0", "<0.9.0"],
    "phi-core@0.10.0": [">=0.9.0", "<0.12.0"],
    "phi-core@0.15.2": [">=0.12.0", "<0.16.0"],
}


def _conversation(revision: str) -> dict[str, Any]:
    crate, _, rev = revision.partition("@")
    folder = ROOT / "schema" / crate / rev
    for name in ("conversation.reader.schema.json", "conversation.schema.json"):
        path = folder / name
        if path.exists():
            schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            return schema
    raise FileNotFoundError(folder)


def _type(t: Any) -> dict[str, Any]:
    if isinstance(t, tuple):
        if t[0] == "opt":
            return {"anyOf": [_type(t[1]), {"type": "null"}]}
        if t[0] == "nulldefault":
            return {
                "anyOf": [_type(t[1]), {"type": "null"}],
                "description": "null reads as the default",
            }
        if t[0] == "vec":
            return {"type": "array", "items": _type(t[1])}
        if t[0] == "map":
            return {"type": "object", "additionalProperties": _type(t[1])}
    simple: dict[str, dict[str, Any]] = {
        "str": {"type": "string"},
        "u64": {"$ref": "#/$defs/U64"},
        "usize": {"$ref": "#/$defs/U64"},
        "u32": {"$ref": "#/$defs/U32"},
        "bool": {"type": "boolean"},
        "f64": {"type": "number"},
        "f32": {"type": "number", "x-float": "f32"},
        "datetime": {"type": "string", "format": "date-time", "description": "RFC 3339"},
        "value": {"x-free-json": True},
        "raw": {},
        "agent_message": {"$ref": "#/$defs/AgentMessage"},
        "message": {"$ref": "#/$defs/Message"},
        "content": {"type": "array", "items": {"$ref": "#/$defs/Content"}},
        "usage": {"$ref": "#/$defs/Usage"},
    }  # fmt: skip
    if t in simple:
        return dict(simple[t])
    return {"$ref": f"#/$defs/{t}"}


def _struct(fields: list[F], tag: tuple[str, str] | None = None, name: str = "") -> dict[str, Any]:
    props: dict[str, Any] = {}
    required: list[str] = []
    if tag is not None:
        props[tag[0]] = {"const": tag[1]}
        required.append(tag[0])
    for f in fields:
        schema = _type(f.type)
        if f.has_default:
            schema["x-default-written"] = f.default
        elif not (isinstance(f.type, tuple) and f.type[0] == "opt"):
            required.append(f.name)
        props[f.name] = schema
    order = ([tag[0]] if tag else []) + [f.name for f in fields]
    obj: dict[str, Any] = {
        "type": "object",
        "x-wire-type": name or (tag[1] if tag else ""),
        "required": required,
        "properties": props,
        "x-wire-order": order,
        "x-omit-when-absent": [f.name for f in fields if f.skip is True],
        "x-aliases": {},
        "x-duplicate-keys": "error",
    }
    empty = [f.name for f in fields if f.skip and f.skip is not True]
    if empty:
        obj["x-omit-when-empty"] = empty
    if tag is not None:
        obj["x-variant"] = tag[1]
    seq_items = ([{"const": tag[1]}] if tag else []) + [_type(f.type) for f in fields]
    seq_min = len(seq_items) - sum(1 for _ in _trailing_defaults(fields))
    seq = {"type": "array", "prefixItems": seq_items, "items": False, "minItems": seq_min}
    return {"anyOf": [obj, seq]}


def _trailing_defaults(fields: list[F]) -> list[F]:
    out: list[F] = []
    for f in reversed(fields):
        if not f.has_default:
            break
        out.append(f)
    return out


def _enum(enum: Enum) -> dict[str, Any]:
    if enum.tag is not None:
        branches = []
        for name, variant in enum.variants.items():
            fields = variant if isinstance(variant, list) else []
            branches.append(
                {
                    "if": {"type": "object", "properties": {enum.tag: {"const": name}},
                           "required": [enum.tag]},
                    "then": _struct(fields, (enum.tag, name))["anyOf"][0],
                }
            )  # fmt: skip
        names = list(enum.variants)
        as_object = {
            "type": "object",
            "required": [enum.tag],
            "properties": {enum.tag: {"enum": names}},
            "allOf": branches,
        }
        as_sequence = {
            "type": "array",
            "prefixItems": [{"enum": names}],
            "minItems": 1,
            "description": "serde's sequence form: the tag, then the fields in order",
        }
        return {
            "description": f"internally tagged by `{enum.tag}`",
            "anyOf": [as_object, as_sequence],
        }
    units = [n for n, v in enum.variants.items() if v is None]
    options: list[dict[str, Any]] = []
    if units:
        options.append({"enum": units + list(enum.aliases)})
    for name, variant in enum.variants.items():
        inner = {"type": "null"} if variant is None else (
            _struct(variant, name=name) if isinstance(variant, list) else _type(variant)
        )  # fmt: skip
        options.append(
            {"type": "object", "required": [name], "maxProperties": 1,
             "properties": {name: inner}}
        )  # fmt: skip
    return {"description": "externally tagged", "anyOf": options}


def _schema(model: Model, root: str, path: str, title: str, versions: list[str]) -> dict[str, Any]:
    conversation = _conversation(model.spec.name)
    defs = conversation["$defs"]
    for name, fields in model.structs.items():
        defs.setdefault(name, _struct(fields, name=name))
    for name, enum in model.enums.items():
        defs.setdefault(name, _enum(enum))
    crate = model.name.split("@")[0]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": BASE_ID + path,
        "title": title,
        "description": "Made by agent_conversation.records.schema_gen from the models that the "
        "interop tests check against the real crates. serde also accepts every struct as a "
        "sequence of its fields; free values (x-free-json) are written with sorted keys.",
        "x-crate": crate,
        "x-revision": REVISION[model.name],
        "x-crate-versions": versions,
        **{k: v for k, v in conversation.items() if k in _MESSAGE_ANNOTATIONS},
        "$ref": f"#/$defs/{root}",
        "$defs": defs,
    }


_MESSAGE_ANNOTATIONS = ("x-sorted-keys", "x-duplicate-keys", "x-metadata")


def schemas() -> dict[Path, dict[str, Any]]:
    out: dict[Path, dict[str, Any]] = {}
    for crate, versions in EVENT_VERSIONS.items():
        for version in versions:
            name = f"{crate}@{version}"
            rel = f"{crate}/events/{REVISION[name]}/events.schema.json"
            title = f"{crate} {version} AgentEvent (one line of an event stream)"
            out[ROOT / "schema" / rel] = _schema(
                event_model(name), "AgentEvent", rel, title, EVENT_RANGES[name]
            )
    for version in SESSION_VERSIONS:
        rel = f"phi-core/session/{REVISION['phi-core@' + version]}/session.schema.json"
        bounds = EVENT_RANGES[f"phi-core@{version}"]
        title = f"phi-core {version} session document (save_session)"
        out[ROOT / "schema" / rel] = _schema(session_model(version), "Session", rel, title, bounds)
    return out


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    stale = []
    for path, schema in schemas().items():
        text = render(schema)
        if "--check" in args:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(str(path.relative_to(ROOT)))
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    if stale:
        print("stale record schemas:", ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
