"""Export to Anthropic Messages API ``system`` and ``messages``; import: anthropic_messages_import.

Export follows yoagent 0.26.6's Anthropic provider, checked against the requests it sends:
content blocks in order with empty texts left out; thinking as ``thinking`` with its
``signature`` (``""`` when unsigned); redacted reasoning that came from this API as
``redacted_thinking`` (from any other protocol it is not replayable: a loss); images as base64
``image`` sources; tool calls as ``tool_use`` with the arguments as ``input``; each tool result as
its own user message holding one ``tool_result`` (text blocks joined by a newline, or blocks when
images are present); an assistant turn with nothing to send is left out (the API rejects empty
content; yoagent leaves it out too, so user messages may follow one another). Where the crate is
wrong the export follows the API: non-object tool input and image types the API does not take
are losses.
"""

from __future__ import annotations

from typing import Any

from ..record_names import BLOCK, CONTENT, MESSAGE, PROTOCOL, ROLE
from .common import Report
from .vocabulary import schema, vocabulary

FORMAT = "anthropic-messages"
ANT = vocabulary(FORMAT)
_BASE64_SOURCE = schema(FORMAT)["$defs"]["ImageBlock"]["properties"][ANT.source]["oneOf"][0]
MEDIA_TYPES = tuple(_BASE64_SOURCE["properties"][ANT.media_type]["enum"])  # what the API takes
OWN_PROTOCOL = PROTOCOL.anthropic_messages  # the redacted reasoning this API can take back
_ROLES = {ROLE.user: ANT.user, ROLE.assistant: ANT.assistant}


def export(
    records: list[dict[str, Any]], report: Report, system: str | None = None
) -> dict[str, Any]:
    messages: list[dict[str, Any]] = []
    calls: dict[str, str] = {}
    for index, record, role in report.sendable(records, sent_by_the_crates=False):
        if role == ROLE.tool_result:
            messages.append(_tool_result(record, index, report, calls))
            continue
        blocks = _blocks(record[MESSAGE.content], index, report, calls, role == ROLE.user)
        if role == ROLE.assistant and not blocks:
            report.omit(
                index,
                f"/{index}",
                "assistant turn with nothing to send",
                "the API rejects empty assistant content; left out, as yoagent does",
            )
            continue
        messages.append({ANT.role: _ROLES.get(role, role), ANT.content: blocks})
    document: dict[str, Any] = {}
    if system:
        document[ANT.system] = system
    document[ANT.messages] = messages
    return document


def _blocks(
    content: list[dict[str, Any]],
    index: int,
    report: Report,
    calls: dict[str, str],
    user_side: bool = False,
) -> list[dict[str, Any]]:
    """Content blocks; ``user_side``: of a user message or a tool result, which hold no thinking
    and no tool calls (the API rejects them there; the crates send them anyway)."""
    out: list[dict[str, Any]] = []
    for j, block in enumerate(content):
        here = f"/{index}/{MESSAGE.content}/{j}"
        kind = block[BLOCK.type]
        if user_side and kind in (CONTENT.thinking, CONTENT.tool_call):
            report.lose(
                index,
                here,
                f"{kind} block",
                "the API takes it in assistant turns only",
                MESSAGE.content,
            )
        elif kind == CONTENT.text:
            if block[BLOCK.text]:
                out.append({ANT.type: ANT.text, ANT.text: block[BLOCK.text]})
            else:
                report.omit(index, here, "empty text block", "not sent (as the crates do)")
        elif kind == CONTENT.image:
            if block[BLOCK.mime_type] not in MEDIA_TYPES:
                report.lose(
                    index,
                    here,
                    f"image ({block[BLOCK.mime_type]})",
                    f"the API takes {', '.join(MEDIA_TYPES)} only",
                    CONTENT.image,
                )
                continue
            out.append(
                {
                    ANT.type: ANT.image,
                    ANT.source: {
                        ANT.type: ANT.base64,
                        ANT.media_type: block[BLOCK.mime_type],
                        ANT.data: block[BLOCK.data],
                    },
                }
            )
        elif kind == CONTENT.thinking:
            thinking = _thinking(block, index, here, report)
            if thinking is not None:
                out.append(thinking)
        else:
            out.append(_tool_use(block, index, here, report, calls))
    return out


def _protocol_name(block: dict[str, Any]) -> Any:
    return block.get(BLOCK.redacted_protocol, "an unknown protocol")


def _thinking(
    block: dict[str, Any], index: int, here: str, report: Report
) -> dict[str, Any] | None:
    if BLOCK.redacted in block:
        protocol = block.get(BLOCK.redacted_protocol)
        if protocol != OWN_PROTOCOL:
            report.lose(
                index,
                here,
                f"redacted thinking from {_protocol_name(block)}",
                "only reasoning this API produced can be sent back to it",
                CONTENT.thinking,
            )
            return None
        for key in (BLOCK.thinking, BLOCK.signature):
            if block.get(key) or (key == BLOCK.signature and key in block):
                report.lose(
                    index,
                    f"{here}/{key}",
                    f"{key} beside redacted data",
                    "a redacted_thinking block holds the data only",
                    CONTENT.thinking,
                )
        return {ANT.type: ANT.redacted_thinking, ANT.data: block[BLOCK.redacted]}
    signature = block.get(BLOCK.signature)
    if signature == "":
        report.omit(
            index, here + "/" + BLOCK.signature, "empty signature", 'sent as "", as if unsigned'
        )
    return {
        ANT.type: ANT.thinking,
        ANT.thinking: block[BLOCK.thinking],
        ANT.signature: signature or "",
    }


def _tool_use(
    block: dict[str, Any], index: int, here: str, report: Report, calls: dict[str, str]
) -> dict[str, Any]:
    arguments = block[BLOCK.arguments]
    if not isinstance(arguments, dict):
        report.lose(
            index,
            here + "/" + BLOCK.arguments,
            f"tool arguments {type(arguments).__name__}",
            "tool_use input must be an object: sent as {}",
            BLOCK.arguments,
        )
        arguments = {}
    report.lose_call_metadata(index, here, block, f"{ANT.tool_use} blocks")
    calls[block[BLOCK.id]] = block[BLOCK.name]
    return {
        ANT.type: ANT.tool_use,
        ANT.id: block[BLOCK.id],
        ANT.name: block[BLOCK.name],
        ANT.input: arguments,
    }


def _tool_result(
    record: dict[str, Any], index: int, report: Report, calls: dict[str, str]
) -> dict[str, Any]:
    content = record[MESSAGE.content]
    if any(b[BLOCK.type] == CONTENT.image for b in content):
        value: Any = _blocks(content, index, report, calls, user_side=True)
    else:
        texts = []
        for j, block in enumerate(content):
            here = f"/{index}/{MESSAGE.content}/{j}"
            if block[BLOCK.type] != CONTENT.text:
                report.lose(
                    index,
                    here,
                    f"{block[BLOCK.type]} block",
                    "a tool result holds text and images only",
                    MESSAGE.content,
                )
            elif block[BLOCK.text]:
                texts.append(block[BLOCK.text])
            else:
                report.omit(index, here, "empty text block", "not sent (as the crates do)")
        if len(texts) > 1:
            report.omit(
                index,
                f"/{index}/{MESSAGE.content}",
                f"{len(texts)} text blocks",
                "joined with a newline, as yoagent sends them",
            )
        value = "\n".join(texts)
    report.lose_tool_name(
        index,
        record,
        calls,
        "no earlier tool_use with this id names it, and tool_result carries no name",
    )
    block = {
        ANT.type: ANT.tool_result,
        ANT.tool_use_id: record[MESSAGE.tool_call_id],
        ANT.content: value,
        ANT.is_error: record[MESSAGE.is_error],
    }
    return {ANT.role: ANT.user, ANT.content: [block]}
