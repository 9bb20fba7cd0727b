"""Drive the ``providers`` binary of tests/interop-latest: what the crates' own OpenAI-compatible
and Anthropic providers send for a restored history (captured on a loopback server).

``capture([(crate, api, history_text), ...])`` returns, per job, ``{"request": {"path", "body"},
"error"}``. Histories: the golden fixtures valid for the crate's dialect, hand-made agent-loop
shaped histories (``LOOP_HISTORIES``), and the real agent-loop transcripts under
fixtures/real/<crate>-<version>/<scenario>/messages.json once they exist.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from interop_harness import cargo

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "tests" / "interop-latest" / "Cargo.toml"
CRATES = {  # crate version driven by the binary → the dialect it reads
    "yoagent@0.26.6": "yoagent@0.22",
    "yoagent@0.18.1": "yoagent@0.13",
    "yoagent@0.12.0": "yoagent@0.9",
    "phi-core@0.15.2": "phi-core@0.9",
    "phi-core@0.8.0": "phi-core@0.8",  # OpenAI only: its Anthropic provider ignores base_url
}
PROMPT = "NEXT PROMPT"
SYSTEM = "SYSTEM PROMPT"


def target_dir() -> Path:
    default = Path.home() / ".cache" / "agent-conversation-format" / "interop-latest-target"
    return Path(os.environ.get("INTEROP_LATEST_TARGET_DIR", default))


def build() -> Path:
    """Build the ``providers`` binary; return a private copy (the target dir is shared)."""
    exe = cargo()
    if exe is None:
        raise FileNotFoundError("cargo is not installed")
    subprocess.run(
        [exe, "build", "--release", "--quiet", "--manifest-path", str(MANIFEST),
         "--target-dir", str(target_dir()), "--bin", "providers"],
        check=True,
    )  # fmt: skip
    copy = target_dir() / "exchange" / "providers"
    copy.parent.mkdir(exist_ok=True)
    shutil.copy2(target_dir() / "release" / "providers", copy)
    return copy


def capture(binary: Path, jobs: list[tuple[str, str, str]]) -> list[dict[str, Any]]:
    payload = json.dumps([{"crate": c, "api": a, "history": h} for c, a, h in jobs])
    done = subprocess.run(
        [str(binary)], input=payload, capture_output=True, text=True, timeout=600, check=True
    )
    answers = json.loads(done.stdout)
    assert len(answers) == len(jobs), "the providers binary did not answer every job"
    return answers


def golden_histories(dialect: str) -> list[tuple[str, str]]:
    """(name, document) of every golden fixture case the dialect's reader accepts."""
    out = []
    for path in sorted((ROOT / "fixtures" / "golden").glob("*.json")):
        for k, case in enumerate(json.loads(path.read_text())["cases"]):
            if case.get("expect", {}).get(dialect, {}).get("valid"):
                out.append((f"{path.stem}[{k}]", case["document"]))
    return out


def real_histories(crate: str) -> list[tuple[str, str]]:
    """The real agent-loop transcripts of this crate version (fixtures/real), if present."""
    folder = ROOT / "fixtures" / "real" / crate.replace("@", "-")
    return [
        (f"real/{p.parent.name}", p.read_text()) for p in sorted(folder.glob("*/messages.json"))
    ]


def _usage(i: int, o: int) -> dict[str, int]:
    return {"input": i, "output": o, "cacheRead": 0, "cacheWrite": 0, "totalTokens": i + o}


def _assistant(content: list[dict[str, Any]], ts: int, stop: str = "stop", **extra: Any) -> dict:
    return {
        "role": "assistant",
        "content": content,
        "stopReason": stop,
        "model": "m-1",
        "provider": "openai",
        "usage": _usage(10, 5),
        "timestamp": ts,
        **extra,
    }


def _user(content: list[dict[str, Any]], ts: int) -> dict[str, Any]:
    return {"role": "user", "content": content, "timestamp": ts}


def _result(
    call: str, name: str, content: list[dict[str, Any]], ts: int, error: bool = False
) -> dict:
    return {
        "role": "toolResult",
        "toolCallId": call,
        "toolName": name,
        "content": content,
        "isError": error,
        "timestamp": ts,
    }


def _text(text: str) -> dict[str, Any]:
    return {"type": "text", "text": text}


def _call(call: str, name: str, arguments: Any) -> dict[str, Any]:
    return {"type": "toolCall", "id": call, "name": name, "arguments": arguments}


PNG = "iVBORw0KGgo="

# Histories shaped like the crates' agent loops write them (as observed in real agent
# loops): tool rounds, a failed call, the loop's error turn, thinking, images, extension records.
LOOP_HISTORIES: dict[str, list[dict[str, Any]]] = {
    "tool-round": [
        _user([_text("List the files and read the first one")], 1000),
        _assistant(
            [
                _text("Listing."),
                _call(
                    "call_1",
                    "bash",
                    {"z": 1, "command": "ls -la", "nested": {"b": 2.5, "a": [1e16, -0.0]}},
                ),
                _call("call_2", "read_file", {"path": "README.md", "limit": 0.1}),
            ],
            1001,
            "toolUse",
        ),
        _result("call_1", "bash", [_text("a.txt"), _text("b.txt")], 1002),
        _result("call_2", "read_file", [_text("No such file")], 1003, error=True),
        _assistant([_text("There are two files.")], 1004),
    ],
    "error-turn": [
        _user([_text("Hello")], 2000),
        {
            **_assistant([_text("")], 2001, "error", errorMessage="API error: 529 overloaded"),
            "provider": "unknown",
        },
        _user([_text("Hello again")], 2002),
        _assistant([_text("Hi.")], 2003),
    ],
    "thinking": [
        _user([_text("Think first")], 3000),
        _assistant(
            [
                {"type": "thinking", "thinking": "unsigned reasoning"},
                {"type": "thinking", "thinking": "signed reasoning", "signature": "sig-abc"},
                _text("Done thinking."),
            ],
            3001,
        ),
    ],
    "images": [
        _user(
            [_text("What is this?"), {"type": "image", "data": PNG, "mimeType": "image/png"}], 4000
        ),
        _assistant([_call("call_9", "screenshot", {})], 4001, "toolUse"),
        _result(
            "call_9",
            "screenshot",
            [_text("captured"), {"type": "image", "data": PNG, "mimeType": "image/jpeg"}],
            4002,
        ),
        _assistant([_text("A logo.")], 4003),
    ],
    "extension-and-empty": [
        _user([_text("Start")], 5000),
        {"role": "extension", "kind": "status", "data": {"step": 1}},
        _assistant([_text("First"), _text(""), _text("Second")], 5001),
        _user([_text("")], 5002),
        _assistant([_text("Third")], 5003),
    ],
    "timestamps-out-of-order": [
        _user([_text("second by time")], 6005),
        _assistant([_text("first by time")], 6001),
        _user([_text("tie user")], 6010),
        _assistant([_text("tie assistant")], 6010),
    ],
}

REDACTED_HISTORY = [
    _user([_text("Secret reasoning please")], 7000),
    _assistant(
        [
            {
                "type": "thinking",
                "thinking": "",
                "redacted": "ZW5jcnlwdGVk",
                "redactedProtocol": "anthropic_messages",
            },
            {
                "type": "thinking",
                "thinking": "",
                "redacted": "Zm9v",
                "redactedProtocol": "google_vertex",
            },
            _text("Done."),
        ],
        7001,
    ),
]


def loop_histories(dialect: str) -> list[tuple[str, str]]:
    """The hand-made loop histories written as ``dialect`` writes them."""
    from agent_conversation import Conversation
    from agent_conversation.conversion import convert

    histories = dict(LOOP_HISTORIES)
    if dialect == "yoagent@0.22":
        histories["redacted-thinking"] = REDACTED_HISTORY
    return [
        (f"loop/{name}", convert(Conversation(records), dialect, allow_loss=True).text)
        for name, records in histories.items()
    ]
