"""The documents whose schema verdicts must equal the crates': the conformance corpus (what the
real crates did) and the golden/invalid fixtures. Shared by the Python validators
(tests/test_schema_validators.py) and ajv (tests/test_schema_tools.py)."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path

from agent_conversation.dialects import resolve

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fixtures" / "conformance" / "messages.jsonl.gz"
FIXTURES = [
    *sorted((ROOT / "fixtures" / "golden").glob("*.json")),
    *sorted((ROOT / "fixtures" / "invalid").glob("*.json")),
]
# Refusals JSON Schema cannot express (schema/README.md): duplicate keys, 1.0 for an integer,
# nesting depth, and the lexical ones Python's json module lets through (NaN, lone surrogates).
BEYOND_JSON_SCHEMA = {
    "dup_alias",
    "dup_value_key",
    "float_ts",
    "deep_nesting",
    "nan",
    "lone_surrogate",
}


@dataclass(frozen=True)
class Case:
    key: str  # corpus id or fixture case, with the crate version or dialect
    dialect: str  # the revision (yoagent@0.13)
    doc: str  # the document's text
    ok: bool  # the crate accepts it
    expressible: bool  # a refusal JSON Schema can express (always true for acceptances)


def corpus_cases() -> list[Case]:
    cases = []
    with gzip.open(CORPUS, "rt", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            for version, expect in row["expect"].items():
                cases.append(
                    Case(
                        f"{row['id']}|{version}",
                        resolve(version),
                        row["doc"],
                        expect["ok"],
                        expect["ok"] or row["family"] not in BEYOND_JSON_SCHEMA,
                    )
                )
    return cases


def fixture_cases() -> list[Case]:
    cases = []
    for path in FIXTURES:
        data = json.loads(path.read_text(encoding="utf-8"))
        for i, case in enumerate(data["cases"]):
            for dialect, outcome in case["expect"].items():
                cases.append(
                    Case(
                        f"{path.parent.name}/{path.stem}[{i}]|{dialect}",
                        resolve(dialect),
                        case["document"],
                        outcome["valid"],
                        outcome["valid"] or bool(case.get("schema_can_express", False)),
                    )
                )
    return cases


def disagreements(cases: list[Case], verdicts: dict[str, bool]) -> list[str]:
    """Cases where a validator's verdict differs from the crate's, outside the exceptions."""
    out = []
    for case in cases:
        valid = verdicts[case.key]
        if case.ok and not valid:
            out.append(f"{case.key}: the crate loads it, the schema refuses it")
        elif not case.ok and valid and case.expressible:
            out.append(f"{case.key}: the crate refuses it, the schema accepts it")
    return out
