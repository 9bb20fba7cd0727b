"""A yoagent session as read: its entries (each with a record in the internal form) and notes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..codec.floats import Drift
from ..codec.numbers import DEFAULT_FLOAT_FORMAT
from ..errors import Problem


@dataclass
class SessionEntry:
    id: str
    parent_id: str | None
    message: dict[str, Any]  # a record in the internal form
    timestamp: int
    label: str | None = None
    line: int = 0


@dataclass
class Session:
    """A yoagent session. ``float_format``/``float_format_detected``/``memory`` as on
    :class:`~agent_conversation.conversation.Conversation`."""

    dialect: str
    entries: list[SessionEntry] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    float_format: str = DEFAULT_FLOAT_FORMAT
    float_format_detected: bool = False
    memory: dict[int, tuple[float, float]] = field(default_factory=dict)
    # while reading: (entry index, line, column, drift) of each float the restore changes
    drifts: list[tuple[int, int, int, Drift]] = field(default_factory=list, repr=False)
    style: str | None = field(default=None, repr=False)

    @property
    def head(self) -> str | None:
        return self.entries[-1].id if self.entries else None
