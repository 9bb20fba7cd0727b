"""``validate-conversation`` for the records: configuration types (``--type config[:Type]``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import ConversationError, Problem

if TYPE_CHECKING:  # pragma: no cover
    from ..cli.checks import FileResult, Options

CONFIG_PREFIX = "config:"


def config_label(revision: str) -> str:
    """How a configuration revision appears as a result's dialect: ``config:yoagent@0.18``."""
    return CONFIG_PREFIX + revision


def config_versions(label: str) -> list[str] | None:
    """The crate-version bounds of a ``config:`` label, or None."""
    if not label.startswith(CONFIG_PREFIX):
        return None
    from ..models.wire import CONFIGS

    bounds: list[str] | None = CONFIGS.get(label[len(CONFIG_PREFIX) :], {}).get("versions")
    return bounds


def check_config(data: bytes, options: Options, result: FileResult) -> None:
    from ..cli.checks import _first_difference, is_blank
    from .configs import dumps_config, loads_config

    type_name = result.kind.partition(":")[2] or None
    if is_blank(data):
        result.errors = [
            Problem(None, "", None, None, "the file is empty: a configuration is a JSON object "
                    "(the crates fail with `EOF while parsing a value`)", "empty")
        ]  # fmt: skip
        return
    try:
        config = loads_config(data, options.dialect, type_name)
    except ConversationError as err:
        result.errors = err.problems
        return
    result.kind = f"config:{config.type}"
    result.dialect = config_label(config.dialect)
    result.warnings = list(config.notes) + _semantic(config)
    if options.canonical:
        expected = dumps_config(config, float_format=options.float_format, warn=False)
        if expected.encode("utf-8") != data:
            result.errors.append(
                _first_difference(data, expected.encode("utf-8"), result.dialect, options)
            )


def _semantic(config: object) -> list[Problem]:
    """Loads, but not as the author probably meant."""
    from .configs import Config

    assert isinstance(config, Config)
    out: list[Problem] = []
    value = config.value
    if (
        config.type == "ExecutionLimits"
        and config.dialect.startswith("yoagent@")
        and "max_consecutive_identical_tool_calls" in value
        and value["max_consecutive_identical_tool_calls"] is None
    ):
        out.append(
            Problem(None, "/max_consecutive_identical_tool_calls", None, None,
                    "null (or missing, as in files written before yoagent 0.18): repeated-tool-"
                    "call detection is off, not its default of 3", "default-differs")
        )  # fmt: skip
    return out


def check_events(data: bytes, options: Options, result: FileResult) -> None:
    """An agent event stream (JSONL) or one event; problems carry the line number."""
    from ..cli.checks import _first_difference, is_blank
    from .events import dumps_events, loads_events

    result.unit = "event"
    if is_blank(data):
        result.errors = [Problem(None, "", None, None, "the file is empty: no events", "empty")]
        return
    try:
        stream = loads_events(data, options.dialect)
    except ConversationError as err:
        result.errors = err.problems
        return
    result.dialect = f"events:{stream.dialect}"
    if options.canonical:
        expected = dumps_events(stream, options.float_format).encode("utf-8")
        if expected != data:
            result.errors.append(_first_difference(data, expected, result.dialect, options))


def check_phi_document(data: bytes, options: Options, result: FileResult) -> None:
    """The whole phi-core session document as ``load_session`` reads it, by layout; with
    ``--canonical`` byte for byte against what ``save_session`` writes."""
    from ..cli.checks import _first_difference
    from .phi_sessions import (
        LAYOUT_VERSIONS,
        SESSION_VERSIONS,
        dumps_phi_document,
        loads_phi_document,
    )

    try:
        doc = loads_phi_document(data, options.dialect)
    except ConversationError as err:
        result.errors.extend(err.problems)
        return
    if options.dialect == "auto":
        readers = []
        for version in SESSION_VERSIONS:
            try:
                loads_phi_document(data, f"phi-core@{version}")
            except ConversationError:
                continue
            readers.append(LAYOUT_VERSIONS[version])
        result.info.append("session layout read by phi-core " + ", ".join(reversed(readers)))
    if options.canonical:
        expected = dumps_phi_document(doc, options.float_format).encode("utf-8")
        if expected != data:
            result.errors.append(_first_difference(data, expected, result.dialect, options))
