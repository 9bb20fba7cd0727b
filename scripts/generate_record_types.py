"""Generate TypedDicts for the records' written forms from the wire views of their schemas.

One namespace per crate (``Yoagent…``, ``PhiCore…``), over every revision of its configuration
types (``schema/<crate>/config/``), agent events (``schema/<crate>/events/``) and, for phi-core,
session documents (``schema/phi-core/session/``), message types included. A type that changed
between revisions gets every key any revision writes; a key is required only where every
revision that has the type always writes it. A type whose definition is the same in both
crates (its keys and their types, referenced types resolved) is defined once, under the first
crate's name, and the other crate's name is an alias of it. Output:
``python/agent_conversation/records/types.py``, the return types of ``loads_config``,
``loads_event(s)`` and ``loads_phi_document``::

    python scripts/generate_record_types.py          # rewrite
    python scripts/generate_record_types.py --check  # exit 1 when stale (a test runs it)
"""

from __future__ import annotations

import json
import keyword
import re
import sys
import textwrap
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_record_tables import write_or_check  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "schema"
OUT = ROOT / "python" / "agent_conversation" / "records" / "types.py"
PREFIX = {"yoagent": "Yoagent", "phi-core": "PhiCore"}
INTEGERS = {"U64", "U32", "Usize"}
# What each public type is: (alias, crate, $defs entries it is the union of).
PUBLIC = [
    ("AgentEvent", "yoagent", ["AgentEvent"]),
    ("AgentEvent", "phi-core", ["AgentEvent"]),
    ("Session", "phi-core", ["Session"]),
    ("ConfigValue", "yoagent", ["ToolExecutionStrategy", "CacheConfig", "ContextConfig",
                                "ExecutionLimits"]),
    ("ConfigValue", "phi-core", ["ToolExecutionStrategy", "CacheConfig", "ContextConfig",
                                 "ExecutionLimits"]),
]  # fmt: skip


def _version(path: Path) -> tuple[int, ...]:
    return tuple(int(p) for p in path.parent.name.split("."))


def wire_views(crate: str) -> list[Path]:
    paths = [
        *SCHEMA.glob(f"{crate}/config/*/config.wire.schema.json"),
        *SCHEMA.glob(f"{crate}/events/*/events.wire.schema.json"),
        *SCHEMA.glob(f"{crate}/session/*/session.wire.schema.json"),
    ]
    return sorted(paths, key=lambda p: (p.parent.parent.name, _version(p)))


def merged_defs(crate: str) -> dict[str, Any]:
    """Every $defs entry of the crate's record wire views, merged over the revisions."""
    out: dict[str, Any] = {}
    for path in wire_views(crate):
        for name, schema in json.loads(path.read_text(encoding="utf-8"))["$defs"].items():
            out[name] = _merge(out[name], schema) if name in out else schema
    return out


def _merge(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    if "properties" in old and "properties" in new:
        props = {**old["properties"], **new["properties"]}
        required = [k for k in new.get("required", []) if k in old.get("required", [])]
        return {**new, "properties": props, "required": required}
    if "enum" in old and "enum" in new:
        return {**new, "enum": list(dict.fromkeys([*old["enum"], *new["enum"]]))}
    for key in ("oneOf", "anyOf"):
        if key in old and key in new:
            return {**new, key: [*new[key], *(s for s in old[key] if s not in new[key])]}
    return new


def class_name(crate: str, name: str) -> str:
    return PREFIX[crate] + "".join(p[:1].upper() + p[1:] for p in re.split(r"[_\-.]", name))


class Emitter:
    """The definitions of one crate's types; ``shared`` ({definition: name}, across crates)
    makes a definition already emitted under another name an alias of it."""

    def __init__(self, crate: str, shared: dict[str, str]) -> None:
        self.crate = crate
        self.defs = merged_defs(crate)
        self.done: dict[str, str] = {}
        self.lines: list[str] = []
        self.shared = shared

    def emit(self, name: str, body: list[str], definition: str) -> list[str]:
        """``body`` defines ``name``; or, when ``definition`` was emitted before, an alias."""
        if definition in self.shared:
            return [f"{name} = {self.shared[definition]}", ""]
        self.shared[definition] = name
        return body

    def ref(self, name: str) -> str:
        if name in INTEGERS:
            return "int"
        if name not in self.done:
            self.done[name] = class_name(self.crate, name)
            self.lines += self.define(name, self.defs[name])
            self.done[name] = self._canonical(self.done[name])
        return self.done[name]

    def annotation(self, schema: dict[str, Any]) -> str:
        if schema.get("$ref", "").startswith("#/$defs/"):
            return self.ref(schema["$ref"].removeprefix("#/$defs/"))
        if "const" in schema:
            return f"Literal[{json.dumps(schema['const'])}]"
        if "enum" in schema:
            return "Literal[" + ", ".join(json.dumps(v) for v in schema["enum"]) + "]"
        for key in ("anyOf", "oneOf"):
            if key in schema:
                parts = list(dict.fromkeys(self.annotation(s) for s in schema[key]))
                return " | ".join(parts)
        kind = schema.get("type")
        if isinstance(kind, list) or schema.get("x-free-json") or not kind:
            return "Any"
        if kind == "null":
            return "None"
        if kind == "array":
            return f"list[{self.annotation(schema.get('items', {}))}]"
        if kind == "object":
            if "properties" in schema:  # an inline struct: a variant {name: fields}, its fields
                return self.typed_dict(schema, self._inline_name(schema))
            return f"dict[str, {self.annotation(schema.get('additionalProperties', {}))}]"
        return {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}[kind]

    def _inline_name(self, schema: dict[str, Any]) -> str:
        """A struct variant's map ``{Variant: fields}`` is ``<Variant>Variant``, its fields
        ``<Variant>Fields``."""
        if "x-wire-order" in schema and "x-wire-type" in schema:
            return str(schema["x-wire-type"]) + "Fields"
        if len(schema.get("required", [])) == 1:
            return str(schema["required"][0]) + "Variant"
        return f"Inline{len(self.done)}"

    def typed_dict(self, schema: dict[str, Any], suffix: str) -> str:
        name = class_name(self.crate, suffix)
        self.done[suffix] = name
        self.lines += self.struct(name, schema)
        return self._canonical(name)

    def _canonical(self, name: str) -> str:
        """The name a type's definition was first emitted under (itself, or what it aliases)."""
        line = f"{name} = "
        for text in reversed(self.lines):
            if text.startswith(line) and text[len(line) :].isidentifier():
                return text[len(line) :]
        return name

    def struct(self, name: str, schema: dict[str, Any]) -> list[str]:
        required = set(schema.get("required", []))
        order = schema.get("x-wire-order") or list(schema["properties"])
        fields = []
        for key in order:
            hint = self.annotation(schema["properties"][key])
            fields.append(f"    {key}: {hint if key in required else f'NotRequired[{hint}]'}")
        doc = (schema.get("description") or "").replace('"', "'").split("\n")[0]
        if not all(k.isidentifier() and not keyword.iskeyword(k) for k in order):
            raise SystemExit(f"{name}: a key is not a Python name; emit the functional form")
        body = [
            f"class {name}(TypedDict):",
            *([f'    """{line}"""' for line in textwrap.wrap(doc, 90)][:1] if doc else []),
            *fields,
            "",
            "",
        ]
        return self.emit(name, body, "\n".join(["TypedDict", *fields]))

    def define(self, name: str, schema: dict[str, Any]) -> list[str]:
        full = self.done[name]
        if schema.get("type") == "object" and "properties" in schema:
            return self.struct(full, schema)
        hint = self.annotation(schema)
        return self.emit(full, [f"{full} = {hint}", ""], hint)


def render() -> str:
    lines = [
        "# GENERATED by scripts/generate_record_types.py from the records' wire views in schema/ —",
        "# do not edit by hand.",
        '"""TypedDicts of the records\' written forms (configuration types, agent events, phi-core',
        "session documents), one namespace per crate, over all its revisions: a key some revision",
        'does not write is NotRequired. Message types are the conversation wire views\'."""',
        "",
        "from typing import Any, Literal",
        "",
        "from typing_extensions import NotRequired, TypedDict",
        "",
    ]
    public: dict[str, list[str]] = {}
    shared: dict[str, str] = {}
    for crate in PREFIX:
        emitter = Emitter(crate, shared)
        for alias, owner, roots in PUBLIC:
            if owner == crate:
                names = [emitter.ref(r) for r in roots]
                lines += emitter.lines
                emitter.lines = []
                full = PREFIX[crate] + alias
                if names != [full]:
                    lines += [f"{full} = {' | '.join(names)}", ""]
                public.setdefault(alias, []).append(full)
    for alias, names in public.items():
        lines += [f"{alias} = {' | '.join(names)}", ""]
    text = "\n".join(lines).rstrip("\n") + "\n"
    return _format(text)


def _format(text: str) -> str:
    """The layout ruff format keeps (so the generated file is also formatted)."""
    import subprocess

    proc = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--stdin-filename", str(OUT), "-"],
        input=text,
        capture_output=True,
        text=True,
        check=True,
    )
    return proc.stdout


def main(argv: list[str] | None = None) -> int:
    return write_or_check(OUT, render(), argv, __doc__, Path(__file__).name)


if __name__ == "__main__":
    sys.exit(main())
