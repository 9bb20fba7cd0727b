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
from ..codec.reader import Reject, describe
from .floats import to_f32


class F32(float):
    """An f32 value (written with f32's shortest digits)."""


def unsigned(raw: Any, path: tuple[Any, ...], limit: int, name: str) -> int:
    """An unsigned integer up to ``limit`` (serde's ``name`` for it: ``u64``, ``usize``...)."""
    if type(raw) is int:
        if 0 <= raw <= limit:
            return raw
        kind = "negative-integer" if raw < 0 else "integer-overflow"
        raise Reject(path, f"invalid value: integer `{raw}`, expected {name}", kind)
    raise Reject(path, f"invalid type: {describe(raw)}, expected {name}", "wrong-type")


def boolean(raw: Any, path: tuple[Any, ...]) -> bool:
    if raw is True or raw is False:
        return raw
    raise Reject(path, f"invalid type: {describe(raw)}, expected a boolean", "wrong-type")


def string(raw: Any, path: tuple[Any, ...]) -> str:
    if isinstance(raw, str):
        return raw
    raise Reject(path, f"invalid type: {describe(raw)}, expected a string", "wrong-type")


def number(raw: Any, path: tuple[Any, ...], name: str = "f64") -> float:
    """A float (``f64`` or ``f32``: integers too, booleans not), as f64."""
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        raise Reject(path, f"invalid type: {describe(raw)}, expected {name}", "wrong-type")
    return float(raw)


def f32(raw: Any, path: tuple[Any, ...]) -> F32:
    return F32(to_f32(number(raw, path)))


_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|z|[+-]\d{2}:\d{2})\Z"
)


def rfc3339(raw: Any, path: tuple[Any, ...]) -> str:
    """chrono ``DateTime<Utc>``: RFC 3339 in, ``to_rfc3339_opts(AutoSi, true)`` out."""
    if not isinstance(raw, str):
        raise Reject(path, f"invalid type: {describe(raw)}, expected a formatted date and time")
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
    expected = ", ".join(f"`{v}`" for v in variants)
    return Reject(path, f"unknown variant `{name}`, expected one of {expected}", "unknown-variant")


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
        raise Reject(path, f"missing field `{tag}`", "missing-key")
    if isinstance(raw, DupDict) and tag in raw.duplicates:
        raise Reject((*path, tag), f"duplicate field `{tag}`", "duplicate-key")
    return raw[tag]
