"""serde's ``Deserialize`` rules that both record readers apply (the table model of
:mod:`.model` and the configuration reader of :mod:`.config_read`): scalars (unsigned integers,
booleans, strings, floats, chrono dates) and the rules on a map (a repeated known key, an
internal tag, an unknown variant). Each refusal is a :class:`~..codec.reader.Reject` worded as
serde words it.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

from ..codec.jsonparse import DupDict
from ..codec.reader import Reject
from ..codec.reject import out_of_range, wrong_type
from ..codec.reject import unknown_variant as codec_unknown_variant
from .floats import to_f32


class F32(float):
    """An f32 value (written with f32's shortest digits)."""


def unsigned(raw: Any, path: tuple[Any, ...], limit: int, name: str) -> int:
    """An unsigned integer up to ``limit`` (serde's ``name`` for it: ``u64``, ``usize``...)."""
    if type(raw) is int:
        if 0 <= raw <= limit:
            return raw
        raise out_of_range(path, raw, name)
    raise wrong_type(path, raw, name)


def boolean(raw: Any, path: tuple[Any, ...]) -> bool:
    if raw is True or raw is False:
        return raw
    raise wrong_type(path, raw, "a boolean")


def string(raw: Any, path: tuple[Any, ...]) -> str:
    if isinstance(raw, str):
        return raw
    raise wrong_type(path, raw, "a string")


def number(raw: Any, path: tuple[Any, ...], name: str = "f64") -> float:
    """A float (``f64`` or ``f32``: integers too, booleans not), as f64."""
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        raise wrong_type(path, raw, name)
    return float(raw)


def f32(raw: Any, path: tuple[Any, ...]) -> F32:
    return F32(to_f32(number(raw, path)))


_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|z|[+-]\d{2}:\d{2})\Z"
)


def rfc3339(raw: Any, path: tuple[Any, ...]) -> str:
    """chrono ``DateTime<Utc>``: RFC 3339 in, ``to_rfc3339_opts(AutoSi, true)`` out."""
    if not isinstance(raw, str):
        raise wrong_type(path, raw, "a formatted date and time")
    m = _RFC3339.match(raw)
    if not m:
        raise Reject(path, f"input contains invalid characters or is not RFC 3339: {raw!r}")
    year, month, day, hour, minute, second, frac, offset = m.groups()
    try:
        base = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second))
    except ValueError:
        raise Reject(path, f"input is out of range: {raw!r}", "out-of-range") from None
    nanos = int((frac or "0")[:9].ljust(9, "0"))
    if offset not in ("Z", "z"):
        sign = 1 if offset[0] == "+" else -1
        base -= sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6]))
    base = base.replace(tzinfo=timezone.utc)
    text = base.strftime("%Y-%m-%dT%H:%M:%S")
    if nanos:
        if nanos % 1_000_000 == 0:
            text += f".{nanos // 1_000_000:03d}"
        elif nanos % 1000 == 0:
            text += f".{nanos // 1000:06d}"
        else:
            text += f".{nanos:09d}"
    return text + "Z"


def unknown_variant(name: str, variants: tuple[str, ...], path: tuple[Any, ...]) -> Reject:
    return codec_unknown_variant(name, variants, path, "")


def missing(path: tuple[Any, ...], key: str) -> Reject:
    """serde's ``missing field``."""
    return Reject(path, kind="missing-key", cause={"key": key})


def known_variant(name: str, variants: tuple[str, ...], path: tuple[Any, ...]) -> str:
    """``name`` when it is one of ``variants``, else serde's ``unknown variant``."""
    if name in variants:
        return name
    raise unknown_variant(name, variants, path)


def refuse_duplicates(
    raw: dict[str, Any], known: Any, path: tuple[Any, ...], tag: str = ""
) -> None:
    """A derived struct refuses a repeated key it knows (one of ``known``, or its ``tag``)."""
    if isinstance(raw, DupDict):
        for key in raw.duplicates:
            if key in known or key == tag:
                raise Reject((*path, key), f"duplicate field `{key}`", "duplicate-key")


def tag_of(raw: dict[str, Any], tag: str, path: tuple[Any, ...]) -> Any:
    """An internally tagged enum's tag value: refused when missing or repeated."""
    if tag not in raw:
        raise missing(path, tag)
    if isinstance(raw, DupDict) and tag in raw.duplicates:
        raise Reject((*path, tag), f"duplicate field `{tag}`", "duplicate-key")
    return raw[tag]
