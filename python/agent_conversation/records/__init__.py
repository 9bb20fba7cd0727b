"""The crates' other serializable records: configuration types, agent events, phi-core sessions."""

from __future__ import annotations

from .config_spec import CONFIG_TYPES, config_revisions, resolve_config
from .configs import Config, RecordWarning, dumps_config, loads_config

__all__ = [
    "CONFIG_TYPES",
    "Config",
    "RecordWarning",
    "config_revisions",
    "dumps_config",
    "loads_config",
    "resolve_config",
]
