"""The words of a finding, made from its ``kind`` and ``cause`` facts (see :mod:`.errors`).

The wording follows serde's where serde has one (``invalid type: integer `1`, expected a
string``, ``missing field `role```), made plainer where serde's is cryptic. Nothing else builds
these sentences: callers that want other words for a fact (the CLI naming crate versions for a
dialect) pass ``name_dialect``; nobody edits a worded string.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial

from ._lean_typing import TYPE_CHECKING
from .codec.numbers import format_f64
from .codec.wirefacts import USAGE_TYPE

if TYPE_CHECKING:
    from typing import Any

if TYPE_CHECKING:  # errors imports this module
    from .errors import Finding

Cause = Mapping[str, "Any"]  # as errors.Cause (quoted: typing is not imported at run time)
NameDialect = Callable[[str], str]

DETAIL = "detail"
WITHIN = "within"
MISSING = "missing-key"

# serde_json's syntax error codes, and plainer words where serde's are cryptic.
_TRAILING = "trailing characters"
_SYNTAX_WORDS = {
    _TRAILING: f"{_TRAILING} after the conversation's closing `]`",
    "expected value": "expected a JSON value here (a byte-order mark or stray character?)",
    "recursion limit exceeded": "nested deeper than serde_json's limit of 128 arrays/objects",
    "unexpected end of hex escape": (
        "a \\u escape of a leading surrogate must be followed by its trailing surrogate"
    ),
    "lone leading surrogate in hex escape": (
        "a \\u escape names a lone surrogate, which is not a character"
    ),
}
_SYNTAX_KINDS = {
    "trailing characters": "trailing-characters",
    "recursion limit exceeded": "recursion-limit",
    "unexpected end of hex escape": "lone-surrogate",
    "lone leading surrogate in hex escape": "lone-surrogate",
    "number out of range": "number-out-of-range",
}


def syntax_kind(code: str, text: str = "") -> str:
    """The kind of one of serde_json's syntax error codes; ``text``, the text read, tells a
    byte-order mark or an empty document from other stray or missing characters."""
    if code == "expected value" and text[:1] == "\ufeff":
        return "byte-order-mark"
    if code == "EOF while parsing a value" and not text.strip(" \t\r\n"):
        return "empty-document"
    if code.startswith("invalid type: "):  # serde's peek_invalid_type: the top level
        return "not-an-array"
    return _SYNTAX_KINDS.get(code, "syntax")


def value_facts(value: Any) -> dict[str, Any]:
    """The facts of a JSON value that serde's ``Unexpected`` names: its type, and a scalar's
    value (a string's first 41 characters: enough to show that it was cut)."""
    if value is None:
        return {"got_type": "null"}
    if value is True or value is False:
        return {"got_type": "boolean", "got": value}
    if isinstance(value, int):
        return {"got_type": "integer", "got": value}
    if isinstance(value, float):
        return {"got_type": "float", "got": value}
    if isinstance(value, str):
        return {"got_type": "string", "got": value[:41]}
    if isinstance(value, list):
        return {"got_type": "sequence" if value else "empty sequence"}
    return {"got_type": "map"}


def unexpected(cause: Cause) -> str:
    """serde's ``Unexpected`` wording of the value facts in ``cause``."""
    kind = cause["got_type"]
    value = cause.get("got")
    if kind == "null":
        return "null"
    if kind == "boolean":
        return f"boolean `{'true' if value else 'false'}`"
    if kind == "integer":
        return f"integer `{value}`"
    if kind == "float":
        return f"floating point `{format_f64(float(value if value is not None else 0))}`"
    if kind == "string":
        text = str(value)
        short = text if len(text) <= 40 else text[:37] + "..."
        return f"string {short!r}"
    if kind == "sequence":
        return "a sequence"
    if kind == "empty sequence":
        return "an empty sequence"
    return "a map"


def words(
    kind: str,
    cause: Cause,
    context: Sequence[Finding] = (),
    name_dialect: NameDialect | None = None,
) -> str:
    """A finding in plain words."""
    if DETAIL in cause:
        return str(cause[DETAIL])
    if "what" in cause:  # a conversion's loss; a refusal words it `what: why`
        sep = ": " if kind == "loss" else " — "
        return f"{cause['what']}{sep}{cause['why']}"
    if context:
        return _readings(cause, context, name_dialect)
    if "readings" in cause:  # the readings' reasons were not kept
        return "data did not match any variant of the untagged enum"
    name = name_dialect or _same
    if "serde" in cause:
        code = str(cause["serde"])
        if code == _TRAILING and "after" in cause:
            return f"{code} after {cause['after']}"
        return _SYNTAX_WORDS.get(code, code)
    if "byte" in cause:
        return f"not valid UTF-8 (byte {cause['byte']}); the crates read UTF-8 text"
    if "character" in cause:
        return (
            f"the text holds a lone surrogate (character {cause['character']}); "
            "a Rust string cannot"
        )
    maker = _BY_KIND.get(kind)
    if maker is not None:
        return maker(cause, name)
    return _value_words(cause, name)


def _same(text: str) -> str:
    return text


def _readings(cause: Cause, context: Sequence[Finding], name: NameDialect | None) -> str:
    """An untagged enum's readings, each with where it failed inside the value."""
    from .errors import pointer

    labels = cause.get("readings", ())
    within = cause.get(WITHIN, 0)
    out = []
    for label, sub in zip(labels, context, strict=False):
        at = pointer(sub.path[within:])
        text = words(sub.kind, sub.cause, sub.context, name)
        out.append(f"as {label}, " + (f"`{at}`: " if at else "") + text)
    return "; ".join(out)


def _value_words(cause: Cause, name: NameDialect) -> str:
    """serde's ``invalid type``/``invalid value`` wording; a bare value when nothing was
    expected (a phi-core metadata key given as null)."""
    if "outside" in cause:
        return f"integer {cause['got']} is outside serde_json's {cause['outside']} range"
    if "expected" not in cause:
        return unexpected(cause)
    if cause.get("category") == "value":
        return f"invalid value: {unexpected(cause)}, expected {cause['expected']}"
    return f"invalid type: {unexpected(cause)}, expected {cause['expected']}"


def _unknown_variant(cause: Cause, name: NameDialect) -> str:
    if "variant" not in cause:
        return _value_words(cause, name)
    expected = ", ".join(f"`{v}`" for v in cause["variants"])
    return f"unknown variant `{cause['variant']}`, expected one of {expected}"


def _missing(cause: Cause, name: NameDialect) -> str:
    if cause.get("required"):
        return f"required `{cause['key']}` is missing"
    if "count" in cause:
        return (
            f"invalid length {cause['count']}, expected {cause['expected_count']} elements "
            f"(`{cause['key']}` is missing)"
        )
    return f"missing field `{cause['key']}`"


def _too_many(cause: Cause, name: NameDialect) -> str:
    if cause.get("unit"):
        return "unit variant given extra elements"
    if "expected_count" not in cause:
        return f"invalid length {cause['count']}"
    return f"invalid length {cause['count']}, expected at most {cause['expected_count']} elements"


# an ``alias`` note's words by the form the value was written in
_ALIAS_FORMS = {
    "sequence": "written as a sequence; the crate writes an object",
    "index": "variant given by index {index}; written as {variant!r}",
    "map": 'written as a map; the crate writes "{variant}"',
    "alias": "`{key}` is read as `{wire}` and written so",
}


def _alias(cause: Cause, name: NameDialect) -> str:
    return _ALIAS_FORMS.get(cause["form"], _ALIAS_FORMS["alias"]).format(**cause)


def _metadata_dropped(cause: Cause, name: NameDialect) -> str:
    if "reason" in cause:
        reason = words(cause["reason_kind"], cause["reason"], (), name)
        return f"`{cause['key']}` is malformed and silently dropped: {reason}"
    return f"unknown protocol {unexpected(cause)} loads as absent and is not written"


def _no_place(cause: Cause, name: NameDialect) -> str:
    if "got" in cause:  # a usage number
        return f"usage `{cause['key']}` = {cause['got']} has no place in {name(cause['dialect'])}"
    return f"`{cause['key']}` has no place in {name(cause['dialect'])}"


def _float_drift(cause: Cause, name: NameDialect) -> str:
    changed = format_f64(cause["restored"], cause["plus"])
    words = (
        f"restoring this file in {name(cause['dialect'])} changes {cause['literal']} to "
        f"{changed} (serde_json's float parsing is not correctly rounded; saving then writes "
        "the changed value)"
    )
    if cause["layout_assumed"]:
        words += "; zmij layout assumed, the file does not show which serde_json wrote it"
    return words


def _loss(cause: Cause, name: NameDialect) -> str:
    lost = words(cause["loss_kind"], cause["loss"], (), name)
    return f"would be lost writing {cause['target']}: {lost}"


# Kinds worded by one template (str.format over the cause, plus ``dialect_name``): the cause
# flag that picks the first template ("" for none), the first, the other.
_TEMPLATES = {
    "duplicate-key": (
        "last_wins",
        "key `{key}` repeated; the last one wins",
        "duplicate field `{key}`",
    ),
    "duplicate-alias": (
        "",
        "",
        "duplicate field `{key}` (given as both `{given[0]}` and `{given[1]}`)",
    ),
    "null-optional": (
        "empty",
        "empty `{key}` are not written",
        "`{key}` is null; it is read as absent and not written",
    ),
    "unknown-key": ("", "", "unknown key `{key}` would be dropped by {dialect_name}"),
    "stop-reason": ("", "", "stop reason {variant!r} does not exist in {dialect_name}"),
}


def _templated(kind: str, cause: Cause, name: NameDialect) -> str:
    flag, first, other = _TEMPLATES[kind]
    template = first if flag and cause.get(flag) else other
    return template.format(**cause, dialect_name=name(str(cause.get("dialect", ""))))


_BY_KIND: dict[str, Callable[[Cause, NameDialect], str]] = {
    "loss": _loss,
    "float-drift": _float_drift,
    "unknown-role": _unknown_variant,
    "unknown-content-type": _unknown_variant,
    "unknown-stop-reason": _unknown_variant,
    "unknown-variant": _unknown_variant,
    MISSING: _missing,
    "not-an-object": lambda cause, name: (
        _missing(cause, name) if "key" in cause else _value_words(cause, name)
    ),
    "too-many-elements": _too_many,
    "alias": _alias,
    "metadata-dropped": _metadata_dropped,
    "metadata": _no_place,
    "field": _no_place,
    USAGE_TYPE: _no_place,
}

_BY_KIND.update({kind: partial(_templated, kind) for kind in _TEMPLATES})


def kinds_worded() -> Iterable[str]:
    """The kinds with words of their own (the others read their cause as a value)."""
    return _BY_KIND.keys()
