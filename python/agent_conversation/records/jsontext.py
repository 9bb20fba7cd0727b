"""Parsing one record's JSON text (a configuration value, a phi-core session document) with
serde's syntax errors as problems: line, column and the wording of the conversation reader."""

from __future__ import annotations

from typing import Any

from ..codec.jsonparse import JsonSyntaxError, parse_value
from ..errors import ConversationError, Problem


def parse_record(text: str, what: str) -> Any:
    """The parsed value of ``text``; a syntax error names ``what`` (``the value``, ``the
    document``) where the conversation reader names its closing bracket."""
    from ..codec.parsed import syntax_problem

    try:
        return parse_value(text)
    except JsonSyntaxError as err:
        line, column = err.line_column(text)
        problem = syntax_problem(None, err.path or (), line, column, err.code, text, what)
        raise ConversationError([problem]) from None
    except RecursionError:
        raise ConversationError(
            [Problem(None, "", None, None, "nested too deeply", "recursion-limit")]
        ) from None
