"""Byte-compatibility against the real crates, built from crates.io twice: tests/interop
(serde_json pinned at 1.0.146, ryu floats) and the ``conversation`` bin of tests/interop-latest
(serde_json 1.0.154, zmij floats: what a fresh build resolves today).

The codec meets the pinned build with ``float_format="ryu"`` and the newest one with default
options. Skips with a reason when cargo is missing, unless INTEROP_REQUIRED=1 (CI sets it).
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
from agent_conversation.codec.numbers import format_f64
from agent_conversation.conversion import ConversionRefused
from agent_conversation.sessions import dumps_session, loads_session
from float_checks import changed_floats, drift_pairs
from interop_harness import Harness, build, cargo

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fixtures" / "conformance" / "messages.jsonl.gz"
LATEST_CORPUS = ROOT / "fixtures" / "conformance" / "messages.serde_json-1.0.154.jsonl.gz"
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
# The same for the serde_json 1.0.154 build (its yoagent 0.18.x is 0.18.1).
LATEST_VERSION = {**HARNESS_VERSION, "yoagent@0.13": "yoagent@0.18.1"}


def _build(latest: bool) -> Harness:
    if cargo() is None:
        if os.environ.get("INTEROP_REQUIRED") == "1":
            pytest.fail("INTEROP_REQUIRED=1 but cargo is not installed")
        pytest.skip("cargo is not installed: the interop harness cannot be built")
    try:
        return Harness(build(latest=latest))
    except subprocess.CalledProcessError as err:
        if os.environ.get("INTEROP_REQUIRED") == "1":
            raise
        pytest.skip(f"the interop harness did not build: {err}")


@pytest.fixture(scope="module")
def harness() -> Harness:
    """The serde_json 1.0.146 build (ryu)."""
    return _build(latest=False)


@pytest.fixture(scope="module")
def latest() -> Harness:
    """The serde_json 1.0.154 build (zmij)."""
    return _build(latest=True)


def _cases(path: Path = CORPUS) -> list[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def codec_outcome(dialect: str, doc: str, float_format: str = "auto") -> dict[str, Any]:
    try:
        return {"ok": True, "out": ac.dumps(ac.loads(doc, dialect), float_format=float_format)}
    except ac.ConversationError as err:
        return {"ok": False, "error": str(err)}


def test_the_two_builds_write_their_serde_jsons_float_layout(
    harness: Harness, latest: Harness
) -> None:
    old_versions, old_layout = harness.versions()
    new_versions, new_layout = latest.versions()
    assert (old_layout, new_layout) == ("1e16", "1e+16")
    assert "yoagent@0.18.0" in old_versions and "yoagent@0.18.1" not in old_versions
    assert "yoagent@0.18.1" in new_versions and "yoagent@0.18.0" not in new_versions
    assert not harness.run("yoagent@0.18.1", "[]")["ok"]  # never answered by the wrong build


def agree(real: dict[str, Any], ours: dict[str, Any]) -> bool:
    return real["ok"] == ours["ok"] and (not real["ok"] or real["out"] == ours["out"])


@pytest.mark.parametrize("newest", [False, True], ids=["serde_json-1.0.146", "serde_json-1.0.154"])
def test_stored_conformance_expectations_match_the_crates(
    harness: Harness, latest: Harness, newest: bool
) -> None:
    cases = _cases(LATEST_CORPUS if newest else CORPUS)
    if newest:
        harness = latest
    requests = [(d, c["doc"], "conversation") for c in cases for d in c["expect"]]
    answers = iter(harness.run_many(requests))
    differences = []
    for case in cases:
        for dialect, expect in case["expect"].items():
            real = next(answers)
            if real["ok"] != expect["ok"] or real.get("out") != expect.get("out"):
                differences.append((case["id"], dialect))
    assert not differences, f"{len(differences)} differ, e.g. {differences[:5]}"


def test_codec_matches_the_newest_crates_on_the_corpus(harness: Harness, latest: Harness) -> None:
    cases = _cases()
    requests = [(d, c["doc"], "conversation") for c in cases for d in LATEST]
    failures = []
    for crates, float_format in ((harness, "ryu"), (latest, "auto")):
        real = crates.run_many(requests)
        failures += [
            (float_format, dialect, doc[:120], answer)
            for (dialect, doc, _), answer in zip(requests, real, strict=True)
            if not agree(answer, codec_outcome(dialect, doc, float_format))
        ]
    assert not failures, failures[:3]


def test_files_a_ryu_build_wrote_are_rewritten_in_ryu_by_default(harness: Harness) -> None:
    """The pinned build's own outputs show ryu where it matters: default options keep it."""
    requests = [
        (version, expect["out"], "conversation")
        for case in _cases()
        for version, expect in case["expect"].items()
        if expect["ok"]
    ]
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


def test_golden_fixtures_are_what_the_crates_do(harness: Harness, latest: Harness) -> None:
    cases = _fixture_cases()
    failures = []
    for crates, versions, layout in (
        (harness, HARNESS_VERSION, "ryu"),
        (latest, LATEST_VERSION, "zmij"),
    ):
        requests = [(versions[d], doc, "conversation") for _, doc, expect in cases for d in expect]
        answers = iter(crates.run_many(requests))
        for cid, doc, expect in cases:
            for dialect, outcome in expect.items():
                real = next(answers)
                wanted = outcome.get("canonical")
                if layout == "zmij":
                    wanted = outcome.get("canonical_zmij", wanted)
                if real["ok"] != outcome["valid"] or (outcome["valid"] and real["out"] != wanted):
                    failures.append((cid, dialect, layout, outcome, real))
                if not agree(real, codec_outcome(dialect, doc, layout)):
                    failures.append((cid, dialect, layout, "codec differs", real))
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


def test_generated_documents_agree_with_every_crate(harness: Harness, latest: Harness) -> None:
    """Both builds: the pinned one against ``float_format="ryu"``, the newest against the
    default options (the generated texts never show ryu's layout)."""
    extra = ["yoagent@0.13.0", "phi-core@0.15.2"]
    docs = generated_documents(4000)
    builds = (
        (harness, list(HARNESS_VERSION.values()) + extra, "ryu"),
        (latest, list(LATEST_VERSION.values()) + extra, "auto"),
    )
    failures = []
    for crates, versions, float_format in builds:
        requests = [(d, doc, "conversation") for doc in docs for d in versions]
        real = crates.run_many(requests)
        accepted = 0
        for (dialect, doc, _), answer in zip(requests, real, strict=True):
            accepted += answer["ok"]
            if not agree(answer, codec_outcome(dialect, doc, float_format)):
                failures.append((float_format, dialect, doc[:300], answer))
        assert 0.2 * len(requests) < accepted < 0.95 * len(requests)
    assert not failures, f"{len(failures)} disagreements, e.g. {failures[:2]}"


SESSION_LINE = '{{"id":"{id}","parent_id":{parent},"message":{message},"timestamp":{ts}}}'


def session_documents(extension_data: str) -> tuple[str, list[str]]:
    """A session file every yoagent session reader accepts (compact and indented lines, a blank
    line, a label, the array forms), and four it refuses; the extension record carries
    ``extension_data``."""
    user = '{"role":"user","content":[{"type":"text","text":"hi"}],"timestamp":1}'
    ext = '{"role":"extension","kind":"k","data":' + extension_data + "}"
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
    return good, bad


def test_sessions_match_the_crates(harness: Harness) -> None:
    good, bad = session_documents('{"b":1,"a":2}')
    for dialect in ("yoagent@0.12.0", "yoagent@0.18.0", "yoagent@0.26.6"):
        answer = harness.run(dialect, good, "session")
        assert answer["ok"], answer
        assert dumps_session(loads_session(good, dialect)) == answer["out"]
        for doc in bad:
            assert not harness.run(dialect, doc, "session")["ok"]
            with pytest.raises(ac.ConversationError):
                loads_session(doc, dialect)


# -- floats: what the crates' restore changes, and converted files --------------------------------
def _float_documents(count: int) -> list[str]:
    """Documents with many float literals (the generator of the 1.0.154 corpus, another seed)."""
    import sys

    sys.path.insert(0, str(ROOT / "scripts"))
    from regenerate_conformance import float_cases

    return [case["doc"] for case in float_cases(_cases(), count, seed=2027)]


def test_drift_notes_name_exactly_what_the_crates_restore_changes(latest: Harness) -> None:
    """For each document: what save_messages() wrote (``as_saved``) and what the crate writes
    after restoring it differ in exactly the floats the ``float-drift`` notes name."""
    docs = _float_documents(300)
    versions = ["yoagent@0.26.6", "yoagent@0.18.1", "yoagent@0.12.0", "phi-core@0.15.2"]
    requests = [(v, doc, "conversation") for doc in docs for v in versions]
    drifted = 0
    failures = []
    for (version, doc, _), answer in zip(requests, latest.run_many(requests), strict=True):
        if not answer["ok"]:
            continue
        conv = ac.loads(doc, version)
        saved = ac.dumps(conv, as_saved=True)
        if drift_pairs(conv.notes) != changed_floats(saved, answer["out"]):
            failures.append((version, doc[:200]))
        drifted += bool(drift_pairs(conv.notes))
    assert not failures, failures[:2]
    assert drifted > 50


def test_sessions_with_floats_match_both_builds(harness: Harness, latest: Harness) -> None:
    data = '{"ratio":0.9808861679331449,"big":1e+16,"huge":123456789012345678901}'
    message = f'{{"role":"extension","kind":"k","data":{data}}}'
    zmij = SESSION_LINE.format(id="e1", parent="null", message=message, ts=5)
    ryu = zmij.replace("1e+16", "1e16")
    for crates, text, version in (
        (latest, zmij, "yoagent@0.26.6"),
        (harness, ryu, "yoagent@0.18.0"),
    ):
        answer = crates.run(version, text, "session")
        session = loads_session(text, version)
        assert answer["ok"] and dumps_session(session) == answer["out"], (version, answer)
        # the 17-digit fraction, and the integer beyond u64 (serde scales it inexactly)
        assert {(n.kind, n.pointer) for n in session.notes} == {
            ("float-drift", "/message/data/ratio"),
            ("float-drift", "/message/data/huge"),
        }
        assert changed_floats(dumps_session(session, as_saved=True), answer["out"]) == (
            drift_pairs(session.notes)
        )


def _convert_sources() -> list[str]:
    docs = [doc for _, doc, expect in _fixture_cases() if any(o["valid"] for o in expect.values())]
    docs += [c["doc"] for c in _cases() if c["family"] == "valid"][:200]
    docs += [c["doc"] for c in _cases(LATEST_CORPUS) if c["family"] == "floats"][:200]
    return docs


def test_converted_files_are_re_saved_identically_by_the_target_crate(
    harness: Harness, latest: Harness
) -> None:
    """What convert writes with default options is accepted by the real target crate (built
    with the serde_json whose float layout the file has) and re-saved byte for byte, except the
    floats serde_json reads one ulp off: those no file can carry through a restore + save, and
    exactly those are reported (warnings of kind float-drift)."""
    jobs = []
    for doc in _convert_sources():
        try:
            conv = ac.loads(doc)
        except ac.ConversationError:
            continue
        for target in HARNESS_VERSION:
            try:
                result = ac.convert(conv, target, allow_loss=True)
            except ConversionRefused:
                continue  # a stop reason the target lacks must be mapped
            jobs.append((conv.float_format, target, result))
    assert len(jobs) > 1500
    failures = []
    drifted = 0
    for layout, crates, versions in (
        ("ryu", harness, HARNESS_VERSION),
        ("zmij", latest, LATEST_VERSION),
    ):
        mine = [(t, r) for f, t, r in jobs if f == layout]
        requests = [(versions[t], r.text, "conversation") for t, r in mine]
        for (target, result), answer in zip(mine, crates.run_many(requests), strict=True):
            if not answer["ok"]:
                failures.append((target, result.text[:200], answer))
                continue
            reported = drift_pairs(result.conversation.notes)
            warned = sorted(format_f64(float(w.what.split()[1]), True) for w in result.warnings)
            assert warned == [saved for saved, _ in reported], (target, result.text[:200])
            identical = answer["out"] == result.text
            if (identical and reported) or (
                not identical and changed_floats(result.text, answer["out"]) != reported
            ):
                failures.append((target, result.text[:200], answer["out"][:200]))
            drifted += bool(reported)
    assert not failures, f"{len(failures)} failures, e.g. {failures[:2]}"
    assert drifted > 20
    assert {f for f, _, _ in jobs} == {"ryu", "zmij"}
