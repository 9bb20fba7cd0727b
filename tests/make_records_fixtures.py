"""Write fixtures/records/ from the real crates: each file is what the crate's own writer gave
back for a document it accepted (the ``records`` bin of tests/interop-latest).

    python tests/make_records_fixtures.py     # rewrites fixtures/records/
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from records_cases import (  # noqa: E402
    BASES,
    PHI_EVENTS,
    YOAGENT_EVENTS,
    _dumps,
    _pretty,
    phi_session,
)
from test_records_interop import CONFIG_VERSIONS, build_records, run_records  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "fixtures" / "records"


def main() -> None:
    binary = build_records()
    files: dict[Path, str] = {}
    for version in CONFIG_VERSIONS:
        crate, _, number = version.partition("@")
        for type_name, bases in BASES.items():
            for i, base in enumerate(bases):
                answer = run_records(binary, [(version, type_name, _dumps(base))])[0]
                if answer["ok"]:
                    path = OUT / "config" / f"{crate}-{number}" / f"{type_name}-{i}.json"
                    files[path] = answer["out"]
    for version, events in (
        ("yoagent@0.13.0", YOAGENT_EVENTS), ("yoagent@0.15.0", YOAGENT_EVENTS),
        ("yoagent@0.17.0", YOAGENT_EVENTS), ("yoagent@0.18.1", YOAGENT_EVENTS),
        ("yoagent@0.26.6", YOAGENT_EVENTS), ("phi-core@0.8.0", PHI_EVENTS),
        ("phi-core@0.10.0", PHI_EVENTS), ("phi-core@0.15.2", PHI_EVENTS),
    ):  # fmt: skip
        answers = run_records(binary, [(version, "AgentEvent", _dumps(e)) for e in events])
        lines = [a["out"] + "\n" for a in answers if a["ok"]]
        crate, _, number = version.partition("@")
        files[OUT / "events" / f"{crate}-{number}.jsonl"] = "".join(lines)
    for number in ("0.8.0", "0.10.0", "0.15.2"):
        doc = _pretty(phi_session(number))
        answer = run_records(binary, [(f"phi-core@{number}", "Session", doc)])[0]
        assert answer["ok"], answer
        files[OUT / "phi-session" / f"phi-core-{number}.json"] = answer["out"]
    for path, text in sorted(files.items()):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(path.relative_to(OUT.parent.parent), len(text))
    index = {str(p.relative_to(OUT)): "written by the real crate" for p in sorted(files)}
    (OUT / "index.json").write_text(json.dumps(index, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
