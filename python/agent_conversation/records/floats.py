"""Rust ``f32`` as serde_json reads and writes it.

serde_json reads an ``f32`` by parsing the literal as ``f64`` (its own, not correctly rounded,
algorithm) and casting with ``as f32`` (round to nearest, overflow to infinity). It writes the
shortest decimal that reads back as the same ``f32``, laid out like ryu's ``format32`` (zmij uses
the same fixed-notation range for f32, plus ``e+`` for positive exponents): plain digits for
``1e-6 <= |x| < 1e13``, scientific otherwise. A non-finite float is written as ``null``.
"""

from __future__ import annotations

import math
import struct

F32_MAX = struct.unpack("<f", b"\xff\xff\x7f\x7f")[0]


def to_f32(value: float) -> float:
    """``value as f32`` (as a Python float holding the f32 exactly)."""
    try:
        return float(struct.unpack("<f", struct.pack("<f", value))[0])
    except OverflowError:
        return math.copysign(math.inf, value)


def is_f32(value: float) -> bool:
    return math.isnan(value) or to_f32(value) == value


def _shortest_digits(value: float) -> tuple[str, int]:
    """(digits, kk) with ``0.digits * 10**kk == value`` read as f32, shortest digits."""
    for precision in range(1, 10):
        text = f"{value:.{precision - 1}e}"
        if to_f32(float(text)) == value:
            break
    mantissa, _, exp = text.partition("e")
    digits = mantissa.replace(".", "").rstrip("0") or "0"
    return digits, int(exp) + 1


def format_f32(value: float, exponent_plus: bool = False) -> str:
    """serde_json's text for a finite f32 (``value`` must hold an f32 exactly)."""
    if value == 0.0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    sign = "-" if value < 0 else ""
    digits, kk = _shortest_digits(abs(value))
    length = len(digits)
    k = kk - length
    if 0 <= k and kk <= 13:
        out = digits + "0" * k + ".0"
    elif 0 < kk <= 13:
        out = digits[:kk] + "." + digits[kk:]
    elif -6 < kk <= 0:
        out = "0." + "0" * (-kk) + digits
    else:
        exponent = kk - 1
        mark = "e+" if exponent_plus and exponent >= 0 else "e"
        mantissa = digits if length == 1 else f"{digits[0]}.{digits[1:]}"
        out = f"{mantissa}{mark}{exponent}"
    return sign + out
