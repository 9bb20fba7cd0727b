"""dialects.py is the one parser of crate versions: dialect names (conversations, sessions,
configuration types), the tables' bounds and the words the CLI prints for a range.

Every spelling the former parsers accepted still resolves the same way: a revision key, a bare
crate, ``crate@latest``, ``crate@X``, ``crate@X.Y``, ``crate@X.Y.Z`` (checked over a grid of
versions against the schemas' ranges read here independently), and the same ones are refused.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from agent_conversation.dialects import (
    first_version,
    has_sessions,
    in_range,
    no_sessions,
    parse_version,
    resolve,
    sessions_from,
    version_span,
)
from agent_conversation.errors import ConversationError
from agent_conversation.models.wire import CONFIGS, REVISIONS
from agent_conversation.records.config_spec import resolve_config

GRID = [
    ".".join(map(str, parts))
    for n in (1, 2, 3)
    for parts in itertools.product(range(2), range(30), range(8))
    if len(parts) >= n
    for parts in [parts[:n]]
]


def _holds(version: str, bounds: list[str]) -> bool:
    """An oracle for one range, apart from dialects.py: numbers compared part by part."""
    numbers = [int(p) for p in version.split(".")] + [0, 0]
    have = tuple(numbers[:3])
    for bound in bounds:
        op = bound.rstrip("0123456789.")
        limit = tuple(int(p) for p in bound[len(op) :].split("."))
        if not {">=": have >= limit, "<": have < limit, "<=": have <= limit}[op]:
            return False
    return True


def _expected(table: dict[str, dict[str, Any]], crate: str, version: str) -> str | None:
    return next(
        (k for k, r in table.items() if r["crate"] == crate and _holds(version, r["versions"])),
        None,
    )


@pytest.mark.parametrize("crate", ["yoagent", "phi-core"])
def test_every_version_resolves_to_the_revision_whose_range_holds_it(crate: str) -> None:
    for version in GRID:
        name = f"{crate}@{version}"
        expected = _expected(REVISIONS, crate, version)
        never = crate == "phi-core" and version.split(".")[:2] == ["0", "11"]
        before_save_api = crate == "yoagent" and _holds(version, ["<0.4.0"])
        if expected is None or never or before_save_api:
            with pytest.raises(ConversationError, match="unknown dialect"):
                resolve(name)
        else:
            assert resolve(name) == expected, name


@pytest.mark.parametrize("crate", ["yoagent", "phi-core"])
def test_configuration_versions_resolve_through_the_same_parser(crate: str) -> None:
    for version in GRID:
        name = f"{crate}@{version}"
        expected = _expected(CONFIGS, crate, version)
        if expected is None:
            with pytest.raises(ConversationError, match="unknown crate version"):
                resolve_config(name)
        else:
            assert resolve_config(name) == expected, name


@pytest.mark.parametrize("resolver", [resolve, resolve_config])
def test_names_without_a_number(resolver: Callable[[str], str]) -> None:
    table = REVISIONS if resolver is resolve else CONFIGS
    for crate in ("yoagent", "phi-core"):
        newest = [k for k, r in table.items() if r["crate"] == crate][-1]
        assert resolver(crate) == resolver(f"{crate}@latest") == resolver(f"{crate}@") == newest
    for key in table:  # a revision's own key names it, even where it is no crate version
        assert resolver(key) == key
    assert resolver("yoagent@0.018.00") == resolver("yoagent@0.18")  # leading zeros: numbers


@pytest.mark.parametrize(
    "name",
    [
        "yoagent@v0.18",
        "yoagent@0.18.0.1",
        "yoagent@0.18-beta",
        "yoagent@0..1",
        "yoagent@ 0.18",
        "yoagent@0.18 ",
        "yoagent@-1",
        "Yoagent@0.18",
        "langchain",
        "yoagent@x.y",
    ],
)
def test_spellings_refused_before_are_refused(name: str) -> None:
    with pytest.raises(ConversationError):
        resolve(name)
    with pytest.raises(ConversationError):
        resolve_config(name)


def test_parse_version_and_ranges() -> None:
    assert parse_version("0.16.2") == (0, 16, 2)
    assert parse_version("1") == (1,)
    for bad in ("", "0.1.2.3", "a", "0.x", "0.-1"):
        with pytest.raises(ValueError):
            parse_version(bad)
    assert in_range((0, 18), [">=0.13.0", "<0.22.0"])  # missing parts read as 0
    assert not in_range((0, 22), [">=0.13.0", "<0.22.0"])
    assert in_range((0, 22), ["<=0.22.0"]) and not in_range((0, 22, 1), ["<=0.22.0"])
    assert in_range((0, 22, 1), [">0.22.0"]) and not in_range((0, 22), [">0.22.0"])
    assert first_version([">=0.11.0", "<0.13.0"]) == "0.11.0"
    assert first_version(["<0.13.0"]) is None


@pytest.mark.parametrize(
    ("bounds", "words"),
    [
        ([">=0.13.0", "<0.22.0"], "0.13.0–0.21.x"),
        ([">=0.26.5", "<0.27.0"], "0.26.5–0.26.x"),
        ([">=0.26.5"], "0.26.5 and later"),
        ([">=0.26.5", "<0.26.7"], "0.26.5 up to (not including) 0.26.7"),
        ([">=0.9.0", "<1.0.0"], "0.9.0 up to (not including) 1.0.0"),
        (["<0.4.0"], None),
        ([], None),
    ],
)
def test_version_span_words(bounds: list[str], words: str | None) -> None:
    assert version_span(bounds) == words


def test_session_files_by_version() -> None:
    assert sessions_from() == "yoagent 0.11.0"
    assert has_sessions("yoagent@0.11.0") and has_sessions("yoagent@0.26.6")
    assert not has_sessions("yoagent@0.10.9") and not has_sessions("yoagent@0.8")
    assert has_sessions("yoagent@0.9")  # the revision: some of its versions have them
    assert has_sessions("yoagent") and not has_sessions("phi-core")
    assert no_sessions("yoagent@0.13.0") is None
    assert no_sessions("yoagent@0.10.0") == (
        "yoagent@0.10.0 has no session files: Session::to_jsonl exists from yoagent 0.11.0"
    )


def test_one_version_parser_serves_the_records_too() -> None:
    from agent_conversation.dialects import crate_version
    from agent_conversation.errors import ConversationError
    from agent_conversation.records.event_models import event_version
    from agent_conversation.records.phi_sessions import _versions

    assert crate_version("yoagent@0.20.1") == ("yoagent", (0, 20, 1))
    assert crate_version("phi-core") == ("phi-core", None)
    assert crate_version("phi-core@latest") == ("phi-core", None)
    for bad in ("yoagent@abc", "yoagent@1.2.3.4", "yoagent@0.x", "yoagent@-1"):
        with pytest.raises(ValueError, match="is not a crate version"):
            crate_version(bad)
        with pytest.raises(ValueError, match="is not a crate version"):
            event_version(bad)
    with pytest.raises(ConversationError, match="is not a crate version"):
        _versions("phi-core@1.2.3.4")
    assert event_version("yoagent@0.13") == event_version("yoagent@0.13.0")
