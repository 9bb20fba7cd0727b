"""Session files, by crate: yoagent's JSONL sessions (:mod:`.yoagent`, one line writer in
:mod:`.lines`) and the AgentMessages inside phi-core's session documents (:mod:`.phi_core`)."""

from .lines import RUST_WHITESPACE, session_line
from .model import Session, SessionEntry
from .phi_core import MessageArray, PhiSession, loads_phi_session, phi_session_dialects
from .yoagent import dumps_session, has_sessions, loads_session, session_dialects, sessions_from

__all__ = [
    "RUST_WHITESPACE",
    "MessageArray",
    "PhiSession",
    "Session",
    "SessionEntry",
    "dumps_session",
    "has_sessions",
    "loads_phi_session",
    "loads_session",
    "phi_session_dialects",
    "session_dialects",
    "session_line",
    "sessions_from",
]
