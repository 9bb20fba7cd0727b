"""Exchange with the wider ecosystem: OpenAI Chat Completions, OpenAI fine-tuning JSONL,
Anthropic Messages and pydantic-ai message histories, both ways, with loss reports.

``export(conv, fmt)`` gives an ``ExportResult`` (``document``, ``text``, ``losses``,
``omitted``); ``import_(data, fmt, to)`` gives the exact bytes the target crate version's
``save_messages()`` writes (an ``ImportResult``, a ``ConversionResult`` with ``filled``). Losses
follow ``convert``'s rule: refused (``ConversionRefused``) unless ``allow_loss``; a stop reason
the target lacks must be mapped (``stop_reason_map``).
"""

from __future__ import annotations

from typing import Any

from ..conversation import Conversation
from ..conversion import Loss, convert
from ..conversion_options import ConvertOptions, Unpack, check_keywords
from ..dialects import resolve
from ..errors import ConversationError, Problem, lost
from . import (
    anthropic_messages,
    anthropic_messages_import,
    openai_chat,
    openai_chat_import,
    openai_finetune,
    pydantic_ai,
    pydantic_ai_import,
)
from .common import (
    ExportResult,
    Fill,
    ImportResult,
    Report,
    check_float_format,
    document_text,
    refuse_if_needed,
)

__all__ = ["FORMATS", "ExportResult", "Fill", "ImportResult", "export", "import_", "is_format"]

FORMATS = ("openai-chat", "openai-finetune", "anthropic-messages", "pydantic-ai")


def is_format(name: str) -> bool:
    return name in FORMATS


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ConversationError(f"unknown exchange format {fmt!r}: use one of {', '.join(FORMATS)}")


def export(
    conv: Conversation,
    fmt: str,
    *,
    allow_loss: bool = False,
    float_format: str = "auto",
    system: str | None = None,
    system_role: str = openai_chat.CHAT.system,
    tools: list[dict[str, Any]] | None = None,
) -> ExportResult:
    """``conv`` (any dialect) as a ``fmt`` document.

    ``system``: a system prompt to put first (histories hold none; the crates send it as a
    ``system`` or, for OpenAI's own endpoint, ``developer`` message: ``system_role``).
    ``tools``: OpenAI tool definitions to send instead of name-only ones. ``float_format``:
    the serde_json layout of tool-call ``arguments`` text (OpenAI formats); ``auto`` takes the
    conversation's own (``conv.float_format``: what its file showed, else zmij).
    Raises ``ConversionRefused`` listing the losses unless ``allow_loss``.
    """
    _check_format(fmt)
    check_float_format(float_format)
    if float_format == "auto":
        float_format = conv.float_format
    report = Report(fmt)
    records = conv.records
    document: Any
    if fmt == "openai-chat":
        document = openai_chat.export(records, report, float_format, system, system_role, tools)
        text = document_text(document, float_format)
    elif fmt == "openai-finetune":
        document = openai_finetune.export(records, report, float_format, system, system_role, tools)
        text = document_text(document, float_format) + "\n"
    elif fmt == "anthropic-messages":
        document = anthropic_messages.export(records, report, system)
        text = document_text(document, float_format)
    else:
        document = pydantic_ai.with_system(pydantic_ai.export(records, report), system)
        text = document_text(document, float_format)
    refuse_if_needed(report.losses, fmt, allow_loss)
    return ExportResult(fmt, document, text, conv.dialect, report.losses, report.omitted)


def import_(
    data: Any,
    fmt: str,
    to: str,
    *,
    fill: Fill | None = None,
    line: int | None = None,
    **options: Unpack[ConvertOptions],
) -> ImportResult:
    """A ``fmt`` document (JSON text, bytes, or the parsed value) as ``to``'s saved history.

    What the document lacks and the crate needs comes from ``fill`` (or defaults) and is listed
    in ``filled``; what the target cannot hold is a loss, refused unless ``allow_loss``.
    ``line``: which line of a fine-tuning JSONL file (1-based; needed when there are several).
    The options are ``convert``'s (:mod:`..conversion_options`); ``float_format`` ``auto``:
    these formats do not show serde_json's float layout, so zmij, what a fresh build of the
    target writes.
    """
    check_keywords("import_", options, ConvertOptions)
    _check_format(fmt)
    resolve(to)
    check_float_format(options.get("float_format", "auto"))
    document = _parse(data, fmt, line)
    report = Report(fmt)
    fill = fill or Fill()
    if fmt in ("openai-chat", "openai-finetune"):
        records = openai_chat_import.import_document(document, report, fill)
    elif fmt == "anthropic-messages":
        records = anthropic_messages_import.import_document(document, report, fill)
    else:
        records = pydantic_ai_import.import_document(document, report, fill)
    losses_told: ConvertOptions = {**options, "allow_loss": True}  # refused below, if need be
    result = convert(Conversation(records), to, **losses_told)
    target_losses = [_in_document(loss, report) for loss in result.losses]
    losses = report.losses + [loss for loss in target_losses if loss.kind != "mapped"]
    changes = [loss for loss in target_losses if loss.kind == "mapped"]
    target = result.target if to == result.target else to
    refuse_if_needed(losses, target, options.get("allow_loss", False))
    return ImportResult(result, fmt, losses + changes, report.filled)


def _in_document(loss: Loss, report: Report) -> Loss:
    """A loss ``convert`` found in the imported records, pointed at the document's message."""
    if loss.index is None or loss.index >= len(report.origins):
        return loss
    index, here = report.origins[loss.index]
    return lost(index, here, loss.what, loss.why, loss.kind)


def _parse(data: Any, fmt: str, line: int | None) -> Any:
    if not isinstance(data, (str, bytes, bytearray)):
        return data
    from ..codec.jsonparse import JsonSyntaxError, parse_value
    from ..codec.numbers import NumberOutOfRange

    text = data.decode("utf-8") if isinstance(data, (bytes, bytearray)) else data
    offset = 0
    if fmt == "openai-finetune":
        lines = [(n, t) for n, t in enumerate(text.split("\n"), 1) if t.strip()]
        if line is None and len(lines) != 1:
            raise ConversationError(
                f"{len(lines)} conversations (non-blank lines) in this file: "
                "choose one with line=N / --line N"
            )
        chosen = [item for item in lines if line is None or item[0] == line]
        if not chosen:
            raise ConversationError(f"line {line} is blank or missing")
        number, text = chosen[0]
        offset = number - 1
    try:
        return parse_value(text)
    except JsonSyntaxError as err:
        row, column = err.line_column(text)
        raise ConversationError(
            [Problem(None, "", row + offset, column, str(err), "syntax")]
        ) from None
    except NumberOutOfRange:
        raise ConversationError("a number is beyond the range of f64") from None
    except RecursionError:
        raise ConversationError("nesting too deep") from None
