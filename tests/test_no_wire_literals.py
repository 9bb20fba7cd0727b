"""No wire fact is spelled out in hand-written Python: the AST of every module of
python/agent_conversation (minus the generated models/) is searched for string constants that
are a wire key, tag, role, stop reason or enum value of the wire tables (models/wire.py, made
from schema/). Docstrings are prose and not searched.

Modules not yet table-driven have a ceiling (BUDGET): the test fails when one gains a literal,
and says so when one has fewer than its ceiling (lower it then). Every other module, and every
new one, must have none outside ALLOWED.
"""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

from agent_conversation.models.wire import REVISIONS

PACKAGE = Path(__file__).resolve().parent.parent / "python" / "agent_conversation"

# (module, literal): why this constant is not a wire fact.
ALLOWED = {
    ("codec/spec.py", "order"): "a key of the generated tables' own structure, not a wire key",
    ("codec/spec.py", "tag"): "the tables' kind of a union's tag key, not the wire type `tag`",
    ("codec/spec.py", "error"): "the tables' x-duplicate-keys value, not the stop reason",
    ("codec/wirefacts.py", "order"): "a key of the generated tables' own structure",
    ("sessions.py", "order"): "a key of the generated tables' own structure",
    ("codec/jsonparse.py", "text"): "a parser attribute name, not the content tag",
    ("cli/report.py", "error"): "the severity label of an output line, not the stop reason",
    ("records/config_read.py", "type"): "serde's error category (`invalid type: ...`)",
    ("records/config_spec.py", "order"): "a key of the generated tables' own structure",
    ("records/config_spec.py", "tag"): "a key of the generated tables' own structure",
    ("records/schema_gen.py", "type"): "the JSON Schema keyword `type`, not a wire key",
}

# Modules that still spell wire names (record building, the fast path, CLI details): the most
# literals each may hold. Lower a ceiling when a module is cleaned; never raise one.
BUDGET = {
    "cli/checks.py": 35,
    "cli/convert.py": 4,
    "cli/report.py": 3,
    "cli/validate.py": 3,  # argparse: --format text, --type dest "kind"
    "codec/reader.py": 16,
    "codec/writer.py": 21,
    "conversation.py": 34,
    "conversion.py": 14,
    "errors.py": 3,
    "sessions.py": 14,
    # Conversion to and from other formats (OpenAI chat, Anthropic messages, pydantic-ai): their
    # own keys and tags (`type`, `content`, `text`, `role`, ...) coincide with ours, and the
    # mapping between the two is hand-written by nature.
    "exchange/__init__.py": 4,
    "exchange/anthropic_messages.py": 146,
    "exchange/common.py": 12,
    "exchange/openai_chat.py": 164,
    "exchange/pydantic_ai.py": 198,
    # Records (issue 12): the event and phi-core session models are the source of their schemas
    # (records/schema_gen.py writes schema/*/events/ and schema/phi-core/session/ from them,
    # checked against the crates by interop); their keys coincide with message keys (`usage`,
    # `message`, `timestamp`, ...). Not yet table-driven.
    "records/configs.py": 1,  # detection hints by top-level keys
    "records/detect.py": 4,
    "records/event_models.py": 99,
    "records/events.py": 30,
    "records/model.py": 16,
    "records/phi_sessions.py": 20,
    "records/schema_gen.py": 4,
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


def literals(path: Path, wire: frozenset[str]) -> Counter[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return Counter(
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value in wire
        and id(node) not in docstrings
    )


def hand_written() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "models" not in p.relative_to(PACKAGE).parts)


def test_the_scan_sees_wire_literals(tmp_path: Path) -> None:
    """The check can fail: a module that spells a role, a key and a stop reason is caught."""
    wire = wire_literals()
    assert {"role", "toolResult", "cacheRead", "contextCompacted", "lesson", "parent_id"} <= wire
    probe = tmp_path / "probe.py"
    probe.write_text('"""doc: role"""\nX = {"role": "toolResult", "why": "stop"}\n')
    assert literals(probe, wire) == Counter({"role": 1, "toolResult": 1, "stop": 1})


def test_no_wire_literals_in_hand_written_modules() -> None:
    wire = wire_literals()
    over, under = [], []
    for path in hand_written():
        module = path.relative_to(PACKAGE).as_posix()
        found = literals(path, wire)
        for literal in list(found):
            if (module, literal) in ALLOWED:
                del found[literal]
        count = sum(found.values())
        ceiling = BUDGET.get(module, 0)
        if count > ceiling:
            over.append(f"{module}: {count} > {ceiling}: {dict(found.most_common())}")
        elif count < ceiling:
            under.append(f"{module}: {count} < {ceiling} (lower its BUDGET)")
    assert not over, "wire names spelled in Python (read them from the wire tables):\n" + "\n".join(
        over
    )
    if under:
        print("\n".join(under))


def test_the_removed_copies_stay_removed() -> None:
    """The Python copies issue 10 removed: each now comes from the tables."""
    text = {
        p.relative_to(PACKAGE).as_posix(): p.read_text(encoding="utf-8") for p in hand_written()
    }
    gone = {
        "codec/reader.py": ["TAG_KINDS =", "PROVENANCE_ROLES =", "PROVENANCE_VARIANTS ="],
        "sessions.py": ['ENTRY_FIELDS = ("id"', "(0, 11", "> (0, 11"],
        "typed.py": ["_CLASSES"],
        "conversation.py": ["_CAMEL ="],
        "conversion.py": ["_before_sessions", "(0, 11)"],
        "cli/checks.py": ["0.11.0 (use", "< 11"],
    }
    for module, needles in gone.items():
        for needle in needles:
            assert needle not in text[module], f"{module}: {needle}"
    for module in ("codec/spec.py", "codec/reader.py", "codec/document.py", "typed.py"):
        assert "is_phi" not in text[module].replace("def is_phi", ""), module
