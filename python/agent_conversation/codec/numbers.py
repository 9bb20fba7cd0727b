"""serde_json number semantics: how a literal becomes a number, and how a float is written.

serde_json (without its ``float_roundtrip`` feature, as the crates build it) parses a decimal
literal by accumulating up to 19-20 significant digits in a ``u64`` and scaling by a power of
ten; that is not always correctly rounded, so we reproduce it step by step. Floats are written
with ryu's shortest round-trip digits in ryu's layout, which differs from Python's ``repr``.
"""

from __future__ import annotations

import math

U64_MAX = (1 << 64) - 1
I64_MIN = -(1 << 63)
U32_MAX = (1 << 32) - 1
_U64_DIV10 = U64_MAX // 10
_U64_MOD10 = U64_MAX % 10
_I32_MAX = (1 << 31) - 1
_POW10 = [float(f"1e{i}") for i in range(309)]


class NumberOutOfRange(ValueError):
    """The literal's magnitude is beyond f64 (serde: ``number out of range``).

    ``consumed``: how many characters of the literal serde had read when it gave up (an
    exponent past i32 fails at its overflowing digit); None means the whole literal."""

    def __init__(self, consumed: int | None = None) -> None:
        super().__init__("number out of range")
        self.consumed = consumed


def _overflows(significand: int, digit: int) -> bool:
    return significand >= _U64_DIV10 and (significand > _U64_DIV10 or digit > _U64_MOD10)


def f64_from_parts(positive: bool, significand: int, exponent: int) -> float:
    """serde_json's ``f64_from_parts``: ``significand * 10**exponent`` the way serde computes it."""
    f = float(significand)
    while True:
        idx = abs(exponent)
        if idx < len(_POW10):
            if exponent >= 0:
                f *= _POW10[idx]
                if math.isinf(f):
                    raise NumberOutOfRange
            else:
                f /= _POW10[idx]
            break
        if f == 0.0:
            break
        if exponent >= 0:
            raise NumberOutOfRange
        f /= 1e308
        exponent += 308
    return f if positive else -f


def parse_literal(text: str) -> int | float:
    """Value of a *well-formed* JSON number literal, exactly as serde_json's parser yields it.

    Integers that fit u64 (or i64 when negative) stay ``int``; ``-0`` becomes ``-0.0``; other
    integers and every literal with a fraction or exponent become ``float``.
    Raises :class:`NumberOutOfRange` where serde_json would.
    """
    positive = not text.startswith("-")
    body = text if positive else text[1:]
    # Plain integer, the common case. Past 20 digits (JSON allows no leading zeros) it is beyond
    # u64 anyway and takes serde's float path below: never int() on it, which refuses literals
    # of more than 4,300 digits (Python's int-string limit).
    if len(body) <= 20 and body.isdigit():
        value = int(body)
        if positive:
            if value <= U64_MAX:
                return value
        elif value == 0:
            return -0.0
        elif value <= 1 << 63:
            return -value
        elif value <= U64_MAX:
            return -float(value)
    return _parse_float_literal(positive, body)


def _parse_float_literal(positive: bool, body: str) -> float:
    n = len(body)
    i = 0
    significand = 0
    exponent = 0
    # integer part (serde: parse_integer, then parse_long_integer on u64 overflow)
    overflowed = False
    while i < n and body[i].isdigit():
        d = ord(body[i]) - 48
        if overflowed:
            exponent += 1
        elif _overflows(significand, d):
            overflowed = True
            exponent += 1
        else:
            significand = significand * 10 + d
        i += 1
    if i < n and body[i] == ".":
        i += 1
        skipping = False
        while i < n and body[i].isdigit():
            d = ord(body[i]) - 48
            if not skipping:
                if _overflows(significand, d):
                    skipping = True  # serde: parse_decimal_overflow ignores further digits
                else:
                    significand = significand * 10 + d
                    exponent -= 1
            i += 1
    if i < n and body[i] in "eE":
        i += 1
        positive_exp = True
        if body[i] in "+-":
            positive_exp = body[i] == "+"
            i += 1
        exp = 0
        while i < n:
            d = ord(body[i]) - 48
            if exp >= _I32_MAX // 10 and (exp > _I32_MAX // 10 or d > _I32_MAX % 10):
                # serde: parse_exponent_overflow
                if significand != 0 and positive_exp:
                    raise NumberOutOfRange(i + 1 + (0 if positive else 1))
                return 0.0 if positive else -0.0
            exp = exp * 10 + d
            i += 1
        exponent = _saturating_i32(exponent + exp if positive_exp else exponent - exp)
    return f64_from_parts(positive, significand, exponent)


def _saturating_i32(value: int) -> int:
    return max(-_I32_MAX - 1, min(_I32_MAX, value))


def is_simple_literal(text: str) -> bool:
    """True when serde's result for this literal is certainly the correctly rounded one.

    That holds when the significand fits 53 bits (at most 15 digits) and the scale is an exact
    power of ten (``|exponent| <= 22``): one IEEE operation, one rounding.
    """
    body = text.lstrip("-")
    mantissa, _, exp_text = body.replace("E", "e").partition("e")
    int_part, _, frac = mantissa.partition(".")
    digits = (int_part + frac).lstrip("0")
    if len(digits) > 15:
        return False
    # Never int() on the exponent as written: past 4,300 digits (leading zeros count) that
    # raises ValueError. Beyond 15 significant digits it exceeds any fraction's length anyway.
    exp_digits = exp_text.lstrip("+-").lstrip("0")
    if len(exp_digits) > 15:
        return False
    sign = -1 if exp_text.startswith("-") else 1
    exponent = sign * int(exp_digits or "0") - len(frac)
    return -22 <= exponent <= 22


_EASY: dict[float, bool] = {}


def easy_float(value: float) -> bool:
    """True when serde_json reads the shortest text of ``value`` (in any layout) as ``value``
    for certain: at most 15 significant digits and a scale that is an exact power of ten."""
    known = _EASY.get(value)
    if known is None:
        known = is_simple_literal(repr(value))
        if len(_EASY) < 4096:
            _EASY[value] = known
    return known


FLOAT_FORMATS = ("ryu", "zmij")
FLOAT_FORMAT_CHOICES = ("auto", *FLOAT_FORMATS)
# What a fresh `cargo build` of any crate version resolves today (serde_json >= 1.0.147).
DEFAULT_FLOAT_FORMAT = "zmij"


def chosen_format(asked: str, detected: str | None) -> tuple[str, bool]:
    """The float layout to write and whether it was assumed: ``asked`` unless it is ``auto``,
    then the one the text showed (``detected``), else the default (assumed)."""
    if asked != "auto":
        return asked, False
    return detected or DEFAULT_FLOAT_FORMAT, detected is None


# Both writers print a float with a positive exponent from this magnitude on (and only then).
EXPONENT_FROM = 1e16


def format_f64(value: float, exponent_plus: bool = False) -> str:
    """Write a finite float the way serde_json does (ryu's ``format_finite``).

    serde_json 1.0.147 and later format with zmij instead, which is the same text except for a
    ``+`` in positive exponents (``1e+16``): ``exponent_plus=True``.
    """
    if value == 0.0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    text = repr(value)
    sign = ""
    if text[0] == "-":
        sign, text = "-", text[1:]
    mantissa, _, exp_text = text.partition("e")
    int_part, _, frac = mantissa.partition(".")
    digits = int_part + frac
    point = len(int_part) + (int(exp_text) if exp_text else 0)
    stripped = digits.lstrip("0")
    point -= len(digits) - len(stripped)
    digits = stripped.rstrip("0")
    return sign + layout(digits, point, exponent_plus, 16, -5)


def layout(digits: str, kk: int, exponent_plus: bool, upper: int, lower: int) -> str:
    """ryu's layout of shortest ``digits`` with ``10^(kk-1) <= |value| < 10^kk``: plain from
    ``10^lower`` up to ``10^upper`` (f64: 16 and -5; f32: 13 and -6), otherwise scientific."""
    length = len(digits)
    k = kk - length
    if 0 <= k and kk <= upper:
        return digits + "0" * k + ".0"
    if 0 < kk <= upper:
        return digits[:kk] + "." + digits[kk:]
    if lower < kk <= 0:
        return "0." + "0" * (-kk) + digits
    exponent = kk - 1
    mark = "e+" if exponent_plus and exponent >= 0 else "e"
    mantissa = digits if length == 1 else f"{digits[0]}.{digits[1:]}"
    return f"{mantissa}{mark}{exponent}"
