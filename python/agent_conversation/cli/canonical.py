"""``--canonical``: where a file first differs from what its crate version writes."""

from __future__ import annotations

from collections.abc import Callable

from ..errors import ConversationError, Problem
from .naming import dialect_words
from .results import FileResult, Options


def compare(data: bytes, write: Callable[[], str], result: FileResult, options: Options) -> None:
    """``--canonical``: an error on ``result`` unless ``data`` is exactly what ``write()`` (the
    crate's writer for what was read) gives; the writer's own refusals are errors too."""
    try:
        expected = write().encode("utf-8")
    except ConversationError as err:
        result.errors.extend(err.problems)
        return
    if expected != data:
        result.errors.append(difference_problem(data, expected, result.dialect, options))


def first_difference(data: bytes, expected: bytes) -> int:
    """The offset of the first byte where the two differ (the shorter length if one is a
    prefix of the other); compares in blocks, so a late difference in 100 MB stays cheap."""
    n = min(len(data), len(expected))
    a, b = memoryview(data), memoryview(expected)
    start, block = 0, 1 << 16
    while start < n:
        end = min(n, start + block)
        if a[start:end] != b[start:end]:
            return next(i for i in range(start, end) if data[i] != expected[i])
        start = end
    return n


def difference_problem(
    data: bytes, expected: bytes, revision: str | None, options: Options
) -> Problem:
    offset = first_difference(data, expected)
    line = data.count(b"\n", 0, offset) + 1
    column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    got = data[offset : offset + 24].decode("utf-8", "replace") or "end of file"
    want = expected[offset : offset + 24].decode("utf-8", "replace") or "end of file"
    who = dialect_words(revision, options.dialect) if revision else "the crate"
    # The float layout changes the outcome only when the user named one: an `auto` file either
    # shows its writer or has no float the two layouts write differently.
    float_note = f", {options.float_format} floats" if options.float_format != "auto" else ""
    return Problem(
        None,
        "",
        line,
        column,
        f"not byte-identical to what {who}{float_note} writes: first difference at byte "
        f"{offset} (file has {got!r}, the crate writes {want!r})",
        "not-canonical",
    )
