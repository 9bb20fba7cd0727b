"""``python -m agent_conversation`` runs ``validate-conversation``."""

from agent_conversation.cli import validate_conversation

validate_conversation()
