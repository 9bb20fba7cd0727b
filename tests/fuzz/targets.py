"""Fuzz targets: each takes bytes and may raise only ConversationError (or, for the command-line
targets, must end with exit code 0, 1 or 2 and no internal error). Anything else is a finding."""

from __future__ import annotations

import gc
import io
import os
import sys
from collections.abc import Callable
from contextlib import contextmanager
from typing import Any

import agent_conversation as ac
from agent_conversation.conversion import convert
from agent_conversation.dialects import known_dialects
from agent_conversation.errors import ConversationError
from agent_conversation.sessions import loads_phi_session, loads_session

DIALECTS = ["auto", *known_dialects()]
TARGETS_DIALECTS = known_dialects()


class Finding(AssertionError):
    """A target broke its promise (for the command-line targets: exit code or stderr)."""


def _pick(data: bytes, options: list[str]) -> str:
    return options[(data[0] if data else 0) % len(options)]


def fuzz_loads(data: bytes) -> None:
    try:
        conv = ac.loads(data, _pick(data, DIALECTS))
    except ConversationError:
        return
    # what was read can be written back for its own dialect (or names what it cannot carry),
    # and its reader accepts what was written. (Not always as a fixed point: serde's float
    # parsing is not correctly rounded, so a 20+ digit literal may move by an ulp per round.)
    try:
        text = ac.dumps(conv)
    except ConversationError:
        return
    ac.loads(text, conv.dialect or "auto")


def fuzz_detect(data: bytes) -> None:
    found = ac.detect(data)
    if not all(name in TARGETS_DIALECTS for name in found):
        raise Finding(f"detect returned unknown dialects {found}")


def fuzz_loads_session(data: bytes) -> None:
    try:
        loads_session(data, _pick(data[1:], ["auto", "yoagent@0.13", "yoagent@0.22"]))
    except ConversationError:
        pass


def fuzz_loads_phi_session(data: bytes) -> None:
    try:
        loads_phi_session(data, _pick(data[1:], ["auto", "phi-core@0.7", "phi-core@0.9"]))
    except ConversationError:
        pass


def fuzz_convert(data: bytes) -> None:
    try:
        conv = ac.loads(data)
    except ConversationError:
        return
    target = _pick(data[-1:], TARGETS_DIALECTS)
    try:
        result = convert(conv, target, allow_loss=bool(len(data) % 2))
    except ConversationError:
        return
    ac.loads(result.text, target)  # what convert writes, the target reads


@contextmanager
def _streams(stdin: bytes) -> Any:
    saved = sys.stdin, sys.stdout, sys.stderr
    out, err = io.BytesIO(), io.BytesIO()
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin))
    sys.stdout = io.TextIOWrapper(out, encoding="utf-8", write_through=True)
    sys.stderr = io.TextIOWrapper(err, encoding="utf-8", write_through=True)
    was = os.environ.get("VALIDATE_CONVERSATION_DEBUG")
    os.environ["VALIDATE_CONVERSATION_DEBUG"] = "1"  # an internal error raises: a finding
    try:
        yield out, err
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved
        if was is None:
            os.environ.pop("VALIDATE_CONVERSATION_DEBUG", None)
        gc.enable()  # validate-conversation turns it off for its short-lived process


VALIDATE_ARGS = [
    [],
    ["--strict"],
    ["--canonical"],
    ["--format", "json"],
    ["--format", "github"],
    ["--type", "session"],
    ["--type", "phi-session"],
    ["--dialect", "yoagent@0.18.0", "--canonical"],
]


def fuzz_cli_validate(data: bytes) -> None:
    from agent_conversation.cli.validate import run

    args = VALIDATE_ARGS[(data[-1] if data else 0) % len(VALIDATE_ARGS)]
    with _streams(data) as (_, err):
        code = run([*args, "-"])
        text = err.getvalue().decode("utf-8", "replace")
    if code not in (0, 1, 2) or "internal error" in text or "Traceback" in text:
        raise Finding(f"validate-conversation {args}: exit {code}: {text[:500]}")


CONVERT_ARGS = [
    ["--to", "phi-core"],
    ["--to", "yoagent@0.4.0", "--allow-loss"],
    ["--to", "yoagent@0.26.6", "--map-stop-reason", "refusal=error"],
    ["--to", "yoagent@0.18.0", "--type", "session", "--allow-loss"],
]


def fuzz_cli_convert(data: bytes) -> None:
    from agent_conversation.cli.convert import main

    args = CONVERT_ARGS[(data[-1] if data else 0) % len(CONVERT_ARGS)]
    with _streams(data) as (_, err):
        code = main(["-", *args])
        text = err.getvalue().decode("utf-8", "replace")
    if code not in (0, 1, 2) or "internal error" in text or "Traceback" in text:
        raise Finding(f"convert-conversation {args}: exit {code}: {text[:500]}")


TARGETS: dict[str, Callable[[bytes], None]] = {
    "loads": fuzz_loads,
    "detect": fuzz_detect,
    "loads_session": fuzz_loads_session,
    "loads_phi_session": fuzz_loads_phi_session,
    "convert": fuzz_convert,
    "cli_validate": fuzz_cli_validate,
    "cli_convert": fuzz_cli_convert,
}
