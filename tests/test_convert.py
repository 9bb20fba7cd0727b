"""Conversion between crates and versions: exact output, explicit losses, CLI behaviour."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import agent_conversation as ac
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = str(Path(sys.executable).parent / "convert-conversation")
GOLDEN = sorted((ROOT / "fixtures" / "golden").glob("*.json"))


def golden_cases() -> list[tuple[str, dict]]:
    out = []
    for path in GOLDEN:
        for i, case in enumerate(json.loads(path.read_text(encoding="utf-8"))["cases"]):
            out.append((f"{path.stem}[{i}]", case))
    return out


CASES = golden_cases()


@pytest.mark.parametrize(("cid", "case"), CASES, ids=[c for c, _ in CASES])
def test_golden_conversions_between_every_pair(cid: str, case: dict) -> None:
    valid = [d for d, e in case["expect"].items() if e["valid"]]
    # Where both dialects read the document fully (no notes), converting A's reading to B must
    # give exactly what B itself writes for the document.
    full = {d for d in valid if not ac.loads(case["document"], d).notes}
    for source in valid:
        conv = ac.loads(case["document"], source)
        for target in valid:
            try:
                result = ac.convert(conv, target, allow_loss=True)
            except ac.ConversationError:
                # Only an unmapped stop reason the target lacks may refuse outright.
                assert any(
                    r.get("stopReason") not in ac.codec.spec.get_spec(target).stop_reasons
                    for r in conv.records
                    if "kind" not in r
                ), (cid, source, target)
                continue
            if not result.losses and source in full and target in full:
                assert result.text == case["expect"][target]["canonical"], (cid, source, target)
            assert ac.dumps(ac.loads(result.text, target)) == result.text


def test_round_trip_a_b_a_returns_the_original_bytes() -> None:
    original = (ROOT / "fixtures" / "examples" / "conversation.json").read_text(encoding="utf-8")
    for target in ("phi-core@0.7", "phi-core@0.10.0", "yoagent@0.9", "yoagent@0.26.6"):
        there = ac.convert(ac.loads(original, "yoagent@0.18.0"), target)
        assert not there.losses
        back = ac.convert(there.conversation, "yoagent@0.18.0")
        assert back.text == original, target


FROZEN = (
    '[{"role":"assistant","content":[{"type":"toolCall","id":"tc-1","name":"bash",'
    '"arguments":{"command":"ls"},"providerMetadata":{"thought_signature":"sig-2"}}],'
    '"stopReason":"refusal","model":"m","provider":"p","usage":{"input":100,"output":50,'
    '"cacheRead":10,"cacheWrite":5,"totalTokens":165},"timestamp":1234,"errorMessage":"boom"}]'
)


def test_every_loss_is_reported_with_index_and_pointer() -> None:
    conv = ac.loads(FROZEN, "yoagent@0.18.0")
    with pytest.raises(ac.ConversationError) as info:
        ac.convert(conv, "phi-core@0.10.0")
    pointers = {(p.index, p.pointer) for p in info.value.problems}
    assert pointers == {(0, "/0/content/0/providerMetadata"), (0, "/0/stopReason")}
    result = ac.convert(
        conv, "phi-core@0.10.0", allow_loss=True, stop_reason_map={"refusal": "guardRail"}
    )
    assert '"error_message":"boom"' in result.text and "providerMetadata" not in result.text
    assert {loss.pointer for loss in result.losses} == {
        "/0/content/0/providerMetadata",
        "/0/stopReason",
    }


def test_phi_metadata_and_reasoning_into_yoagent_are_losses() -> None:
    phi = (
        '[{"content":[],"role":"user","timestamp":1,"turnId":{"loopId":"l","turnIndex":2},'
        '"nodeId":7},{"content":[],"model":"m","provider":"p","role":"assistant",'
        '"stopReason":"maxTurns","timestamp":2,"usage":{"input":1,"output":2,"reasoning":9}}]'
    )
    conv = ac.loads(phi, "phi-core@0.10.0")
    with pytest.raises(ac.ConversationError) as info:
        ac.convert(conv, "yoagent@0.18.0", stop_reason_map={"maxTurns": "length"})
    pointers = {p.pointer for p in info.value.problems}
    assert {"/0/turnId", "/0/nodeId", "/1/usage/reasoning"} <= pointers
    result = ac.convert(
        conv, "yoagent@0.18.0", allow_loss=True, stop_reason_map={"maxTurns": "length"}
    )
    assert '"stopReason":"length"' in result.text and "turnId" not in result.text


def test_unknown_keys_the_source_carried_are_losses() -> None:
    conv = ac.loads('[{"role":"user","content":[],"timestamp":1,"mood":"x"}]', "yoagent@0.18.0")
    with pytest.raises(ac.ConversationError) as info:
        ac.convert(conv, "yoagent@0.9")
    assert info.value.problems[0].pointer == "/0/mood"


def test_mapping_to_a_reason_the_target_lacks_is_refused() -> None:
    conv = ac.loads(FROZEN, "yoagent@0.18.0")
    with pytest.raises(ac.ConversationError):
        ac.convert(conv, "yoagent@0.4", allow_loss=True, stop_reason_map={"refusal": "paused"})


records = st.lists(
    st.builds(
        lambda t, ts: {"role": "user", "content": [{"type": "text", "text": t}], "timestamp": ts},
        st.text(max_size=8),
        st.integers(0, 2**64 - 1),
    )
    | st.builds(
        lambda k, d: {"role": "extension", "kind": k, "data": d},
        st.text(max_size=5),
        st.dictionaries(
            st.text(max_size=3), st.integers(-(2**63), 2**64 - 1) | st.text(max_size=3), max_size=3
        ),
    ),
    max_size=5,
)


@settings(max_examples=60, deadline=None)
@given(records, st.sampled_from(ac.known_dialects()), st.sampled_from(ac.known_dialects()))
def test_lossless_conversions_round_trip(recs: list[dict], a: str, b: str) -> None:
    original = ac.dumps(ac.Conversation(recs), a)
    there = ac.convert(ac.loads(original, a), b)
    assert not there.losses
    assert ac.convert(there.conversation, a).text == original


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([SCRIPT, *args], input=stdin, capture_output=True, timeout=120)


def test_cli_exit_codes_and_atomic_output(tmp_path: Path) -> None:
    src = tmp_path / "in.json"
    src.write_text(FROZEN, encoding="utf-8")
    out = tmp_path / "out.json"
    proc = run(str(src), "--to", "phi-core@0.10.0", "-o", str(out))
    assert proc.returncode == 1 and b"providerMetadata" in proc.stderr
    assert not out.exists() and sorted(os.listdir(tmp_path)) == ["in.json"]
    proc = run(
        str(src), "--to", "phi-core@0.10.0", "-o", str(out), "--allow-loss",
        "--map-stop-reason", "refusal=guardRail",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert out.read_text(encoding="utf-8").startswith('[{"content":')
    assert b"lost:" in proc.stderr
    assert sorted(os.listdir(tmp_path)) == ["in.json", "out.json"]
    assert run(str(src), "--to", "nope@1").returncode == 2
    assert run(str(tmp_path / "missing.json"), "--to", "yoagent").returncode == 2
    assert run(str(src), "--to", "yoagent@0.18.0", "-o", str(src)).returncode == 2
    assert src.read_text(encoding="utf-8") == FROZEN


def test_cli_in_place_and_stdout(tmp_path: Path) -> None:
    example = (ROOT / "fixtures" / "examples" / "conversation.json").read_bytes()
    proc = run("-", "--to", "phi-core@0.10.0", stdin=example)
    assert proc.returncode == 0 and proc.stdout.startswith(b'[{"content":')
    target = tmp_path / "c.json"
    target.write_bytes(example)
    assert run(str(target), "--to", "yoagent@0.9", "--in-place").returncode == 0
    assert b'"cache_read"' in target.read_bytes()
    assert os.listdir(tmp_path) == ["c.json"]


def test_cli_session_files_keep_ids_and_parents(tmp_path: Path) -> None:
    user = '{"role":"user","content":[],"timestamp":1}'
    lines = [
        f'{{"id":"e1","parent_id":null,"message":{user},"timestamp":5}}',
        f'{{"id":"e2","parent_id":"e1","message":{user},"timestamp":6,"label":"x"}}',
    ]
    src = tmp_path / "s.jsonl"
    src.write_text("\n".join(lines), encoding="utf-8")
    proc = run(str(src), "--to", "yoagent@0.12.0")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode() == "\n".join(lines)
    assert run(str(src), "--to", "phi-core@0.10.0").returncode == 2
