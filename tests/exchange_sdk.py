"""The consumers' own types, for checking exported documents (test-only dependencies).

``check_openai_chat(doc)``, ``check_anthropic(doc)``, ``check_pydantic_ai(doc)`` validate with the
official SDK types (pydantic ``TypeAdapter`` over their typed params; pydantic-ai's
``ModelMessagesTypeAdapter``) and fail when the SDK rejects the document or drops a key of it.
The SDK params use lazy ``Iterable`` fields, so the validated value is walked to the end.
"""

from __future__ import annotations

from functools import cache
from typing import Any


def materialize(value: Any) -> Any:
    """Consume every lazy iterable pydantic returned for an ``Iterable[...]`` field."""
    if isinstance(value, dict):
        return {k: materialize(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [materialize(v) for v in value]
    if value is None or isinstance(value, (str, bytes, int, float, bool)):
        return value
    if hasattr(value, "__iter__"):
        return [materialize(v) for v in value]
    return value


@cache
def _adapters() -> dict[str, Any]:
    from anthropic.types import MessageParam
    from openai.types.chat import ChatCompletionMessageParam, ChatCompletionToolUnionParam
    from pydantic import TypeAdapter

    return {
        "openai-messages": TypeAdapter(list[ChatCompletionMessageParam]),
        "openai-tools": TypeAdapter(list[ChatCompletionToolUnionParam]),
        "anthropic-messages": TypeAdapter(list[MessageParam]),
    }


def _same(adapter: Any, value: Any) -> None:
    validated = materialize(adapter.validate_python(value))
    assert validated == value, f"the SDK type changed the document:\n{validated}\n!=\n{value}"


def check_openai_chat(document: dict[str, Any]) -> None:
    assert set(document) <= {"messages", "tools"}
    _same(_adapters()["openai-messages"], document["messages"])
    if "tools" in document:
        _same(_adapters()["openai-tools"], document["tools"])


def check_anthropic(document: dict[str, Any]) -> None:
    assert set(document) <= {"system", "messages"}
    assert isinstance(document.get("system", ""), str)
    _same(_adapters()["anthropic-messages"], document["messages"])


def check_pydantic_ai(document: list[Any]) -> list[Any]:
    """Validate; every key we wrote must come back with the same value from the adapter's dump.
    Returns the adapter's own JSON dump (what pydantic-ai itself would store)."""
    from pydantic_ai.messages import ModelMessagesTypeAdapter

    dumped = ModelMessagesTypeAdapter.dump_python(
        ModelMessagesTypeAdapter.validate_python(document), mode="json"
    )
    _subset(document, dumped, "")
    return dumped


def _subset(ours: Any, theirs: Any, here: str) -> None:
    if isinstance(ours, dict):
        assert isinstance(theirs, dict), here
        for key, value in ours.items():
            assert key in theirs, f"{here}/{key} dropped by pydantic-ai"
            _subset(value, theirs[key], f"{here}/{key}")
    elif isinstance(ours, list):
        assert isinstance(theirs, list) and len(ours) == len(theirs), here
        for k, (a, b) in enumerate(zip(ours, theirs, strict=True)):
            _subset(a, b, f"{here}/{k}")
    else:
        assert ours == theirs and type(ours) is type(theirs), f"{here}: {ours!r} != {theirs!r}"


CHECKS = {
    "openai-chat": check_openai_chat,
    "anthropic-messages": check_anthropic,
    "pydantic-ai": check_pydantic_ai,
}


def check(fmt: str, document: Any) -> None:
    if fmt == "openai-finetune":
        check_openai_chat(document)
        for message in document["messages"]:
            if message["role"] == "assistant":
                assert isinstance(message.get("content", ""), str)
        return
    CHECKS[fmt](document)


def _words(root: Any) -> set[str]:
    """Every key of the TypedDicts / dataclasses reachable from a type, and its string Literals."""
    import dataclasses
    import typing

    import typing_extensions

    found: set[str] = set()
    seen: set[str] = set()
    stack = [root]
    while stack:
        tp = stack.pop()
        if repr(tp) in seen:
            continue
        seen.add(repr(tp))
        if typing.get_origin(tp) is typing.Literal:
            found |= {a for a in typing.get_args(tp) if isinstance(a, str)}
        elif typing_extensions.is_typeddict(tp) or (
            isinstance(tp, type) and dataclasses.is_dataclass(tp)
        ):
            try:
                hints = typing.get_type_hints(tp, include_extras=True)
            except (NameError, TypeError):  # hints typing cannot evaluate: the keys only
                hints = {key: None for key in tp.__annotations__}
            found |= set(hints)
            stack += [hint for hint in hints.values() if hint is not None]
        else:
            stack += [a for a in typing.get_args(tp) if not isinstance(a, (str, int, type(None)))]
    return found


def sdk_words(fmt: str) -> set[str]:
    """The words (keys and string literals) of a format's official SDK request types."""
    if fmt == "openai-chat":
        from openai.types.chat.completion_create_params import CompletionCreateParamsBase

        return _words(CompletionCreateParamsBase)
    if fmt == "anthropic-messages":
        from anthropic.types.message_create_params import MessageCreateParamsBase

        return _words(MessageCreateParamsBase)
    from pydantic_ai.messages import ModelMessage

    return _words(ModelMessage)
