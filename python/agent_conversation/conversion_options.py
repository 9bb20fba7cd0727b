"""The options every conversion takes, in one place, and the target they are checked against.

``convert``, ``convert_session``, ``exchange.import_`` and the CLI's streaming conversion take
the same keywords (:class:`ConvertOptions`; the first two also ``as_saved``):

- ``allow_loss`` (default ``False``): without it, anything the target cannot hold refuses the
  conversion (``ConversionRefused`` lists it all);
- ``stop_reason_map``: stop reasons the target lacks → ones it has (``{"refusal": "guardRail"}``);
  such a stop reason is refused even with ``allow_loss`` unless mapped;
- ``float_format`` (``auto``, the default: the source's own layout; ``ryu``; ``zmij``): how
  serde_json's floats are written;
- ``as_saved`` (default ``True``): floats as the agent held them, so the target restores what
  the source crate would; ``False``: as serde read them back.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypedDict

# ``**options: Unpack[ConvertOptions]`` in the public signatures; real at run time, so that
# ``typing.get_type_hints()`` (documentation tools, pydantic) resolves them.
if sys.version_info >= (3, 11):
    from typing import Unpack as Unpack
else:  # pragma: no cover - Python 3.10
    from typing_extensions import Unpack as Unpack

from .codec.spec import get_spec
from .dialects import resolve
from .errors import ConversationError


class ConvertOptions(TypedDict, total=False):
    """The keywords of every conversion (see the module's docstring)."""

    allow_loss: bool
    stop_reason_map: Mapping[str, str] | None
    float_format: str


class SavedConvertOptions(ConvertOptions, total=False):
    """The keywords of a conversion of what a crate saved (``convert``, ``convert_session``)."""

    as_saved: bool


class DumpOptions(TypedDict, total=False):
    """The keywords of writing a history as a version of its own crate, as ``dumps`` takes them
    (``dumps_session`` too): ``float_format`` (``auto``, the default: the history's own) and
    ``as_saved`` (default ``False``: each float as serde read it back)."""

    float_format: str
    as_saved: bool


@dataclass(frozen=True)
class Target:
    """A conversion's target dialect, how messages name it, and its options with defaults."""

    dialect: str
    name: str
    allow_loss: bool
    mapping: Mapping[str, str]
    float_format: str
    as_saved: bool


def check_keywords(caller: str, options: Mapping[str, Any], known: type) -> None:
    """Refuse a keyword ``caller`` does not take, as Python refuses it."""
    for key in options:
        if key not in known.__optional_keys__:  # type: ignore[attr-defined]
            raise TypeError(f"{caller}() got an unexpected keyword argument {key!r}")


def target_of(to: str, options: Mapping[str, Any]) -> Target:
    """The target ``to`` names, and the options checked against it: the float layout, and a
    ``stop_reason_map`` that maps only to stop reasons the target has."""
    dialect = resolve(to)
    version = to.partition("@")[2]
    # as the user named it when they gave a version (``yoagent@0.18.0``), else by its revision
    # (``phi-core`` → ``phi-core@0.9``)
    name = to if version not in ("", "latest") else dialect
    float_format = options.get("float_format", "auto")
    mapping = options.get("stop_reason_map") or {}
    from .api import check_float_format

    check_float_format(float_format)
    allowed = get_spec(dialect).stop_order
    for source_reason, target_reason in mapping.items():
        if target_reason not in allowed:
            raise ConversationError(
                f"stop reason map {source_reason}={target_reason}: {name} has no stop reason "
                f"{target_reason!r} (it has {', '.join(allowed)})"
            )
    allow_loss = options.get("allow_loss", False)
    as_saved = options.get("as_saved", True)
    return Target(dialect, name, allow_loss, mapping, float_format, as_saved)
