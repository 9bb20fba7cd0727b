"""Each definition of the generated model modules written once (``share_classes``), for
scripts/generate_models.py.

The code generator writes one module per wire revision, each complete. Across them:

- A definition emitted identically in several revisions (together with every definition it
  refers to) is kept in the first module that has it; the later modules import it from there.
- Definitions of one name and text whose referents differ (yoagent 0.8's ``UserMessage`` lists
  0.8's ``Content``, with 0.8's ``ToolCallContent``) are written once as a generic model over the
  referents that differ (``UserMessageOf[ContentT]``, ``ContentOf[ThinkingContentT,
  ToolCallContentT]``, ``SavedConversationOf[MessageT]``), in the first module that has them;
  each module binds it to its own classes in one line (``class UserMessage(
  UserMessageOf[Content]): ...``). A class's own bases (phi-core's ``MetadataSince07``) and
  class keywords (``SavedConversation``'s title) stay with the binding.
- Fields that several modules' classes of one name start with (yoagent 0.8's
  ``ToolCallContent`` is 0.4's with ``providerMetadata`` added; phi-core's ``ExtensionMessage``
  is yoagent's with another docstring) are written once as a base class
  (``ToolCallContentBase``) in the first module that has them; each class extends it with its
  docstring and the fields it adds.

Each revision keeps its own classes, so ``isinstance`` and ``model_validate`` tell revisions
apart, and its module states only its own facts: its own definitions and its bindings.
"""

from __future__ import annotations

import ast
import json
import textwrap
from dataclasses import dataclass, field


def _top_level(text: str) -> tuple[str, dict[str, str], dict[str, set[str]]]:
    """A generated module's imports (as written), its top-level definitions (name -> source, in
    order) and the module's names each definition refers to."""
    tree = ast.parse(text)
    lines = text.splitlines()
    imports: list[ast.stmt] = []
    blocks: dict[str, str] = {}
    names: dict[str, set[str]] = {}
    for node in tree.body:
        first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
        while first > 1 and lines[first - 2].startswith("#"):  # its comment goes with it
            first -= 1
        source = "\n".join(lines[first - 1 : node.end_lineno])
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            imports.append(node)
            continue
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and blocks:
            name = next(reversed(blocks))  # an alias's docstring goes with the alias
            blocks[name] += "\n" + source
            continue
        if isinstance(node, ast.ClassDef):
            name = node.name
        elif isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            name = node.target.id
        else:
            raise SystemExit(f"unexpected top-level statement in generated code:\n{source}")
        blocks[name] = source
        names[name] = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    head = "\n".join(lines[imports[0].lineno - 1 : imports[-1].end_lineno]) if imports else ""
    return head, blocks, {n: refs & (set(blocks) - {n}) for n, refs in names.items()}


def _identities(blocks: dict[str, str], refs: dict[str, set[str]]) -> dict[str, str]:
    """Each definition's source together with (recursively) those of the definitions it refers
    to: two modules' classes of one name are the same class when their identities are equal."""
    done: dict[str, str] = {}

    def identity(name: str, seen: frozenset[str]) -> str:
        if name in seen:
            return name  # a recursive type: its own source is already in the identity
        if name not in done:
            inner = [identity(r, seen | {name}) for r in sorted(refs[name])]
            done[name] = json.dumps([blocks[name], inner])
        return done[name]

    return {name: identity(name, frozenset()) for name in blocks}


@dataclass
class _Module:
    """A generated module cut into its parts (``_parse_module``)."""

    header: str  # the GENERATED header, down to ``from __future__ import annotations``
    imports: str  # the code generator's imports, as written
    blocks: dict[str, str]  # top-level definitions: name -> source, in order
    identities: dict[str, str]  # name -> identity (``_identities``)


def _parse_module(text: str) -> _Module:
    header, future, body = text.partition("from __future__ import annotations\n")
    imports, blocks, refs = _top_level(body)
    return _Module(header + future, imports, blocks, _identities(blocks, refs))


@dataclass
class _Template:
    """One name and text (``key``) that several modules define with referents that differ: the
    generic ``<name>Of`` over those referents (``params``), kept in the first of them (``home``);
    each module's own definition becomes a binding of it (``_binding``)."""

    name: str
    key: str
    home: str
    params: list[str] = field(default_factory=list)


def _statement(source: str) -> ast.stmt:
    """A block's definition (after the comments that go with it)."""
    return ast.parse(source).body[0]


def _is_type_alias(node: ast.stmt) -> bool:
    call = node.value if isinstance(node, ast.Assign) else None
    return isinstance(call, ast.Call) and ast.unparse(call.func) == "TypeAliasType"


def _own_bases(node: ast.ClassDef, defined: set[str]) -> list[str]:
    """The bases a class keeps in each revision: the module's own classes (phi-core's
    ``MetadataSince07``, ...), not part of the structure a generic shares."""
    return [b.id for b in node.bases if isinstance(b, ast.Name) and b.id in defined]


def _generic_bases(node: ast.ClassDef, defined: set[str]) -> list[ast.expr]:
    """The bases a generic version of a class keeps (``WireModel`` when all are its own)."""
    bases = [b for b in node.bases if not (isinstance(b, ast.Name) and b.id in defined)]
    return bases or [ast.Name("WireModel")]


def _template_key(source: str, defined: set[str]) -> str | None:
    """What a definition shares with those of its name in other modules when a generic version
    can serve them: a type alias's text, or a class's text but for its own bases and its class
    keywords (SavedConversation's title). None for other definitions (one-line unions)."""
    if len(ast.parse(source).body) != 1:
        return None  # an alias with its docstring after it
    node = _statement(source)
    if _is_type_alias(node):
        return source
    if not isinstance(node, ast.ClassDef):
        return None
    bases = ", ".join(ast.unparse(b) for b in _generic_bases(node, defined))
    body = source.splitlines()[node.body[0].lineno - 1 :]
    return "\n".join([f"({bases})", *body])


def _shared_referents(source: str, defined: set[str]) -> list[str]:
    """The module's names that the shared part of a definition (``_template_key``) refers to,
    in order of first use."""
    node = _statement(source)
    if isinstance(node, ast.ClassDef):
        parts: list[ast.AST] = [*_generic_bases(node, defined), *node.body]
    else:
        assert isinstance(node, ast.Assign)
        parts = [node.value]
    spots = sorted(
        (n.lineno, n.col_offset, n.id)
        for part in parts
        for n in ast.walk(part)
        if isinstance(n, ast.Name) and n.id in defined
    )
    return list(dict.fromkeys(name for _, _, name in spots))


def _rename(source: str, names: dict[str, str]) -> str:
    """``source`` with each name (an ``ast.Name``, not an attribute or a keyword) renamed."""
    lines = [line.encode("utf-8") for line in source.splitlines()]
    spots = sorted(
        (
            (n.lineno, n.col_offset, n.end_col_offset or 0, names[n.id])
            for n in ast.walk(ast.parse(source))
            if isinstance(n, ast.Name) and n.id in names
        ),
        reverse=True,
    )
    for line, start, end, new in spots:
        lines[line - 1] = lines[line - 1][:start] + new.encode("utf-8") + lines[line - 1][end:]
    return "\n".join(line.decode("utf-8") for line in lines)


def _type_var(name: str) -> str:
    return f"{name}T"


def _generic(template: _Template, source: str, defined: set[str]) -> str:
    """The generic version of a definition (its source in ``template.home``): the referents in
    ``template.params`` become type variables."""
    renamed = _rename(source, {p: _type_var(p) for p in template.params})
    node = _statement(renamed)
    variables = ", ".join(_type_var(p) for p in template.params)
    generic = f"{template.name}Of"
    if isinstance(node, ast.ClassDef):
        bases = [ast.unparse(b) for b in _generic_bases(node, defined)]
        if template.params:
            bases.append(f"Generic[{variables}]")
        body = renamed.splitlines()[node.body[0].lineno - 1 :]
        return "\n".join([f"class {generic}({', '.join(bases)}):", *body])
    assert isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
    value = ast.get_source_segment(renamed, node.value.args[1], padded=False)
    return (
        f"{generic} = TypeAliasType(\n"
        f'    "{generic}",\n'
        f"    {value},\n"
        f"    type_params=({variables}{',' if len(template.params) == 1 else ''}),\n"
        ")"
    )


def _binding(template: _Template, source: str, defined: set[str]) -> str:
    """A module's definition as a binding of the template's generic to its own referents:
    ``class UserMessage(UserMessageOf[Content], MetadataSince07): ...``,
    ``Content = TypeAliasType("Content", ContentOf[ThinkingContent, ToolCallContent])``."""
    generic = f"{template.name}Of"
    if template.params:
        generic += f"[{', '.join(template.params)}]"
    node = _statement(source)
    if isinstance(node, ast.ClassDef):
        keywords = [ast.get_source_segment(source, k) or ast.unparse(k) for k in node.keywords]
        bases = ", ".join([generic, *_own_bases(node, defined), *keywords])
        return f"class {template.name}({bases}): ..."
    return f'{template.name} = TypeAliasType("{template.name}", {generic})'


def _owners(modules: dict[str, _Module]) -> dict[str, str]:
    """Identity -> the module that defines it: a definition identical (with everything it
    refers to) in several modules is kept by the first; the later ones import it."""
    owners: dict[str, str] = {}
    for module, parts in modules.items():
        for identity in parts.identities.values():
            owners.setdefault(identity, module)
    return owners


def _kept(modules: dict[str, _Module], owners: dict[str, str]) -> dict[str, list[str]]:
    """Per module, the names it defines itself (in order)."""
    return {
        module: [n for n, identity in parts.identities.items() if owners[identity] == module]
        for module, parts in modules.items()
    }


def _templates(
    modules: dict[str, _Module], kept: dict[str, list[str]]
) -> dict[str, dict[str, _Template]]:
    """Per module, its definitions that a generic serves (name -> template): those of one name
    and template key kept by several modules. Its parameters are the referents whose identities
    differ among them."""
    groups: dict[tuple[str, str], list[str]] = {}
    for module, names in kept.items():
        defined = set(modules[module].blocks)
        for name in names:
            key = _template_key(modules[module].blocks[name], defined)
            if key is not None:
                groups.setdefault((name, key), []).append(module)
    found: dict[str, dict[str, _Template]] = {module: {} for module in modules}
    for (name, key), members in groups.items():
        if len(members) < 2:
            continue
        template = _Template(name, key, members[0])
        home = modules[template.home]
        for referent in _shared_referents(home.blocks[name], set(home.blocks)):
            if len({modules[m].identities[referent] for m in members}) > 1:
                template.params.append(referent)
        for module in members:
            found[module][name] = template
    return found


def _class_body(source: str) -> tuple[str, list[str]]:
    """A class's docstring (its source, or "") and its other statements (each one's source)."""
    node = _statement(source)
    assert isinstance(node, ast.ClassDef)
    lines = source.splitlines()
    texts = ["\n".join(lines[s.lineno - 1 : s.end_lineno]) for s in node.body]
    first = node.body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
        return texts[0], texts[1:]
    return "", texts


@dataclass
class _FieldBase:
    """The fields that several modules' classes of one name start with (``fields``, the source
    of each): yoagent 0.8's ``ToolCallContent`` has 0.4's and adds ``providerMetadata``;
    phi-core's ``ExtensionMessage`` has yoagent's, with another docstring. Written once as
    ``<name>Base`` in the first of them (``home``); each class extends it with its docstring and
    the fields it adds."""

    name: str
    home: str
    fields: list[str]
    doc: str = ""  # the docstring, when all its classes have the same


def _names_in(text: str, defined: set[str]) -> set[str]:
    """The module's names (``defined``) that ``text`` refers to."""
    return {n.id for n in ast.walk(ast.parse(text)) if isinstance(n, ast.Name) and n.id in defined}


def _is_class(source: str) -> bool:
    return len(ast.parse(source).body) == 1 and isinstance(_statement(source), ast.ClassDef)


def _shape(source: str, defined: set[str]) -> list[str]:
    """A class's bases but for its own (``_generic_bases``), as written."""
    node = _statement(source)
    assert isinstance(node, ast.ClassDef)
    return [ast.unparse(b) for b in _generic_bases(node, defined)]


def _field_base(name: str, members: list[str], modules: dict[str, _Module]) -> _FieldBase | None:
    """The fields base of the classes named ``name`` that ``members`` keep: the fields of the
    first class whose fields (with the same referents and bases) another class starts with."""
    sources = {m: modules[m].blocks[name] for m in members}
    fields = {m: _class_body(sources[m])[1] for m in members}
    shapes = {m: _shape(sources[m], set(modules[m].blocks)) for m in members}
    for first in members:
        prefix = fields[first]
        referents = _names_in(textwrap.dedent("\n".join(prefix)), set(modules[first].blocks))
        alike = [
            m
            for m in members
            if fields[m][: len(prefix)] == prefix
            and shapes[m] == shapes[first]
            and all(modules[m].identities[r] == modules[first].identities[r] for r in referents)
        ]
        if prefix and len(alike) > 1:
            docs = {_class_body(sources[m])[0] for m in alike}
            return _FieldBase(name, alike[0], prefix, docs.pop() if len(docs) == 1 else "")
    return None


def _field_bases(
    modules: dict[str, _Module],
    kept: dict[str, list[str]],
    templates: dict[str, dict[str, _Template]],
) -> dict[str, dict[str, _FieldBase]]:
    """Per module, its classes that extend a fields base (name -> base): among the classes of
    one name kept by several modules (and not bound to a generic), those that start with the
    fields of one of them."""
    groups: dict[str, list[str]] = {}
    for module, names in kept.items():
        for name in names:
            if name not in templates[module] and _is_class(modules[module].blocks[name]):
                groups.setdefault(name, []).append(module)
    found: dict[str, dict[str, _FieldBase]] = {module: {} for module in modules}
    for name, members in groups.items():
        base = _field_base(name, members, modules) if len(members) > 1 else None
        for module in members:
            if (
                base is not None
                and _class_body(modules[module].blocks[name])[1][: len(base.fields)] == base.fields
            ):
                found[module][name] = base
    return found


def _base_class(base: _FieldBase, source: str, defined: set[str]) -> str:
    """The fields base, written from one of its classes (``source``), with their docstring
    when they have the same (the classes then take it: ``models/_base.py``)."""
    bases = ", ".join(ast.unparse(b) for b in _generic_bases(_statement(source), defined))
    doc = [base.doc, ""] if base.doc else []
    return "\n".join([f"class {base.name}Base({bases}):", *doc, *base.fields])


def _extension(base: _FieldBase, source: str, defined: set[str]) -> str:
    """A class as an extension of its fields base: its bases and keywords, its docstring and
    the fields it adds."""
    node = _statement(source)
    assert isinstance(node, ast.ClassDef)
    keywords = [ast.get_source_segment(source, k) or ast.unparse(k) for k in node.keywords]
    bases = ", ".join([f"{base.name}Base", *_own_bases(node, defined), *keywords])
    doc, fields = _class_body(source)
    own = (doc if doc != base.doc else "", "\n".join(fields[len(base.fields) :]))
    body = "\n\n".join(part for part in own if part)
    return f"class {node.name}({bases}):\n{body}" if body else f"class {node.name}({bases}): ..."


def _with_typing(imports: str, names: list[str]) -> str:
    """The imports with ``names`` added to ``from typing import ...``."""
    lines = imports.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("from typing import "):
            known = line.removeprefix("from typing import ").split(", ")
            lines[i] = "from typing import " + ", ".join(sorted({*known, *names}))
            return "\n".join(lines)
    return "\n".join([f"from typing import {', '.join(sorted(names))}", *lines])


def _definitions(
    module: str,
    modules: dict[str, _Module],
    kept: list[str],
    templates: dict[str, _Template],
    field_bases: dict[str, _FieldBase],
    type_vars: dict[str, str],
) -> tuple[list[str], list[tuple[str, str]]]:
    """A module's definitions as written (its own, generics it is the home of and bindings) and
    the names it imports from the other modules, as (module, name). ``type_vars`` (type
    variable -> the module that defines it) grows by those this module defines."""
    parts = modules[module]
    defined = set(parts.blocks)
    written: list[str] = []
    imported: list[tuple[str, str]] = []
    for name in kept:
        source = parts.blocks[name]
        template = templates.get(name)
        base = field_bases.get(name)
        if base is not None:
            if base.home != module:
                imported.append((base.home, f"{name}Base"))
            else:
                written.append(_base_class(base, source, defined))
            written.append(_extension(base, source, defined))
            continue
        if template is None:
            written.append(source)
            continue
        if template.home != module:
            imported.append((template.home, f"{name}Of"))
        else:
            variables = [_type_var(p) for p in template.params]
            new = [v for v in variables if v not in type_vars]
            type_vars.update({v: module for v in new})
            imported += [(type_vars[v], v) for v in variables if type_vars[v] != module]
            if new:
                written.append("\n".join(f'{v} = TypeVar("{v}")' for v in new))
            written.append(_generic(template, source, defined))
        written.append(_binding(template, source, defined))
    return written, imported


def _library_imports(imports: str, body: str) -> str:
    """The code generator's imports (typing, pydantic, the base classes) as written, less the
    names ``body`` no longer uses (a module of bindings needs no ``Field``)."""
    used = {n.id for n in ast.walk(ast.parse(body)) if isinstance(n, ast.Name)}
    lines = []
    for line in imports.splitlines():
        module, _, names = line.removeprefix("from ").partition(" import ")
        kept = [n for n in names.split(", ") if n in used]
        if not names or kept:
            lines.append(f"from {module} import {', '.join(kept)}" if names else line)
    return "\n".join(lines).replace("\n\n\n", "\n\n").strip("\n")


def _assemble(parts: _Module, imported: list[tuple[str, str]], written: list[str]) -> str:
    """A module's text: its header, imports (library, then from earlier modules) and
    definitions."""
    body = "\n\n\n".join(written) + "\n"
    needs = ["Generic", "TypeVar"] if any(" = TypeVar(" in w for w in written) else []
    needs += ["Generic"] if any("Generic[" in w for w in written) else []
    library = _library_imports(_with_typing(parts.imports, needs), body)
    by_module: dict[str, list[str]] = {}
    for module, name in imported:
        by_module.setdefault(module, []).append(name)
    shared = "".join(
        f"from agent_conversation.models.{m} import {', '.join(sorted(names))}\n"
        for m, names in by_module.items()
    )
    note = (
        "# Definitions written in an earlier revision (identical ones, and the generic ones this\n"
        "# module binds to its own classes) are imported from its module.\n"
        if shared
        else ""
    )
    imported_part = f"\n{note}{shared}" if shared else ""
    return f"{parts.header}\n{library}\n{imported_part}\n\n{body}"


def share_classes(texts: dict[str, str]) -> dict[str, str]:
    """Rewrite the generated modules (name -> text, oldest revision first) so that each
    definition is written once: one emitted identically (with everything it refers to) in
    several revisions is kept by the first module that has it, the later ones import it; one of
    the same text in several revisions whose referents differ is written as a generic model in
    the first of them, and each binds it to its own classes (``_templates``)."""
    modules = {name: _parse_module(text) for name, text in texts.items()}
    owners = _owners(modules)
    kept = _kept(modules, owners)
    templates = _templates(modules, kept)
    field_bases = _field_bases(modules, kept, templates)
    type_vars: dict[str, str] = {}
    out: dict[str, str] = {}
    for module, parts in modules.items():
        imported = [
            (owners[identity], name)
            for name, identity in parts.identities.items()
            if owners[identity] != module
        ]
        written, more = _definitions(
            module, modules, kept[module], templates[module], field_bases[module], type_vars
        )
        imports = sorted(
            dict.fromkeys(imported + more), key=lambda pair: list(modules).index(pair[0])
        )
        out[module] = _assemble(parts, imports, written)
    return out
