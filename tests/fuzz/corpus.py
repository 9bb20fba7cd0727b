"""The seed corpus: every document in fixtures/ (golden, invalid, conformance, examples), plus
yoagent session files and phi-core session documents built from the valid ones."""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def _documents(node: Any, out: list[str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("document", "doc", "canonical") and isinstance(value, str):
                out.append(value)
            else:
                _documents(value, out)
    elif isinstance(node, list):
        for value in node:
            _documents(value, out)


@lru_cache(maxsize=1)
def seeds() -> tuple[bytes, ...]:
    texts: list[str] = []
    for path in sorted(FIXTURES.glob("*/*.json")):
        if path.parent.name in ("golden", "invalid"):
            _documents(json.loads(path.read_text("utf-8")), texts)
        else:
            texts.append(path.read_text("utf-8"))
    with gzip.open(FIXTURES / "conformance" / "messages.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            _documents(json.loads(line), texts)
    unique = sorted(set(texts), key=lambda t: (len(t), t))
    out = [t.encode("utf-8") for t in unique]
    out += [s.encode("utf-8") for s in _sessions(unique)]
    return tuple(out)


def _sessions(texts: list[str]) -> list[str]:
    """A yoagent session (JSONL) and a phi-core session document per valid-looking array."""
    out: list[str] = []
    for text in texts[:: max(1, len(texts) // 150)]:
        try:
            messages = json.loads(text)
        except ValueError:
            continue
        if not isinstance(messages, list) or not messages:
            continue
        lines = []
        for i, message in enumerate(messages):
            parent = None if i == 0 else f"e{i - 1}"
            entry = {"id": f"e{i}", "parent_id": parent, "message": message, "timestamp": i}
            lines.append(json.dumps(entry, separators=(",", ":"), ensure_ascii=False))
        out.append("\n".join(lines))
        phi = {"session_id": "s1", "loops": [{"loop_id": "l1", "messages": messages}]}
        out.append(json.dumps(phi, indent=2, ensure_ascii=False))
    return out
