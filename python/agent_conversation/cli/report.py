"""Reporting results: text (colour only on a terminal), one JSON document, or GitHub workflow
commands. Text and GitHub output are written file by file as results come in."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable

from .._lean_typing import TYPE_CHECKING
from ..errors import Problem
from .naming import dialect_words
from .results import FileResult
from .streams import printable

if TYPE_CHECKING:
    from typing import TextIO


def use_colour(stream: TextIO) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def describe(
    problem: Problem, unit: str = "message", name_dialect: Callable[[str], str] | None = None
) -> str:
    """``message N (pointer): cause``; ``document: cause`` for what belongs to no one message.
    A session file's problems name the entry, counted from 0 like messages; ``name_dialect``
    words the dialect a warning names (see ``FileResult.name_dialect``)."""
    if problem.index is not None:
        where = f"{unit} {problem.index}"
    else:  # e.g. a phi-core turn's output_message, which is not in an array
        where = "value" if problem.pointer else "document"
    pointer = f" ({problem.pointer})" if problem.pointer else ""
    return printable(f"{where}{pointer}: {problem.words(name_dialect)}")


def location(name: str, problem: Problem) -> str:
    name = printable(name)
    if problem.line is None:
        return name
    return f"{name}:{problem.line}:{problem.column if problem.column is not None else 1}"


def plural(count: int, noun: str) -> str:
    """``1 file``, ``2 files``, ``0 files``."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


class Summary:
    def __init__(self) -> None:
        self.files = self.valid = self.invalid = self.unreadable = self.warnings = 0

    def add(self, result: FileResult) -> None:
        self.files += 1
        if result.fatal is not None:
            self.unreadable += 1
            self.invalid += 1
        elif result.valid:
            self.valid += 1
        else:
            self.invalid += 1
        self.warnings += len(result.warnings)

    def line(self) -> str:
        text = (
            f"{plural(self.files, 'file')}, {self.valid} valid, {self.invalid} invalid, "
            f"{plural(self.warnings, 'warning')}"
        )
        if self.unreadable:
            text += f" ({self.unreadable} could not be read)"
        return text


class Reporter:
    """Receives each file's result, then ``close`` with the summary."""

    def __init__(self, out: TextIO, quiet: bool, requested: str) -> None:
        self.out = out
        self.quiet = quiet
        self.requested = requested
        self.summary = Summary()
        self.broken = False  # the reader went away (EPIPE): keep checking, stop writing
        self.failed: str | None = None  # any other failed write (ENOSPC, EBADF): exit code 2

    def write(self, text: str) -> None:
        if self.broken:
            return
        try:
            if self.out is None:
                raise OSError(errno.EBADF, "standard output is closed")
            self.out.write(text)
        except BrokenPipeError:
            self.broken = True
        except (OSError, ValueError, AttributeError) as err:
            self._failed(err)

    def _failed(self, err: BaseException) -> None:
        self.broken = True
        if isinstance(err, OSError) and err.errno == errno.EBADF or not isinstance(err, OSError):
            self.failed = "standard output is closed"
        else:
            self.failed = (err.strerror or str(err)).lower()

    def add(self, result: FileResult) -> None:
        self.summary.add(result)
        self.file(result)

    def file(self, result: FileResult) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def close(self, exit_code: int) -> None:
        """The summary line (unless quiet), then flush."""
        if not self.quiet:
            self.write(self.summary.line() + "\n")
        self.flush()

    def flush(self) -> None:
        if self.broken:
            return
        try:
            if self.out is not None:
                self.out.flush()
        except BrokenPipeError:
            self.broken = True
        except (OSError, ValueError, AttributeError) as err:
            self._failed(err)

    def dialect_label(self, result: FileResult) -> str:
        if result.dialect is None:
            return ""
        if self.requested != "auto":
            if self.requested == result.dialect:
                return result.dialect
            return f"{self.requested}, wire revision {result.dialect}"
        return f"{result.dialect} = {dialect_words(result.dialect)}"


class TextReporter(Reporter):
    def __init__(self, out: TextIO, quiet: bool, requested: str) -> None:
        super().__init__(out, quiet, requested)
        colour = use_colour(out)
        self.red, self.yellow, self.green, self.dim, self.bold, self.reset = (
            ("\033[31m", "\033[33m", "\033[32m", "\033[2m", "\033[1m", "\033[0m")
            if colour
            else ("",) * 6
        )

    def file(self, result: FileResult) -> None:
        red, yellow, reset, bold = self.red, self.yellow, self.reset, self.bold
        lines = []
        if result.fatal is not None:
            verb = (
                "cannot fetch" if result.name.startswith(("http://", "https://")) else "cannot read"
            )
            name, fatal = printable(result.name), printable(result.fatal)
            lines.append(f"{bold}{name}{reset}: {red}error{reset}: {verb}: {fatal}")
        for problem in result.errors:
            where = location(result.name, problem)
            lines.append(
                f"{bold}{where}{reset}: {red}error{reset}: "
                f"{describe(problem, result.unit, result.name_dialect)}"
            )
        for problem in result.warnings:
            where = location(result.name, problem)
            lines.append(
                f"{bold}{where}{reset}: {yellow}warning{reset}: "
                f"{describe(problem, result.unit, result.name_dialect)}"
            )
        if not self.quiet:
            for remark in result.info:
                lines.append(
                    f"{printable(result.name)}: {self.dim}note: {printable(remark)}{reset}"
                )
            label = self.dialect_label(result) if result.fatal is None else ""
            # An invalid file's verdict line is left out when it would only repeat its
            # `error:` lines and the summary (no dialect to name).
            if result.fatal is None and (result.valid or label):
                detail = f"{result.kind}, {label}" if label else result.kind
                verdict = f"{self.green}valid{reset}" if result.valid else f"{red}invalid{reset}"
                more = "" if result.valid else f", {plural(len(result.errors), 'problem')}"
                name, detail = printable(result.name), printable(detail)
                lines.append(f"{name}: {verdict} {self.dim}({detail}){reset}{more}")
        if lines:
            self.write("\n".join(lines) + "\n")


def _escape_data(value: str) -> str:
    """GitHub's own escapes for line breaks, then every other control character made visible."""
    return printable(value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


class GithubReporter(Reporter):
    """GitHub Actions workflow commands: ``::error file=…,line=…,col=…::…``."""

    def file(self, result: FileResult) -> None:
        lines = []
        title = _escape_property("validate-conversation")
        if result.fatal is not None:
            place = f"file={_escape_property(result.name)}," if result.is_file else ""
            what = (
                "cannot fetch" if not result.is_file and result.name != "<stdin>" else "cannot read"
            )
            message = _escape_data(f"{result.name}: {what}: {result.fatal}")
            lines.append(f"::error {place}title={title}::{message}")
        name_dialect = result.name_dialect
        for level, problems in (("error", result.errors), ("warning", result.warnings)):
            for p in problems:
                if result.is_file:
                    place = f"file={_escape_property(result.name)},"
                    if p.line is not None:
                        place += f"line={p.line},col={p.column or 1},"
                    text = describe(p, result.unit, name_dialect)
                else:
                    place = ""
                    text = f"{location(result.name, p)}: {describe(p, result.unit, name_dialect)}"
                lines.append(f"::{level} {place}title={title}::{_escape_data(text)}")
        if lines:
            self.write("\n".join(lines) + "\n")


class JsonReporter(Reporter):
    """One JSON document with every file's result, written at the end."""

    def __init__(self, out: TextIO, quiet: bool, requested: str) -> None:
        super().__init__(out, quiet, requested)
        self.files: list[dict[str, object]] = []

    def file(self, result: FileResult) -> None:
        from .naming import revision_span

        self.files.append(
            {
                "path": result.name,
                "type": result.kind if result.fatal is None else None,
                "index_counts": result.unit,
                "valid": result.valid,
                "dialect": result.dialect,
                "crate_versions": revision_span(result.dialect) if result.dialect else None,
                "error": result.fatal,
                "problems": [p.to_dict(result.name_dialect) for p in result.errors],
                "warnings": [p.to_dict(result.name_dialect) for p in result.warnings],
                "notes": list(result.info),
            }
        )

    def close(self, exit_code: int) -> None:
        import json

        from .. import __version__

        s = self.summary
        document = {
            "tool": "validate-conversation",
            "version": __version__,
            "requested_dialect": self.requested,
            "files": self.files,
            "summary": {
                "files": s.files,
                "valid": s.valid,
                "invalid": s.invalid,
                "unreadable": s.unreadable,
                "warnings": s.warnings,
            },
            "exit_code": exit_code,
        }
        self.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
        self.flush()


REPORTERS = {"text": TextReporter, "json": JsonReporter, "github": GithubReporter}
