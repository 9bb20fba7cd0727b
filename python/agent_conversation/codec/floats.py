"""Which serde_json wrote a document's floats, and which floats a restore changes.

*Float format.* serde_json <= 1.0.146 writes floats with ryu (``1e16``), 1.0.147 and later with
zmij (``1e+16``); the texts differ only in positive exponents, which both writers use from a
magnitude of 1e16 on. A document shows its writer when it holds such a float written exactly as
one of them writes it; otherwise it cannot tell (callers then assume a fresh build: zmij).

*Drift.* serde_json's default float parser is not correctly rounded: about one 17-digit literal
in ten is read one ulp off. The agent held the correctly rounded value when it saved (that is
what it wrote), ``restore_messages()`` gets serde's reading, and ``save_messages()`` then writes
that. A :class:`Drift` is one such literal; :class:`FloatLog` collects them while parsing.
"""

from __future__ import annotations

from typing import Any

from .numbers import EXPONENT_FROM, format_f64

_TOKEN_END = frozenset(b"0123456789.eE+-")
_MAX_CANDIDATES = 8  # distinct values looked up in the text on the fast path


class Drift:
    """One float literal that serde_json reads differently from its correctly rounded value."""

    __slots__ = ("path", "offset", "literal", "restored", "saved")

    def __init__(
        self, path: tuple[Any, ...], offset: int, literal: str, restored: float, saved: float
    ) -> None:
        self.path = path  # where in the parsed value
        self.offset = offset  # character offset of the literal in the parsed text
        self.literal = literal
        self.restored = restored  # serde's reading: the very object placed in the tree
        self.saved = saved  # float(literal): what the agent held when it wrote the literal


class FloatLog:
    """What the exact parser learns about float literals: drifts, and the writer's layout."""

    __slots__ = ("drifts", "style")

    def __init__(self) -> None:
        self.drifts: list[Drift] = []
        self.style: str | None = None  # "ryu" / "zmij": the first literal that tells

    def literal(self, text: str, value: float, path: tuple[Any, ...], offset: int) -> None:
        """Called by the parser for every literal that became a float."""
        saved = float(text)
        if saved != value:
            self.drifts.append(Drift(path, offset, text, value, saved))
        if self.style is None and not -EXPONENT_FROM < saved < EXPONENT_FROM:
            self.style = writer_of(text, saved)


def writer_of(literal: str, value: float) -> str | None:
    """``zmij`` or ``ryu`` when ``literal`` is exactly that writer's text for ``value``."""
    if "e+" in literal:
        return "zmij" if literal == format_f64(value, True) else None
    if "e" in literal:
        return "ryu" if literal == format_f64(value, False) else None
    return None


def style_in_text(data: bytes, candidates: list[float]) -> str | None:
    """The writer shown by the text, looking only for the writers' texts of ``candidates``
    (floats of the parsed tree with a magnitude of at least 1e16): a few ``bytes.find`` calls,
    no pass over the text when the tree has no such float. The earliest occurrence decides."""
    best: tuple[int, str] | None = None
    for value in list(dict.fromkeys(candidates))[:_MAX_CANDIDATES]:
        for style in ("zmij", "ryu"):
            at = _find_token(data, format_f64(value, style == "zmij").encode())
            if at >= 0 and (best is None or at < best[0]):
                best = (at, style)
    return best[1] if best else None


def _find_token(data: bytes, needle: bytes) -> int:
    """The first offset where ``needle`` stands as a whole JSON number token, or -1."""
    start = data.find(needle)
    tries = 0
    while start >= 0 and tries < 64:
        end = start + len(needle)
        j = start - 1
        while j >= 0 and data[j] in b" \t\r\n":
            j -= 1
        after = data[end] if end < len(data) else None
        if j >= 0 and data[j] in b":[," and after not in _TOKEN_END:
            return start
        start = data.find(needle, start + 1)
        tries += 1
    return -1


def float_ids(value: Any, out: set[int]) -> set[int]:
    """The ids of the float objects inside ``value`` (records keep the parser's objects)."""
    if type(value) is float:
        out.add(id(value))
    elif isinstance(value, dict):
        for item in value.values():
            float_ids(item, out)
    elif isinstance(value, list):
        for item in value:
            float_ids(item, out)
    return out


def surviving(drifts: list[Drift], records: Any) -> list[Drift]:
    """The drifts whose float reaches the records (a dropped key's float is never re-saved)."""
    if not drifts:
        return []
    present = float_ids(records, set())
    return [d for d in drifts if id(d.restored) in present]


def memory_of(drifts: list[Drift]) -> dict[int, tuple[float, float]]:
    """id(serde's float object) → (that object, the value the agent held): for ``as_saved``."""
    return {id(d.restored): (d.restored, d.saved) for d in drifts}


def drift_cause(drift: Drift, reader: str, float_format: str, assumed: bool) -> dict[str, Any]:
    """The facts of a ``float-drift`` note (worded by :mod:`..wording`): ``restoring this file
    in yoagent@0.22 changes 0.9808861679331449 to …448``."""
    return {
        "literal": drift.literal,
        "restored": drift.restored,
        "plus": float_format == "zmij",
        "dialect": reader,
        "layout_assumed": assumed and not -EXPONENT_FROM < drift.restored < EXPONENT_FROM,
    }


def has_big_float(value: Any) -> bool:
    """True when a float of magnitude >= 1e16 (written differently by ryu and zmij) is inside."""
    if type(value) is float:
        return not -EXPONENT_FROM < value < EXPONENT_FROM
    if isinstance(value, dict):
        return any(has_big_float(v) for v in value.values())
    if isinstance(value, list):
        return any(has_big_float(v) for v in value)
    return False
