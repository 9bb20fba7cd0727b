"""``conv[i]`` is typed per dialect where the dialect is known (issue 14): a ``TypedDialect``
constant gives ``Conversation[<the revision's message union>]``; the unions are the generated
modules' own, and a type checker (mypy) narrows them to every field's type."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path
from typing import Any

import agent_conversation as ac
from agent_conversation import typed_dialects
from agent_conversation.models import MODULES

ROOT = Path(__file__).resolve().parent.parent


def saved_union(module: Any) -> set[Any]:
    """The message types a generated module's ``SavedConversation`` lists."""
    return set(module.SavedConversation.model_fields["root"].annotation.__args__[0].__args__)


def test_one_constant_per_revision_typed_with_its_own_message_union() -> None:
    constants = {
        name: value
        for name, value in vars(typed_dialects).items()
        if isinstance(value, typed_dialects.TypedDialect)
    }
    assert sorted(constants.values()) == sorted(MODULES)
    for name, dialect in constants.items():
        module = MODULES[dialect]
        assert typed_dialects.__annotations__[name] == f"TypedDialect[{module}.Message]", name
        models = importlib.import_module(f"agent_conversation.models.{module}")
        assert set(models.Message.__args__) == saved_union(models), dialect


def test_a_typed_dialect_reads_as_its_name() -> None:
    text = '[{"role":"user","content":[{"type":"text","text":"hi"}],"timestamp":1}]'
    typed = ac.loads(text, typed_dialects.YOAGENT_0_22)
    assert (
        typed.dialect == "yoagent@0.22" and typed.records == ac.loads(text, "yoagent@0.22").records
    )
    assert type(typed[0]).__name__ == "UserMessage"


SNIPPET = """
import agent_conversation as ac
from agent_conversation.typed_dialects import PHI_CORE_0_9, YOAGENT_0_22
from agent_conversation.models import yoagent_0_22

conv = ac.loads("[]", YOAGENT_0_22)
message = conv[0]
if isinstance(message, yoagent_0_22.AssistantMessage):
    ok: int = message.usage.cache_read
    wrong: str = message.usage.cache_read
phi = ac.load("x.json", PHI_CORE_0_9)
for m in phi:
    reveal_type(m)
untyped = ac.loads("[]", "yoagent@0.22.3")
reveal_type(untyped[0])
"""


def test_mypy_types_and_narrows_conv_i(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text(SNIPPET)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--no-incremental",
            "--config-file",
            str(ROOT / "pyproject.toml"),
            str(probe),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    lines = [line.split(": ", 1)[1] for line in proc.stdout.splitlines() if ": " in line]
    errors = [line for line in lines if line.startswith("error")]
    assert len(errors) == 1 and "Incompatible types in assignment" in errors[0], proc.stdout
    notes = [line for line in lines if "Revealed type" in line]
    assert "phi_core_0_9.AssistantMessage" in notes[0] and "phi_core_0_9.UserMessage" in notes[0]
    assert notes[1].endswith('"Any"'), notes
