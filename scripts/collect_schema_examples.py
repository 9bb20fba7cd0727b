"""Collect one example per `$defs` type of every schema folder from what the real crates wrote.

Writes ``schema/<crate>/<revision>/examples/<Type>/<source>.json`` (and the same under
``config/``, ``events/``, ``session/``). Candidates are every value inside the crate-written
fixtures (``fixtures/real/``, ``fixtures/records/``, the ``canonical`` bytes of
``fixtures/golden/``) of a crate version inside the folder's ``x-crate-versions`` (golden
outcomes by their dialect); the messages a crate saved are candidates for its event and session
folders too. A type's example is a candidate valid against its entry in every view, preferring
text that occurs verbatim in the crate's output (exact bytes), then one from a real agent loop,
then the one showing most, then the shortest; an example of a whole message is one that
restore + save writes unchanged. The text is written compact, as the crates write it.

    python scripts/collect_schema_examples.py           # (re)write every examples/ folder
    python scripts/collect_schema_examples.py --check   # exit 1 when a type has no example
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import agent_conversation as ac
from agent_conversation import schemas
from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "schema"
FIXTURES = ROOT / "fixtures"
MAX_TEXT = 600  # prefer examples a reader can take in at a glance
WHOLE_MESSAGES = {"AgentMessage", "Message", "UserMessage", "AssistantMessage", "ToolResultMessage",
                  "ExtensionMessage"}  # fmt: skip
RANK = {"real": 0, "records": 1, "golden": 2}  # real agent loops first


@dataclass(frozen=True)
class Source:
    name: str  # file name stem of the example: where it was taken from
    crate: str
    version: str | None  # a crate version, or None with `dialect` set
    dialect: str | None  # a revision (golden outcomes)
    kind: str  # conversation, config, events, session
    text: str  # the crate's bytes


def vkey(version: str) -> tuple[int, ...]:
    return tuple(int(x) for x in version.lstrip("<>=").split("."))


def folders() -> Iterator[tuple[str, str, Path, list[Path]]]:
    """(kind, crate, folder, schema files: wire view first) of every schema folder."""
    for path in sorted(SCHEMA.rglob("*.schema.json")):
        name = path.name
        if name.endswith(".reader.schema.json"):
            continue
        kind = name.split(".")[0]
        views = [path]
        if name.endswith(".wire.schema.json"):
            views.append(path.with_name(name.replace(".wire.", ".reader.")))
        yield kind, path.relative_to(SCHEMA).parts[0], path.parent, views


def sources() -> list[Source]:
    out: list[Source] = []
    for run in sorted((FIXTURES / "real").glob("*-*")):
        crate, version = run.name.rsplit("-", 1)
        for path in sorted(run.rglob("*")):
            if not path.is_file() or path.name == "meta.json":
                continue
            scenario = path.parent.name
            kind = {
                "messages.json": "conversation",
                "session.jsonl": "conversation",  # yoagent SessionEntry lines
                "events.jsonl": "events",
                "session.json": "session",
            }.get(path.name, "config" if scenario == "config" else "")
            if kind:
                name = f"real-{run.name}-{scenario}-{path.stem}"
                out.append(Source(name, crate, version, None, kind, path.read_text("utf-8")))
    records = FIXTURES / "records"
    for path in sorted(records.rglob("*.json*")):
        rel = path.relative_to(records)
        if rel.parts[0] not in ("config", "events", "phi-session"):
            continue
        owner = rel.parts[1] if rel.parts[0] == "config" else path.name.rsplit(".", 1)[0]
        crate, version = owner.rsplit("-", 1)
        kind = {"phi-session": "session"}.get(rel.parts[0], rel.parts[0])
        name = "records-" + "-".join(rel.with_suffix("").parts[1:])
        out.append(Source(name, crate, version, None, kind, path.read_text("utf-8")))
    for path in sorted((FIXTURES / "golden").glob("*.json")):
        for i, case in enumerate(json.loads(path.read_text("utf-8"))["cases"]):
            for dialect, outcome in case["expect"].items():
                crate = dialect.split("@")[0]
                name = f"golden-{path.stem}-{i}"
                out.append(Source(name, crate, None, dialect, "conversation", outcome["canonical"]))
    return out


def documents(text: str) -> Iterator[Any]:
    try:
        yield json.loads(text)
    except json.JSONDecodeError:
        for line in text.split("\n"):
            if line.strip():
                yield json.loads(line)


def values(value: Any) -> Iterator[Any]:
    yield value
    if isinstance(value, dict):
        for item in value.values():
            yield from values(item)
    elif isinstance(value, list):
        for item in value:
            yield from values(item)


def shown(value: Any) -> int:
    """How much the value shows: its keys and non-empty leaves (a richer example teaches more)."""
    if isinstance(value, dict):
        return len(value) + sum(shown(v) for v in value.values())
    if isinstance(value, list):
        return sum(shown(v) for v in value)
    return 1 if value not in ("", 0, None, False) else 0


def compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def crate_range(path: Path) -> tuple[tuple[int, ...], tuple[int, ...]]:
    low, high = json.loads(path.read_text("utf-8"))["x-crate-versions"]
    return vkey(low), vkey(high)


def in_folder(source: Source, kind: str, crate: str, views: list[Path]) -> bool:
    """Whether the crate wrote the source with the types of this folder. Events and phi-core
    sessions embed messages: the crate writes them there with the same serde types."""
    if source.crate != crate or source.kind not in (kind, "conversation"):
        return False
    if source.kind != kind and kind == "config":
        return False
    low, high = crate_range(views[0])
    if source.dialect is None:
        return low <= vkey(source.version or "0") < high
    revision = source.dialect.split("@")[1]
    if kind == "conversation":
        return views[0].parent.name == revision
    first, last = crate_range(SCHEMA / crate / revision / "conversation.wire.schema.json")
    return first < high and low < last


def fixed(text: str, views: list[Path]) -> bool:
    """Whether restore + save writes the message unchanged (a float serde_json reads back as
    another value does not: the crates re-write it, and so does the codec)."""
    dialect = f"{views[0].parent.parent.name}@{views[0].parent.name}"
    document = f"[{text}]"
    return bool(ac.dumps(ac.loads(document, dialect), dialect) == document)


def choose(
    kind: str, crate: str, views: list[Path], pool: list[Source]
) -> dict[str, tuple[str, str]]:
    """{type: (source name, text)} for every `$defs` type some candidate is an instance of."""
    loaded = [json.loads(v.read_text("utf-8")) for v in views]
    checks = {
        name: [
            Draft202012Validator({"$ref": f"{s['$id']}#/$defs/{name}"}, registry=schemas.registry())
            for s in loaded
        ]
        for name in loaded[0]["$defs"]
    }
    best: dict[str, tuple[tuple[int, ...], str, str]] = {}
    seen: set[str] = set()
    for source in pool:
        if not in_folder(source, kind, crate, views):
            continue
        for document in documents(source.text):
            for value in values(document):
                text = compact(value)
                if text in seen:
                    continue
                seen.add(text)
                score = (
                    0 if text in source.text else 1,
                    0 if len(text) <= MAX_TEXT else 1,
                    RANK[source.name.split("-")[0]],
                    -shown(value),
                    len(text),
                )
                for name, validators in checks.items():
                    if name in best and best[name][0] <= score:
                        continue
                    if all(v.is_valid(value) for v in validators) and (
                        name not in WHOLE_MESSAGES or kind != "conversation" or fixed(text, views)
                    ):
                        best[name] = (score, source.name, text)
    return {name: (src, text) for name, (_, src, text) in best.items()}


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--check", action="store_true", help="only report missing types")
    opts = args.parse_args(argv)
    pool = sources()
    missing = []
    for kind, crate, folder, views in folders():
        chosen = choose(kind, crate, views, pool)
        types = json.loads(views[0].read_text("utf-8"))["$defs"]
        missing += [f"{folder.relative_to(SCHEMA)}: {t}" for t in types if t not in chosen]
        if opts.check:
            continue
        shutil.rmtree(folder / "examples", ignore_errors=True)
        for name, (src, text) in chosen.items():
            out = folder / "examples" / name / f"{src}.json"
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text + "\n", encoding="utf-8")
    for line in missing:
        print(f"no example: {line}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
