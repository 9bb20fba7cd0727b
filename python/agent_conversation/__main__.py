"""``python -m agent_conversation`` runs ``validate-conversation``."""

import sys

from agent_conversation.cli.validate import main

sys.exit(main())
