"""Property tests over generated conversations of every dialect: every export validates with
the consumers' own types, and crate → format → crate loses nothing the reports do not name."""

from __future__ import annotations

from typing import Any

import agent_conversation as ac
import pytest
from agent_conversation.conversion import convert
from agent_conversation.dialects import known_dialects
from agent_conversation.exchange import FORMATS, export
from exchange_roundtrip import unexplained
from exchange_sdk import check
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_convert import history


@st.composite
def conversations(draw: Any) -> ac.Conversation:
    dialect = draw(st.sampled_from(known_dialects()))
    records = draw(history(dialect))
    text = convert(ac.Conversation(records), dialect, allow_loss=True).text
    return ac.loads(text, dialect)


@pytest.mark.parametrize("fmt", FORMATS)
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conv=conversations())
def test_generated_exports_validate_and_round_trip(fmt: str, conv: ac.Conversation) -> None:
    result = export(conv, fmt, allow_loss=True)
    check(fmt, result.document)
    assert unexplained(conv, fmt) == []
