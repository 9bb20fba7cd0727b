"""The published JSON Schemas (Draft 2020-12), shipped inside the package.

Every revision has two views (see ``schema/README.md``): the *wire* view, what ``save_messages()``
writes, and the *reader* view, what ``restore_messages()`` accepts (it ``$ref``s the wire view).

>>> from agent_conversation import schemas
>>> schemas.validator("yoagent@0.18.0").is_valid([])
True
>>> schemas.schema_path("yoagent@0.18.0", view="wire").name
'conversation.wire.schema.json'
>>> schemas.schema_path("yoagent@0.18.0").name  # the reader view, bundled with its wire view
'conversation.reader.bundle.json'

Every ``$id`` resolves offline through :func:`registry`; nothing is fetched. A source file that
references another (a reader view its wire view) has a generated bundle beside it
(``*.bundle.json``, by ``scripts/generate_schema_bundles.py``): :func:`schema_path` and
:func:`schema` give that, so any validator can use the one file offline.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import as_file, files
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .dialects import parse_version, resolve
from .errors import ConversationError

if TYPE_CHECKING:
    import jsonschema
    import referencing

View = Literal["reader", "wire"]
Kind = Literal["conversation", "config"]
VIEWS: tuple[View, ...] = ("reader", "wire")
VOCABULARY = "vocabulary.json"
SOURCE_SUFFIX, BUNDLE_SUFFIX = ".schema.json", ".bundle.json"


def schema_dir() -> Path:
    """The folder holding the schema files (inside the installed package)."""
    with as_file(files("agent_conversation") / "schema") as path:
        return Path(path)


def _check_view(view: str) -> None:
    if view not in VIEWS:
        raise ConversationError(f"unknown schema view {view!r}: use 'reader' or 'wire'")


def config_revision(dialect: str) -> str:
    """The configuration-schema revision a crate version reads (``yoagent@0.16.2`` →
    ``yoagent@0.15``): the records' resolver, whose tables come from the same schemas."""
    from .records.config_spec import resolve_config

    return resolve_config(dialect)


def schema_path(dialect: str, view: View = "reader", kind: Kind = "conversation") -> Path:
    """A file any validator can use on its own (no ``--base-uri``, nothing fetched): the source
    ``schema/<crate>/<revision>/conversation.<view>.schema.json`` (``kind="config"``:
    ``schema/<crate>/config/<revision>/config.<view>.schema.json``) when it references no other
    file, else its generated bundle beside it (``conversation.reader.bundle.json``)."""
    source = source_path(dialect, view, kind)
    bundled = bundle_path(source)
    return bundled if bundled.is_file() else source


def bundle_path(source: Path) -> Path:
    """Where a source's bundle is: ``conversation.reader.schema.json`` →
    ``conversation.reader.bundle.json`` beside it."""
    return source.with_name(source.name.removesuffix(SOURCE_SUFFIX) + BUNDLE_SUFFIX)


def source_path(dialect: str, view: View = "reader", kind: Kind = "conversation") -> Path:
    """The source file of a dialect's schema (``conversation.<view>.schema.json``): where its
    ``$id`` points; its references to other files resolve through :func:`registry`."""
    _check_view(view)
    if kind == "config":
        crate, revision = config_revision(dialect).split("@")
        return schema_dir() / crate / "config" / revision / f"config.{view}.schema.json"
    if kind != "conversation":
        raise ConversationError(f"unknown schema kind {kind!r}: use 'conversation' or 'config'")
    crate, revision = resolve(dialect).split("@")
    return schema_dir() / crate / revision / f"conversation.{view}.schema.json"


@cache
def _load(path: Path) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return schema


def schema(
    dialect: str,
    view: View = "reader",
    type: str | None = None,  # noqa: A002 - the issue's name for it
    kind: Kind = "conversation",
) -> dict[str, Any]:
    """A schema as a dict: the whole of :func:`schema_path` (self-contained), or with ``type`` (a
    ``$defs`` entry such as ``"AssistantMessage"`` or ``"SessionEntry"``) a small schema that
    ``$ref``s that entry by ``$id`` (resolve it with :func:`registry`)."""
    if type is None:
        return dict(_load(schema_path(dialect, view, kind)))
    root = _load(source_path(dialect, view, kind))
    if type not in root["$defs"]:
        known = ", ".join(root["$defs"])
        raise ConversationError(f"{root['$id']} has no type {type!r}; known: {known}")
    return {
        "$schema": root["$schema"],
        "$ref": f"{root['$id']}#/$defs/{type}",
    }


@cache
def registry() -> referencing.Registry[Any]:
    """Every shipped schema by its ``$id`` (offline: unknown URIs are an error, never fetched)."""
    from referencing import Registry, Resource

    resources = []
    for path in sorted(schema_dir().rglob(f"*{SOURCE_SUFFIX}")):
        contents = _load(path)
        resources.append((contents["$id"], Resource.from_contents(contents)))
    return Registry().with_resources(resources).crawl()


def validator(
    dialect: str,
    view: View = "reader",
    type: str | None = None,  # noqa: A002
    kind: Kind = "conversation",
) -> jsonschema.protocols.Validator:
    """A ``jsonschema`` Draft 2020-12 validator for a dialect (``yoagent@0.18.0``)."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema(dialect, view, type, kind), registry=registry())


def vocabulary() -> dict[str, Any]:
    """The ``x-`` annotation vocabulary (``schema/vocabulary.json``)."""
    return _load(schema_dir() / VOCABULARY)


def _wire_roots(pattern: str) -> list[dict[str, Any]]:
    """The roots of the wire views matching a glob under ``schema/``, yoagent first, oldest
    first."""
    roots = [_load(path) for path in schema_dir().glob(pattern)]
    return sorted(roots, key=lambda r: (r["x-crate"] != "yoagent", parse_version(r["x-revision"])))


def list_dialects() -> list[tuple[str, list[str]]]:
    """Every conversation revision (``yoagent@0.13``) with the crate versions that map to it
    (``[">=0.13.0", "<0.22.0"]``), yoagent first, oldest first."""
    return [
        (f"{r['x-crate']}@{r['x-revision']}", list(r["x-crate-versions"]))
        for r in _wire_roots("*/*/conversation.wire.schema.json")
    ]


def releases() -> list[tuple[str, str, str]]:
    """Every published crate version that saves conversations (``yoagent@0.16.2``, from the wire
    views' ``x-crate-releases``) with the conversation revision it maps to (``yoagent@0.13``) and
    its configuration revision (``yoagent@0.15``), yoagent first, oldest first."""
    configs = {
        f"{r['x-crate']}@{v}": f"{r['x-crate']}@{r['x-revision']}"
        for r in _wire_roots("*/config/*/config.wire.schema.json")
        for v in r["x-crate-releases"]
    }
    return [
        (version, f"{r['x-crate']}@{r['x-revision']}", configs[version])
        for r in _wire_roots("*/*/conversation.wire.schema.json")
        for version in (f"{r['x-crate']}@{v}" for v in r["x-crate-releases"])
    ]


__all__ = [
    "VIEWS",
    "config_revision",
    "list_dialects",
    "registry",
    "releases",
    "schema",
    "schema_dir",
    "schema_path",
    "source_path",
    "validator",
    "vocabulary",
]
