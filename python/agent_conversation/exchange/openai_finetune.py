"""OpenAI fine-tuning JSONL: one line per conversation, ``{"messages": [...], "tools": [...]}``.

The messages are those of ``openai-chat`` except that an assistant turn's text is one string, as
the fine-tuning format documents it (several text blocks are joined with a newline, reported).
A file of several lines is several conversations: import one with ``line=N`` (1-based).
"""

from __future__ import annotations

from typing import Any

from . import openai_chat, openai_chat_import
from .common import Fill, Report

FORMAT = "openai-finetune"


def export(
    records: list[dict[str, Any]],
    report: Report,
    float_format: str = "ryu",
    system: str | None = None,
    system_role: str = openai_chat.CHAT.system,
    tools: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return openai_chat.export(
        records, report, float_format, system, system_role, tools, join_assistant_text=True
    )


def import_document(document: Any, report: Report, fill: Fill) -> list[dict[str, Any]]:
    return openai_chat_import.import_document(document, report, fill)
