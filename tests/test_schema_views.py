"""The reader view restates nothing of the wire view: every value schema is written once.

A reader view's object form lists its keys (JSON Schema validates a key only where it is named),
but the schema of each value is the wire view's, by ``$ref``, unless the reader accepts more
there (a nested type with serde's other forms, ``null`` for an Option, a variant index for a
tag, any value for phi-core's metadata). Sequence forms and alias keys ``$ref`` the object
form's property. These tests fail on a reader subschema that asserts exactly what a wire
subschema asserts without referring to it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema"
READERS = sorted(
    [
        *SCHEMA_DIR.glob("*/*/conversation.reader.schema.json"),
        *SCHEMA_DIR.glob("*/config/*/config.reader.schema.json"),
    ]
)
ANNOTATIONS = {"description", "default", "title", "$comment", "discriminator"}
SUBSCHEMA_MAPS = {"properties", "$defs", "patternProperties", "dependentSchemas"}
NULL = {"type": "null"}


def rel(path: Path) -> str:
    return path.relative_to(SCHEMA_DIR).as_posix()


class Views:
    """A reader view and its wire view, with subschemas compared by what they assert."""

    def __init__(self, reader_path: Path) -> None:
        self.wire_name = reader_path.name.replace(".reader.", ".wire.")
        self.reader = json.loads(reader_path.read_text(encoding="utf-8"))
        self.wire = json.loads(reader_path.with_name(self.wire_name).read_text(encoding="utf-8"))

    def _ref(self, ref: str, side: str) -> str:
        """Where a ``$ref`` leads: ``W:`` a wire location, ``R:`` a reader one (a reader $defs
        entry that is only a ``$ref`` to the wire view counts as that wire location)."""
        if side == "wire":
            return "W:" + ref.removeprefix("#")
        if ref.startswith(self.wire_name + "#"):
            return "W:" + ref.split("#", 1)[1]
        parts = ref.removeprefix("#").split("/")
        if len(parts) == 3 and parts[1] == "$defs":
            target = self.reader["$defs"].get(parts[2], {})
            if set(target) == {"$ref"}:
                return self._ref(target["$ref"], "reader")
        return "R:" + ref.removeprefix("#")

    def asserts(self, node: Any, side: str) -> Any:
        """A subschema without annotations (``x-`` keywords included); an enum or const of
        strings asserts the string type."""
        if isinstance(node, list):
            return [self.asserts(item, side) for item in node]
        if not isinstance(node, dict):
            return node
        out: dict[str, Any] = {}
        values = node.get("enum", [node["const"]] if "const" in node else None)
        if values is not None and "type" not in node and all(isinstance(v, str) for v in values):
            out["type"] = "string"
        for key, value in node.items():
            if key in ANNOTATIONS or key.startswith("x-"):
                continue
            if key == "$ref":
                out[key] = self._ref(value, side)
            elif key in SUBSCHEMA_MAPS:
                out[key] = {k: self.asserts(v, side) for k, v in value.items()}
            else:
                out[key] = self.asserts(value, side)
        return out

    def object_forms(self) -> dict[str, dict[str, Any]]:
        """The reader's object forms of the wire view's object types, by $defs name."""
        forms = {}
        for name, definition in self.reader["$defs"].items():
            branches = definition.get("anyOf")
            if isinstance(branches, list) and branches and "x-aliases" in branches[0]:
                forms[name] = branches[0]
        return forms


def is_reference(node: dict[str, Any]) -> bool:
    """A ``$ref`` with at most annotations beside it."""
    return "$ref" in node and set(node) - ANNOTATIONS - {"$ref"} == set()


@pytest.mark.parametrize("path", READERS, ids=rel)
def test_reader_properties_refer_to_the_wire_view(path: Path) -> None:
    views = Views(path)
    forms = views.object_forms()
    assert forms
    for name, form in forms.items():
        wire_props = views.wire["$defs"][name]["properties"]
        for key, prop in form["properties"].items():
            if key not in wire_props or is_reference(prop):
                continue
            wire = views.asserts(wire_props[key], "wire")
            mine = views.asserts(prop, "reader")
            where = f"{rel(path)} {name}.{key}"
            assert mine != wire, f"{where} restates the wire view's schema: $ref it"
            assert mine != {"anyOf": [wire, NULL]}, f"{where}: anyOf [$ref wire, null]"


@pytest.mark.parametrize("path", READERS, ids=rel)
def test_aliases_and_sequence_forms_refer_to_the_object_form(path: Path) -> None:
    views = Views(path)
    for name, form in views.object_forms().items():
        base = f"#/$defs/{name}/anyOf/0/properties/"
        for alias, target in form["x-aliases"].items():
            assert form["properties"][alias]["$ref"] == base + target, f"{name}.{alias}"
        order = views.wire["$defs"][name]["x-wire-order"]
        stack: list[Any] = list(views.reader["$defs"][name]["anyOf"][1:])
        tuples = []
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                if "prefixItems" in node:
                    tuples.append(node["prefixItems"])
                stack += node.get("anyOf", [])
        for items in tuples:
            assert items == [{"$ref": base + key} for key in order[: len(items)]], name


@pytest.mark.parametrize("path", READERS, ids=rel)
def test_no_reader_type_restates_a_wire_type(path: Path) -> None:
    views = Views(path)
    targets = {}
    for name, definition in views.wire["$defs"].items():
        targets[name] = views.asserts(definition, "wire")
        for i, branch in enumerate(definition.get("anyOf", [])):
            if "$ref" not in branch:
                targets[f"{name}/anyOf/{i}"] = views.asserts(branch, "wire")
    for name, definition in views.reader["$defs"].items():
        nodes = [definition, *definition.get("anyOf", [])]
        for node in nodes:
            if is_reference(node) or "x-aliases" in node:
                continue
            mine = views.asserts(node, "reader")
            same = [t for t, wire in targets.items() if wire == mine]
            assert not same, f"{rel(path)} {name} restates the wire view's {same}: $ref it"
