"""No wire fact is spelled out in hand-written Python, and every name the code reads is declared.

The AST of every module of python/agent_conversation (minus the generated models/) is searched;
docstrings are prose and not searched. The rules:

1. No string constant is a word of the wire tables (models/wire.py, made from schema/): a key,
   tag, role, stop reason or enum value. Code reads them from the tables, usually through the
   namespaces of ``record_names`` (``MESSAGE.stop_reason``, ``ROLE.tool_result``). ALLOWED lists
   the few constants that only look like one, each with its reason. The
   segments of JSON-pointer-like strings count too (``f"/{i}/content"`` spells ``content``).
2. Every attribute read from such a namespace (``record_names.Names``: ours, or an exchange
   format's vocabulary) is one of its names: checked here from the source, without running it.
3. Exchange modules map our wire to other formats whose words coincide with ours (``role``,
   ``content``, ``text``, ``type``): each format's words are declared once, as the JSON Schema
   ``schema/exchange/<format>.json`` (exchange/vocabulary.py). An exchange module reads only its
   own format's vocabulary (EXCHANGE_FORMATS), and reads a word of it from the vocabulary
   (``CHAT.tool_calls``) rather than spelling it, unless that word's identifier is ambiguous
   (pydantic-ai's ``tool-call`` beside ``tool_call``). A word used for OUR wire there is spelled
   nowhere: rule 1 refuses ``"role"`` in an exchange module whichever side it meant.
"""

from __future__ import annotations

import ast
import importlib
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from agent_conversation.exchange.vocabulary import SOURCES, vocabulary
from agent_conversation.models.wire import REVISIONS
from agent_conversation.record_names import Names, identifier

PACKAGE = Path(__file__).resolve().parent.parent / "python" / "agent_conversation"

# (module, literal): why this constant is not a wire fact.
ALLOWED = {
    ("lint.py", "image"): "the MIME type family `image/*` (a pointer-like string), not the tag",
    ("codec/spec.py", "order"): "a key of the generated tables' own structure, not a wire key",
    ("codec/spec.py", "tag"): "the tables' kind of a union's tag key, not the wire type `tag`",
    ("codec/spec.py", "error"): "the tables' x-duplicate-keys value, not the stop reason",
    ("codec/wirefacts.py", "order"): "a key of the generated tables' own structure",
    ("record_names.py", "order"): "a key of the generated tables' own structure",
    ("exchange/common.py", "order"): "the loss kind of content kept at another place",
    ("sessions/lines.py", "order"): "a key of the generated tables' own structure",
    ("codec/jsonscalars.py", "text"): "a parser attribute name, not the content tag",
    ("cli/report.py", "error"): "the severity label of an output line, not the stop reason",
    ("cli/report.py", "message"): "what a result's indexes count (messages or entries)",
    ("cli/report.py", "text"): "the name of an output format (--format text)",
    ("cli/report.py", "type"): "a key of the --format json report (the file's type)",
    ("codec/reader.py", "tag"): "a key of the generated tables' own structure",
    ("errors.py", "kind"): "Note.__slots__ names its attribute `kind`, not a wire key",
    ("cli/results.py", "message"): "what a result's indexes count (messages or entries)",
    ("cli/validate.py", "text"): "the name of an output format (--format text)",
    ("cli/validate.py", "kind"): "the argparse dest of --type",
    ("cli/convert.py", "kind"): "the argparse dest of --type",
    ("cli/convert.py", "input"): "the argparse dest of the IN argument",
    ("cli/convert.py", "message"): "the English word of a summary (`3 messages`)",
    ("cli/sniff.py", "order"): "a key of the generated tables' own structure",
    ("records/config_read.py", "type"): "serde's error category (`invalid type: ...`)",
    ("records/config_spec.py", "order"): "a key of the generated tables' own structure",
    ("records/config_spec.py", "tag"): "a key of the generated tables' own structure",
    ("records/detect.py", "tag"): "a key of the generated tables' own structure",
    ("records/event_models.py", "tag"): "a key of the generated record tables' own structure",
    ("records/phi_sessions.py", "tag"): "a key of the generated wire tables' own structure",
    ("records/model.py", "type"): "serde's error category (`invalid type: ...`)",
    ("records/model.py", "content"): "a type name of the record table language, not the key",
    ("records/model.py", "message"): "a type name of the record table language, not the key",
    ("records/model.py", "usage"): "a type name of the record table language and the wire tables",
}

# Each exchange module and the formats whose vocabulary it reads (fine-tuning lines are chat
# messages); no other module (common.py, records.py, vocabulary.py, ...) reads one.
EXCHANGE_FORMATS = {
    "exchange/__init__.py": ("openai-chat",),  # the default role of a system prompt
    "exchange/cli.py": ("openai-chat",),  # --system-role: OpenAI's roles
    "exchange/openai_chat.py": ("openai-chat",),
    "exchange/openai_chat_import.py": ("openai-chat",),
    "exchange/openai_finetune.py": ("openai-chat", "openai-finetune"),
    "exchange/anthropic_messages.py": ("anthropic-messages",),
    "exchange/anthropic_messages_import.py": ("anthropic-messages",),
    "exchange/pydantic_ai.py": ("pydantic-ai",),
    "exchange/pydantic_ai_import.py": ("pydantic-ai",),
}


def wire_literals() -> frozenset[str]:
    found: set[str] = set()
    for rev in REVISIONS.values():
        found.update(rev["stop_reasons"], rev["metadata"], rev["api_protocols"])
        for values in rev["enums"].values():
            found.update(values)
        for union in rev["unions"].values():
            found.add(union["tag"])
            found.update(union["variants"])
        for name, table in rev["types"].items():
            found.add(name)
            tables = list(table["variants"].values()) if "variants" in table else [table]
            if "variants" in table:
                found.add(table["tag"])
                found.update(table["variants"])
            for t in tables:
                found.update(t["order"], t["aliases"])
    return frozenset(found)


def _docstrings(tree: ast.AST) -> set[int]:
    return {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }


def strings(tree: ast.AST) -> list[str]:
    """Every string constant of a module but its docstrings."""
    docstrings = _docstrings(tree)
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def literals(path: Path, wire: frozenset[str]) -> Counter[str]:
    """Rule 1: the wire words a module spells."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return Counter(value for value in strings(tree) if value in wire)


def segments(tree: ast.AST) -> list[str]:
    """The words of JSON-pointer-like strings (``f"/{index}/content/{j}"`` has ``content``):
    a name spelled inside a pointer is spelled too (checked in budget-free modules)."""
    return [
        segment
        for value in strings(tree)
        if "/" in value and " " not in value
        for segment in value.split("/")
        if segment
    ]


Resolve = Callable[[list[str]], Any]


def _dotted(node: ast.expr) -> list[str] | None:
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, ast.Attribute):
        prefix = _dotted(node.value)
        return None if prefix is None else [*prefix, node.attr]
    return None


def _vocabularies() -> dict[int, str]:
    return {id(vocabulary(fmt)): fmt for fmt in SOURCES}


def name_problems(module: str, tree: ast.AST, resolve: Resolve) -> list[str]:
    """Rules 2 and 3: reads of undeclared names, of another format's vocabulary, and own
    vocabulary words spelled instead of read."""
    problems = []
    formats = EXCHANGE_FORMATS.get(module, ())
    vocabularies = _vocabularies()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        prefix = _dotted(node.value)
        names = resolve(prefix) if prefix else None
        if not isinstance(names, Names):
            continue
        where = f"{module}:{node.lineno} {'.'.join(prefix or [])}.{node.attr}"
        if not names.has(node.attr) and not hasattr(Names, node.attr):
            problems.append(f"{where}: not one of {names!r}")
        fmt = vocabularies.get(id(names))
        if fmt is not None and fmt not in formats:
            problems.append(f"{where}: the {fmt} vocabulary outside its module")
    for fmt in formats:
        own = vocabulary(fmt)
        for value in strings(tree) + segments(tree):
            if value in own and own.has(identifier(value)):
                problems.append(
                    f"{module}: {value!r} spelled: read it as {fmt}'s `.{identifier(value)}`"
                )
    return problems


def _resolver(module: str) -> Resolve:
    dotted = "agent_conversation." + module.removesuffix(".py").replace("/", ".")
    namespace = vars(importlib.import_module(dotted.removesuffix(".__init__")))

    def resolve(prefix: list[str]) -> Any:
        if prefix[0] not in namespace:
            return None
        value = namespace[prefix[0]]
        for part in prefix[1:]:
            try:
                value = getattr(value, part)
            except AttributeError:
                return None
        return value

    return resolve


def hand_written() -> list[Path]:
    """Every module but the generated ones (models/, and any whose first line says GENERATED)."""
    return sorted(
        p
        for p in PACKAGE.rglob("*.py")
        if "models" not in p.relative_to(PACKAGE).parts
        and not p.read_text(encoding="utf-8").startswith("# GENERATED")
    )


def test_the_scan_sees_wire_literals(tmp_path: Path) -> None:
    """The check can fail: a module that spells a role, a key and a stop reason is caught."""
    wire = wire_literals()
    assert {"role", "toolResult", "cacheRead", "contextCompacted", "lesson", "parent_id"} <= wire
    probe = tmp_path / "probe.py"
    probe.write_text('"""doc: role"""\nX = {"role": "toolResult", "why": "stop"}\n')
    assert literals(probe, wire) == Counter({"role": 1, "toolResult": 1, "stop": 1})


def test_a_word_of_ours_spelled_in_an_exchange_module_fails(tmp_path: Path) -> None:
    """`role` is OpenAI's word too, but spelled it is refused: its side must be named."""
    assert "role" in vocabulary("openai-chat")
    probe = tmp_path / "openai_chat.py"
    probe.write_text('X = {"role": CHAT.user, CHAT.content: record["content"]}\n')
    assert literals(probe, wire_literals()) == Counter({"role": 1, "content": 1})


def test_reads_of_undeclared_or_foreign_names_fail() -> None:
    """Rules 2 and 3 can fail: a name no namespace declares, another format's vocabulary, an own
    word spelled; an ambiguous word may be spelled."""
    from agent_conversation.record_names import MESSAGE

    scope = {
        "MESSAGE": MESSAGE,
        "CHAT": vocabulary("openai-chat"),
        "ANT": vocabulary("anthropic-messages"),
    }

    def resolve(prefix: list[str]) -> Any:
        value = scope.get(prefix[0])
        return value if len(prefix) == 1 else None

    source = (
        "A = MESSAGE.stop_reason, MESSAGE.stopreason, CHAT.tool_calls, CHAT.tool_result\n"
        "B = ANT.tool_use, MESSAGE.has('x'), 'tool_calls', 'no word'\n"
    )
    problems = name_problems("exchange/openai_chat.py", ast.parse(source), resolve)
    assert [p.split(": ", 1)[0] for p in problems] == [
        "exchange/openai_chat.py:1 MESSAGE.stopreason",
        "exchange/openai_chat.py:1 CHAT.tool_result",
        "exchange/openai_chat.py:2 ANT.tool_use",
        "exchange/openai_chat.py",
    ], problems
    assert "'tool_calls' spelled" in problems[-1]
    pydantic = {"PAI": vocabulary("pydantic-ai")}
    tree = ast.parse("A = 'tool-call', 'tool_call', PAI.part_kind\n")
    assert name_problems("exchange/pydantic_ai.py", tree, lambda p: pydantic.get(p[0])) == []


def test_no_wire_literals_in_hand_written_modules() -> None:
    wire = wire_literals()
    over = []
    for path in hand_written():
        module = path.relative_to(PACKAGE).as_posix()
        found = literals(path, wire)
        for literal in list(found):
            if (module, literal) in ALLOWED:
                del found[literal]
        if found:
            over.append(f"{module}: {dict(found.most_common())}")
    assert not over, "wire names spelled in Python (read them from the wire tables):\n" + "\n".join(
        over
    )


def test_no_wire_names_inside_pointers() -> None:
    wire = wire_literals()
    found = {}
    for path in hand_written():
        module = path.relative_to(PACKAGE).as_posix()
        tree = ast.parse(path.read_text("utf-8"))
        spelled = [s for s in segments(tree) if s in wire and (module, s) not in ALLOWED]
        if spelled:
            found[module] = spelled
    assert not found, found


def test_the_pointer_scan_sees_names_inside_pointers() -> None:
    tree = ast.parse('A = f"/{i}/content/{j}/{BLOCK.text}", "image/png", "a / b"\n')
    assert sorted(segments(tree)) == ["content", "image", "png"]


def test_every_name_read_is_declared() -> None:
    problems = []
    for path in hand_written():
        module = path.relative_to(PACKAGE).as_posix()
        if module == "__main__.py":  # runs the CLI when imported; reads no names
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        problems += name_problems(module, tree, _resolver(module))
    assert not problems, "\n".join(problems)


def test_exchange_vocabularies_hold_the_words_the_formats_share_with_ours() -> None:
    """Each vocabulary is real data: it has the format's own keys and none of our camelCase."""
    chat, ant, pai = (vocabulary(f) for f in ("openai-chat", "anthropic-messages", "pydantic-ai"))
    assert {"role", "content", "tool_calls", "tool_call_id", "image_url"} <= set(chat)
    assert {"role", "content", "tool_use", "tool_use_id", "redacted_thinking"} <= set(ant)
    assert {"part_kind", "tool-call", "tool_call", "provider_details"} <= set(pai)
    for words in (chat, ant, pai):
        assert not {"toolResult", "stopReason", "toolCallId", "mimeType"} & set(words)


def test_the_removed_copies_stay_removed() -> None:
    """The Python copies issue 10 removed: each now comes from the tables."""
    text = {
        p.relative_to(PACKAGE).as_posix(): p.read_text(encoding="utf-8") for p in hand_written()
    }
    gone = {
        "codec/reader.py": ["TAG_KINDS =", "PROVENANCE_ROLES =", "PROVENANCE_VARIANTS ="],
        "sessions/lines.py": ['ENTRY_FIELDS = ("id"', "(0, 11", "> (0, 11"],
        "typed.py": ["_CLASSES"],
        "conversation.py": ["_CAMEL ="],
        "conversion.py": ["_before_sessions", "(0, 11)"],
        "cli/checks.py": ["0.11.0 (use", "< 11"],
    }
    for module, needles in gone.items():
        for needle in needles:
            assert needle not in text[module], f"{module}: {needle}"
    for module in (
        "codec/spec.py",
        "codec/reader.py",
        "codec/document.py",
        "codec/dialect_hints.py",
        "typed.py",
    ):
        assert "is_phi" not in text[module].replace("def is_phi", ""), module
