"""``validate-conversation`` for the records: configuration types (``--type config[:Type]``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from ..errors import ConversationError, Problem

if TYPE_CHECKING:  # pragma: no cover
    from ..cli.results import FileResult, Options
    from ..sessions.phi_core import PhiSession

CONFIG_PREFIX = "config:"


def config_label(revision: str) -> str:
    """How a configuration revision appears as a result's dialect: ``config:yoagent@0.18``."""
    return CONFIG_PREFIX + revision


def config_versions(label: str) -> list[str] | None:
    """The crate-version bounds of a ``config:`` label, or None."""
    if label.startswith("events:"):
        from .event_models import EVENT_RANGES

        return EVENT_RANGES.get(label[len("events:") :])
    if not label.startswith(CONFIG_PREFIX):
        return None
    from ..models.wire import CONFIGS

    bounds: list[str] | None = CONFIGS.get(label[len(CONFIG_PREFIX) :], {}).get("versions")
    return bounds


def check_config(data: bytes, options: Options, result: FileResult) -> None:
    from ..cli.canonical import difference_problem
    from ..cli.sniff import is_blank
    from .configs import dumps_config, loads_config

    type_name = result.kind.partition(":")[2] or None
    if is_blank(data):
        result.errors = [
            Problem(None, "", None, None, "the file is empty: a configuration is a JSON object "
                    "(the crates fail with `EOF while parsing a value`)", "empty-document")
        ]  # fmt: skip
        return
    try:
        config = loads_config(data, options.dialect, type_name)
    except ConversationError as err:
        result.errors = err.problems
        return
    result.kind = f"config:{config.type}"
    result.dialect = config_label(config.dialect)
    if options.dialect == "auto":
        result.info.append(config_readers(data, config.type))
    result.warnings = list(config.notes) + _semantic(config)
    if options.canonical:
        expected = dumps_config(config, float_format=options.float_format, warn=False)
        if expected.encode("utf-8") != data:
            result.errors.append(
                difference_problem(data, expected.encode("utf-8"), result.dialect, options)
            )


def _semantic(config: object) -> list[Problem]:
    """Loads, but not as the author probably meant."""
    from .configs import Config

    assert isinstance(config, Config)
    out: list[Problem] = []
    value = cast("dict[str, Any]", config.value)  # keys by config.type
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
    from ..cli.canonical import difference_problem
    from ..cli.sniff import is_blank
    from .events import dumps_events, loads_events

    result.unit = "event"
    if is_blank(data):
        result.errors = [
            Problem(None, "", None, None, "the file is empty: no events", "empty-document")
        ]
        return
    try:
        stream = loads_events(data, options.dialect)
    except ConversationError as err:
        result.errors = err.problems
        return
    result.dialect = f"events:{stream.dialect}"
    if options.dialect == "auto":
        result.info.append(event_readers(data))
    if options.canonical:
        expected = dumps_events(stream, options.float_format).encode("utf-8")
        if expected != data:
            result.errors.append(difference_problem(data, expected, result.dialect, options))


def check_phi_document(
    data: bytes, options: Options, result: FileResult, session: PhiSession | None = None
) -> None:
    """The whole phi-core session document as ``load_session`` reads it, by layout; with
    ``--canonical`` byte for byte against what ``save_session`` writes. Parsed once: the message
    check's ``session`` gives its tree when it is provably serde_json's, and its messages."""
    from ..cli.canonical import difference_problem
    from ..codec.jsonparse import JsonSyntaxError, parse_value
    from .phi_sessions import (
        LAYOUT_VERSIONS,
        SESSION_VERSIONS,
        _versions,
        dumps_phi_document,
        read_phi_document,
    )

    text: str | bytes = data  # decoded when a problem is placed, or to parse it
    root = session.root if session is not None else None
    # messages read, shared by the layouts of one spec (the message check's, of the same tree)
    memo = session.memo() if session is not None and root is not None else {}
    written = options.canonical  # else only the verdict matters
    try:
        if root is None:
            text = data.decode("utf-8", "surrogateescape")
            root = parse_value(text)
        doc = read_phi_document(root, text, _versions(options.dialect), memo, written=written)
    except ConversationError as err:
        result.errors.extend(err.problems)
        return
    except (JsonSyntaxError, RecursionError):
        return  # the message check has reported it
    if options.dialect == "auto":
        readers = []
        for version in SESSION_VERSIONS:
            try:
                if version != doc.version:
                    read_phi_document(
                        root, text, [version], memo, locate_problems=False, written=False
                    )
            except ConversationError:
                continue
            readers.append(LAYOUT_VERSIONS[version])
        result.info.append("session layout read by phi-core " + ", ".join(reversed(readers)))
    if options.canonical:
        expected = dumps_phi_document(doc, options.float_format).encode("utf-8")
        if expected != data:
            result.errors.append(difference_problem(data, expected, result.dialect, options))


def _span(label: str) -> str:
    from ..cli.naming import revision_span

    return revision_span(label) or label


def config_readers(data: bytes, type_name: str) -> str:
    """Which configuration revisions read the value, and which write it back byte for byte."""
    from .config_spec import config_revisions
    from .configs import dumps_config, loads_config

    reads, writes = [], []
    text = data.decode("utf-8", "replace")
    for revision in reversed(config_revisions()):
        try:
            config = loads_config(data, revision, type_name)
        except ConversationError:
            continue
        words = f"{revision.split('@')[0]} {_span(config_label(revision))}"
        reads.append(words)
        if dumps_config(config, warn=False) == text.strip(" \t\r\n"):
            writes.append(words)
    return (
        "read by " + ", ".join(reads) + "; written exactly so by " + (", ".join(writes) or "none")
    )


def event_readers(data: bytes) -> str:
    """Which modeled crate versions read every line of the stream."""
    from .event_models import EVENT_VERSIONS
    from .events import loads_events

    reads = []
    for crate, versions in EVENT_VERSIONS.items():
        for version in versions:
            try:
                loads_events(data, f"{crate}@{version}")
            except ConversationError:
                continue
            reads.append(f"{crate} {_span(f'events:{crate}@{version}')}")
    return "read by " + ", ".join(reads)
