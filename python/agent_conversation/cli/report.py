"""Reporting results: text (with colour on a terminal), JSON, or GitHub workflow commands."""

from __future__ import annotations

import json
import os
from typing import TextIO

from ..errors import Problem
from .checks import FileResult


def use_colour(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _where(result: FileResult, problem: Problem) -> str:
    line = problem.line if problem.line is not None else 1
    column = problem.column if problem.column is not None else 1
    return f"{result.name}:{line}:{column}"


def _describe(problem: Problem) -> str:
    where = f"message {problem.index}" if problem.index is not None else "document"
    pointer = f" ({problem.pointer})" if problem.pointer else ""
    return f"{where}{pointer}: {problem.message}"


def text(results: list[FileResult], out: TextIO, quiet: bool, show_dialect: bool) -> None:
    colour = use_colour(out)
    red, yellow, green, dim, reset = (
        ("\033[31m", "\033[33m", "\033[32m", "\033[2m", "\033[0m") if colour else ("",) * 5
    )
    for result in results:
        if result.fatal is not None:
            out.write(f"{result.name}: {red}error{reset}: {result.fatal}\n")
            continue
        for problem in result.errors:
            out.write(f"{_where(result, problem)}: {red}error{reset}: {_describe(problem)}\n")
        for problem in result.warnings:
            out.write(f"{_where(result, problem)}: {yellow}warning{reset}: {_describe(problem)}\n")
        if not quiet and result.valid:
            dialect = f" {dim}({result.kind}, {result.dialect}){reset}" if show_dialect else ""
            out.write(f"{result.name}: {green}valid{reset}{dialect}\n")
    if not quiet:
        valid = sum(r.valid for r in results)
        warnings = sum(len(r.warnings) for r in results)
        out.write(
            f"{len(results)} files, {valid} valid, {len(results) - valid} invalid, "
            f"{warnings} warnings\n"
        )


def as_json(results: list[FileResult], out: TextIO) -> None:
    document = {
        "files": [
            {
                "path": r.name,
                "type": r.kind,
                "valid": r.valid,
                "dialect": r.dialect,
                "error": r.fatal,
                "problems": [p.to_dict() for p in r.errors],
                "warnings": [p.to_dict() for p in r.warnings],
            }
            for r in results
        ],
        "summary": {
            "files": len(results),
            "valid": sum(r.valid for r in results),
            "invalid": sum(not r.valid for r in results),
            "warnings": sum(len(r.warnings) for r in results),
        },
    }
    json.dump(document, out, ensure_ascii=False, indent=2)
    out.write("\n")


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github(results: list[FileResult], out: TextIO) -> None:
    for result in results:
        if result.fatal is not None:
            out.write(
                f"::error file={_escape_property(result.name)}::{_escape_data(result.fatal)}\n"
            )
            continue
        for level, problems in (("error", result.errors), ("warning", result.warnings)):
            for p in problems:
                place = f"file={_escape_property(result.name)}"
                if p.line is not None:
                    place += f",line={p.line},col={p.column or 1}"
                out.write(f"::{level} {place}::{_escape_data(_describe(p))}\n")
