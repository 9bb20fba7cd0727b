"""Byte-compatibility against the real crates (tests/interop builds them from crates.io).

Skips with a reason when cargo is missing, unless INTEROP_REQUIRED=1 (CI sets it).
"""

from __future__ import annotations

import gzip
import json
import os
import random
import re
import subprocess
from pathlib import Path
from typing import Any

import agent_conversation as ac
import pytest
from agent_conversation.sessions import dumps_session, loads_session
from interop_harness import Harness, build, cargo

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fixtures" / "conformance" / "messages.jsonl.gz"
LATEST = ["yoagent@0.26.6", "phi-core@0.15.2"]
# The harness's crate version for each canonical dialect name used by the fixtures.
HARNESS_VERSION = {
    "yoagent@0.4": "yoagent@0.4.0",
    "yoagent@0.8": "yoagent@0.8.0",
    "yoagent@0.9": "yoagent@0.12.0",
    "yoagent@0.13": "yoagent@0.18.0",
    "yoagent@0.22": "yoagent@0.26.6",
    "phi-core@0.7": "phi-core@0.7.0",
    "phi-core@0.8": "phi-core@0.8.0",
    "phi-core@0.9": "phi-core@0.10.0",
}


@pytest.fixture(scope="module")
def harness() -> Harness:
    if cargo() is None:
        if os.environ.get("INTEROP_REQUIRED") == "1":
            pytest.fail("INTEROP_REQUIRED=1 but cargo is not installed")
        pytest.skip("cargo is not installed: the interop harness cannot be built")
    try:
        return Harness(build())
    except subprocess.CalledProcessError as err:
        if os.environ.get("INTEROP_REQUIRED") == "1":
            raise
        pytest.skip(f"the interop harness did not build: {err}")


def _cases() -> list[dict[str, Any]]:
    with gzip.open(CORPUS, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def codec_outcome(dialect: str, doc: str) -> dict[str, Any]:
    try:
        return {"ok": True, "out": ac.dumps(ac.loads(doc, dialect))}
    except ac.ConversationError as err:
        return {"ok": False, "error": str(err)}


def agree(real: dict[str, Any], ours: dict[str, Any]) -> bool:
    return real["ok"] == ours["ok"] and (not real["ok"] or real["out"] == ours["out"])


def test_stored_conformance_expectations_match_the_crates(harness: Harness) -> None:
    cases = _cases()
    requests = [(d, c["doc"], "conversation") for c in cases for d in c["expect"]]
    answers = iter(harness.run_many(requests))
    differences = []
    for case in cases:
        for dialect, expect in case["expect"].items():
            real = next(answers)
            if real["ok"] != expect["ok"] or real.get("out") != expect.get("out"):
                differences.append((case["id"], dialect))
    assert not differences, f"{len(differences)} differ, e.g. {differences[:5]}"


def test_codec_matches_the_newest_crates_on_the_corpus(harness: Harness) -> None:
    cases = _cases()
    requests = [(d, c["doc"], "conversation") for c in cases for d in LATEST]
    real = harness.run_many(requests)
    failures = [
        (dialect, doc[:120], answer)
        for (dialect, doc, _), answer in zip(requests, real, strict=True)
        if not agree(answer, codec_outcome(dialect, doc))
    ]
    assert not failures, failures[:3]


def _fixture_cases() -> list[tuple[str, str, dict[str, Any]]]:
    out = []
    for folder in ("golden", "invalid"):
        for path in sorted((ROOT / "fixtures" / folder).glob("*.json")):
            for i, case in enumerate(json.loads(path.read_text(encoding="utf-8"))["cases"]):
                out.append((f"{folder}/{path.stem}[{i}]", case["document"], case["expect"]))
    return out


def test_golden_fixtures_are_what_the_crates_do(harness: Harness) -> None:
    cases = _fixture_cases()
    requests = [
        (HARNESS_VERSION[d], doc, "conversation") for _, doc, expect in cases for d in expect
    ]
    answers = iter(harness.run_many(requests))
    failures = []
    for cid, doc, expect in cases:
        for dialect, outcome in expect.items():
            real = next(answers)
            if real["ok"] != outcome["valid"] or (
                outcome["valid"] and real["out"] != outcome["canonical"]
            ):
                failures.append((cid, dialect, outcome, real))
            if not agree(real, codec_outcome(dialect, doc)):
                failures.append((cid, dialect, "codec differs", real))
    assert not failures, failures[:3]


# -- generated documents: valid ones from the corpus outputs, mutated in serde-relevant ways ----
ROLES = ["user", "assistant", "toolResult"]
OPTION_KEYS = [
    "provider_metadata", "providerMetadata", "signature", "errorMessage", "error_message",
    "redacted", "redactedProtocol", "redacted_protocol", "turnId",
]  # fmt: skip
TYPES = ["text", "image", "thinking", "toolCall"]
ODD_VALUES: list[Any] = [
    1, "x", None, {}, [], 1.5, -1, 2**64, 1e16, {"loopId": "a", "turnIndex": 3},
]  # fmt: skip
EXTRA_KEYS = [
    "zz", "kind", "data", "reasoning", "turnId", "nodeId", "signature", "errorMessage",
    "error_message", "providerMetadata", "provider_metadata", "cache_read", "cacheRead",
    "redacted", "redactedProtocol",
]  # fmt: skip


def _dicts(value: Any, out: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if isinstance(value, dict):
        out.append(value)
        for v in value.values():
            _dicts(v, out)
    elif isinstance(value, list):
        for v in value:
            _dicts(v, out)
    return out


def _mutate(doc: Any, rng: random.Random) -> Any:
    found = _dicts(doc, [])
    if not found:
        return doc
    d = rng.choice(found)
    key = rng.choice(list(d)) if d else None
    move = rng.randrange(10)
    if move == 0 and d.get("role") in ROLES:
        d["role"] = ROLES.index(d["role"])
    elif move == 1 and d.get("type") in TYPES:
        d["type"] = TYPES.index(d["type"])
    elif move == 2 and isinstance(d.get("stopReason"), str):
        d["stopReason"] = rng.choice([{d["stopReason"]: None}, "refusal", "maxTurns", "end_turn"])
    elif move == 3 and key:
        d[key] = None
    elif move == 4 and key:
        del d[key]
    elif move == 5:
        d[rng.choice(EXTRA_KEYS)] = rng.choice(ODD_VALUES)
    elif move == 6 and key and type(d[key]) is int:
        d[key] = rng.choice([float(d[key]), -1, 2**64, 2**32, -0.0])
    elif move == 7 and key and isinstance(d[key], str):
        d[key] = rng.choice([1, True, None, ["x"]])
    elif move == 8 and key:
        d[key] = rng.choice([[d[key]], {"a": d[key]}])
    elif move == 9:
        # null on an Option key, or on its alias spelling
        d[rng.choice(OPTION_KEYS)] = None
    return doc


def generated_documents(count: int, seed: int = 2026) -> list[str]:
    rng = random.Random(seed)
    bases = []
    for case in _cases():
        for expect in case["expect"].values():
            if expect["ok"]:
                bases.append(expect["out"])
    docs = []
    for _ in range(count):
        doc = json.loads(rng.choice(bases))
        for _ in range(rng.randint(0, 3)):
            doc = _mutate(doc, rng)
        text = json.dumps(doc, ensure_ascii=rng.random() < 0.3, indent=rng.choice([None, None, 2]))
        if rng.random() < 0.1:  # repeat a key
            keys = list(re.finditer(r'"([A-Za-z_]+)":', text))
            if keys:
                m = rng.choice(keys)
                text = text[: m.start()] + m.group(0) + "1," + text[m.start() :]
        docs.append(text)
    return docs


def test_generated_documents_agree_with_every_crate(harness: Harness) -> None:
    dialects = list(HARNESS_VERSION.values()) + ["yoagent@0.13.0", "phi-core@0.15.2"]
    docs = generated_documents(4000)
    requests = [(d, doc, "conversation") for doc in docs for d in dialects]
    real = harness.run_many(requests)
    failures = []
    accepted = 0
    for (dialect, doc, _), answer in zip(requests, real, strict=True):
        accepted += answer["ok"]
        if not agree(answer, codec_outcome(dialect, doc)):
            failures.append((dialect, doc[:300], answer))
    assert not failures, f"{len(failures)} disagreements, e.g. {failures[:2]}"
    assert 0.2 * len(requests) < accepted < 0.95 * len(requests)


SESSION_LINE = '{{"id":"{id}","parent_id":{parent},"message":{message},"timestamp":{ts}}}'


def test_sessions_match_the_crates(harness: Harness) -> None:
    user = '{"role":"user","content":[{"type":"text","text":"hi"}],"timestamp":1}'
    ext = '{"role":"extension","kind":"k","data":{"b":1,"a":2}}'
    good = "\n".join(
        [
            SESSION_LINE.format(id="e1", parent="null", message=user, ts=5),
            "  " + SESSION_LINE.format(id="e2", parent='"e1"', message=ext, ts=6),
            "",
            SESSION_LINE.format(id="e3", parent='"e2"', message=user, ts=7)[:-1] + ',"label":"x"}',
            f'["e4","e3",{ext},8]',
            f'["e5","e4",{user},9,null]',
        ]
    )
    bad = [
        good + "\n" + SESSION_LINE.format(id="e1", parent="null", message=user, ts=8),
        SESSION_LINE.format(id="e1", parent='"e9"', message=user, ts=5),
        "{not json",
        f'["e1",{user},5]',
    ]
    for dialect in ("yoagent@0.12.0", "yoagent@0.18.0", "yoagent@0.26.6"):
        answer = harness.run(dialect, good, "session")
        assert answer["ok"], answer
        assert dumps_session(loads_session(good, dialect)) == answer["out"]
        for doc in bad:
            assert not harness.run(dialect, doc, "session")["ok"]
            with pytest.raises(ac.ConversationError):
                loads_session(doc, dialect)
