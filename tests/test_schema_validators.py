"""Python validators on the shipped schemas (reader views): `jsonschema` through
`agent_conversation.schemas.validator` and `jsonschema-rs`, with every `$id` resolved offline.
Their verdicts on the conformance corpus and the fixtures equal the crates', outside the
refusals JSON Schema cannot express (schema/README.md)."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from typing import Any

import jsonschema_rs
import pytest
from agent_conversation import schemas
from schema_verdicts import Case, corpus_cases, disagreements, fixture_cases


@cache
def _by_id() -> dict[str, Any]:
    found = {}
    for path in schemas.schema_dir().rglob("*.schema.json"):
        contents = json.loads(path.read_text(encoding="utf-8"))
        found[contents["$id"]] = contents
    return found


def _offline(uri: str) -> Any:
    return _by_id()[uri]  # a KeyError (never a download) for anything not shipped


@cache
def python_validator(dialect: str) -> Callable[[Any], bool]:
    return schemas.validator(dialect).is_valid  # type: ignore[no-any-return]


@cache
def rust_validator(dialect: str) -> Callable[[Any], bool]:
    validator = jsonschema_rs.Draft202012Validator(schemas.schema(dialect), retriever=_offline)
    return validator.is_valid  # type: ignore[no-any-return]


VALIDATORS = {"jsonschema": python_validator, "jsonschema-rs": rust_validator}


def verdicts(cases: list[Case], make: Callable[[str], Callable[[Any], bool]]) -> dict[str, bool]:
    out = {}
    for case in cases:
        try:
            doc = json.loads(case.doc)
        except (ValueError, RecursionError):  # not JSON at all: every validator refuses
            out[case.key] = False
            continue
        try:
            out[case.key] = make(case.dialect)(doc)
        except RecursionError:
            out[case.key] = False
    return out


@pytest.mark.parametrize("name", list(VALIDATORS))
@pytest.mark.parametrize("source", ["corpus", "fixtures"])
def test_validator_verdicts_equal_the_crates(name: str, source: str) -> None:
    cases = corpus_cases() if source == "corpus" else fixture_cases()
    assert len(cases) > (5000 if source == "corpus" else 100)
    found = verdicts(cases, VALIDATORS[name])
    wrong = disagreements(cases, found)
    assert not wrong, f"{len(wrong)} disagreements, e.g.\n" + "\n".join(wrong[:10])
    # and the comparison can fail: some refusals are caught, not all accepted
    assert any(not case.ok and not found[case.key] for case in cases)


def test_jsonschema_rs_never_downloads() -> None:
    schema = {"$ref": "https://example.invalid/not-shipped.json"}
    with pytest.raises(Exception):  # noqa: B017 - the binding wraps the retriever's error
        jsonschema_rs.Draft202012Validator(schema, retriever=_offline)


def test_every_document_the_crates_wrote_is_valid_under_its_wire_view() -> None:
    import gzip

    from agent_conversation.dialects import resolve
    from schema_verdicts import CORPUS

    checked, wrong = 0, []
    with gzip.open(CORPUS, "rt", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            for version, expect in row["expect"].items():
                if not expect["ok"]:
                    continue
                validator = wire_validator(resolve(version))
                checked += 1
                errors = list(validator.iter_errors(json.loads(expect["out"])))
                if errors:
                    wrong.append(
                        f"{row['id']}|{version}: {errors[0].json_path}: {errors[0].message}"
                    )
    assert checked > 5000
    assert not wrong, "\n".join(wrong[:10])
    # and the wire view is stricter than the reader: an alias or a null Option is not written
    legacy = {"role": "user", "content": [{"type": "thinking", "thinking": "t", "signature": None}]}
    assert not wire_validator("yoagent@0.13").is_valid([{**legacy, "timestamp": 1}])
    assert schemas.validator("yoagent@0.13").is_valid([{**legacy, "timestamp": 1}])


@cache
def wire_validator(dialect: str) -> Any:
    return schemas.validator(dialect, view="wire")
