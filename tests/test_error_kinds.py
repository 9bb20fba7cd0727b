"""One vocabulary of problem kinds (schema/problem-kinds.json, ``errors.KINDS``): the fixtures'
``rule`` slugs are kinds, every kind is a fixture rule or says what reports it, every kind the
code can give is in the table, and the codec gives, at the place a fixture names, the kind of
the rule the fixture says is broken."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import agent_conversation as ac
import pytest
from agent_conversation import errors, wording

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "python" / "agent_conversation"
TABLE = json.loads((ROOT / "schema" / "problem-kinds.json").read_text("utf-8"))["kinds"]
FIXTURE_SCHEMA = json.loads((ROOT / "fixtures" / "fixture.schema.json").read_text("utf-8"))


def _invalid_outcomes() -> list[tuple[str, str, str, dict[str, Any]]]:
    out = []
    for path in sorted((ROOT / "fixtures" / "invalid").glob("*.json")):
        for case in json.loads(path.read_text("utf-8"))["cases"]:
            for dialect, outcome in case["expect"].items():
                if not outcome["valid"]:
                    out.append((path.stem, case["document"], dialect, outcome))
    return out


OUTCOMES = _invalid_outcomes()


def test_every_kind_has_a_meaning_and_is_a_rule_or_says_who_reports_it() -> None:
    assert errors.KINDS == {kind: entry["meaning"] for kind, entry in TABLE.items()}
    for kind, entry in TABLE.items():
        assert entry["meaning"].strip(), kind
        assert entry.get("rule") is True or entry.get("by"), f"{kind}: neither a rule nor `by`"


def test_the_fixture_rules_are_the_kinds_marked_rule() -> None:
    rules = set(FIXTURE_SCHEMA["$defs"]["rule"]["enum"])
    assert rules == {kind for kind, entry in TABLE.items() if entry.get("rule")}
    used = {outcome["rule"] for *_, outcome in OUTCOMES}
    assert used == rules, f"rules no fixture uses: {sorted(rules - used)}"


@pytest.mark.parametrize(
    ("name", "document", "dialect", "outcome"),
    OUTCOMES,
    ids=[f"{name}-{i}-{dialect}" for i, (name, _, dialect, _) in enumerate(OUTCOMES)],
)
def test_the_codec_names_the_fixture_rule(
    name: str, document: str, dialect: str, outcome: dict[str, Any]
) -> None:
    with pytest.raises(ac.ConversationError) as info:
        ac.loads(document, dialect)
    here = [
        p
        for p in info.value.problems
        if (p.index, p.pointer) == (outcome["index"], outcome["pointer"])
    ]
    assert outcome["rule"] in {p.kind for p in here}, [
        (p.kind, str(p)) for p in info.value.problems
    ]


# Calls that take a kind, and the position of their kind argument (per module where a name is
# another function: the writer's `lose(path, kind, ...)`, a conversion report's
# `lose(index, pointer, what, why, kind)`; a yoagent session line's `_at(..., cause, kind)`).
KIND_ARGUMENT = {"Problem": 5, "Reject": 2, "Note": 1, "lost": 4, "_warn": 3, "_at": 6}
LOSE_ARGUMENT = {"codec": 1, "exchange": 4}


def _literal_kinds() -> dict[str, list[str]]:
    """Every string constant the hand-written code passes as a kind."""
    found: dict[str, list[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).parts
        if "models" in parts:
            continue
        positions = {**KIND_ARGUMENT, "lose": LOSE_ARGUMENT.get(parts[0], 99)}
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            args: list[ast.expr] = [k.value for k in node.keywords if k.arg == "kind"]
            if name in positions and len(node.args) > positions[name]:
                args.append(node.args[positions[name]])
            if name == "note" and len(node.args) >= 2:
                args.append(node.args[2] if len(node.args) == 3 else node.args[1])
            for arg in args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.setdefault(arg.value, []).append(str(path.relative_to(PACKAGE)))
    return found


def test_every_kind_the_code_gives_is_in_the_table() -> None:
    found = _literal_kinds()
    # the scan sees the reader's, the writer's, the CLI's, the records' and the exchange's kinds
    assert {"null-optional", "stop-reason", "image-mime", "out-of-range", "is-error"} <= set(found)
    assert {"duplicate-id", "unknown-parent"} <= set(found)  # the session lines' own kinds
    unknown = {kind: where for kind, where in found.items() if kind not in errors.KINDS}
    assert not unknown, unknown
    for kind in (errors.ARGUMENT, errors.ENCODING, errors.FLOAT_DRIFT, errors.LOSS):
        assert kind in errors.KINDS
    assert set(wording.kinds_worded()) <= set(errors.KINDS)


def test_a_problem_is_data_worded_at_the_edge() -> None:
    doc = '[{"role": "user", "content": [], "timestamp": 1.5}]'
    with pytest.raises(ac.ConversationError) as info:
        ac.loads(doc, "yoagent@0.18")
    (problem,) = info.value.problems
    assert problem.path == (0, "timestamp") and problem.pointer == "/0/timestamp"
    assert problem.kind == "not-an-integer"
    assert problem.dialect == ac.dialects.resolve("yoagent@0.18")  # the revision that refused it
    best = errors.best_match(problem)
    assert best.cause["got"] == 1.5 and best.cause["expected"]
    words = "invalid type: floating point `1.5`, expected an unsigned integer (u64)"
    assert best.message == words
    assert problem.message.startswith(f"as an LLM message, `/timestamp`: {words}; ")
    data = problem.to_dict()
    assert data["path"] == [0, "timestamp"] and len(data["context"]) == 2
    assert errors.best_match(best) is best


def test_the_untagged_readings_are_kept_and_the_best_is_chosen_by_a_function() -> None:
    doc = '[{"role": "user", "content": 5, "timestamp": 1}]'
    with pytest.raises(ac.ConversationError) as info:
        ac.loads(doc, "yoagent@0.18")
    (problem,) = info.value.problems
    llm, ext = problem.context
    assert (llm.path, llm.kind) == ((0, "content"), "wrong-type")
    assert (ext.path, ext.kind) == ((0,), "missing-key") and ext.cause["key"]
    assert errors.best_match(problem) is llm
    assert (problem.path, problem.kind) == (llm.path, llm.kind)
    assert problem.message.startswith("as an LLM message, `/content`: invalid type: integer `5`")
    assert [c["kind"] for c in problem.to_dict()["context"]] == ["wrong-type", "missing-key"]
    assert llm.line == 1 and llm.column is not None


def test_an_extension_record_is_blamed_when_its_role_is_no_llm_role() -> None:
    doc = '[{"role": "note", "kind": "k", "data": 1, "extra": [1]}, {"role": "x", "kind": 5}]'
    with pytest.raises(ac.ConversationError) as info:
        ac.loads(doc, "yoagent@0.18")
    (problem,) = info.value.problems
    assert errors.best_match(problem).kind == problem.kind == "wrong-type"
    assert problem.pointer == "/1/kind"


def test_a_pointer_given_as_text_is_read_as_a_path() -> None:
    problem = errors.Problem(0, "/0/a~1b/2", None, None, "worded by its maker", "invalid")
    assert problem.path == (0, "a/b", 2) and problem.pointer == "/0/a~1b/2"
    assert problem.message == "worded by its maker"


def test_negative_zero_is_worded_as_serde_does() -> None:
    """serde says `-0.0` for a negative zero; a falsy-value shortcut once printed `0.0`."""
    import agent_conversation as ac

    doc = '[{"role":"user","content":[],"timestamp":-0.0}]'
    try:
        ac.loads(doc, "yoagent@0.22")
    except ac.ConversationError as err:
        assert "floating point `-0.0`" in str(err)
    else:
        raise AssertionError("a float timestamp must be refused")
