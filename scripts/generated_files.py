"""Writing generated files, or checking them (``--check``): one implementation for every
generator in ``scripts/``."""

from __future__ import annotations

import difflib
import os
import sys
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def stale(
    files: dict[Path, str],
    folders: Iterable[tuple[Path, str]] = (),
    keep: Iterable[Path] = (),
) -> bool:
    """Print a unified diff for each file whose text on disk differs from ``files``, and name
    each file matching a ``(folder, glob)`` that is neither in ``files`` nor in ``keep`` (hand-
    written files beside the generated ones): one left from an earlier generation. True when
    there is any."""
    kept = set(keep)
    found = False
    for path, text in files.items():
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current != text:
            found = True
            rel = path.relative_to(ROOT).as_posix()
            diff = difflib.unified_diff(
                current.splitlines(True), text.splitlines(True), f"a/{rel}", f"b/{rel}"
            )
            sys.stdout.writelines(diff)
    for folder, pattern in folders:
        for path in sorted(folder.glob(pattern)):
            if path not in files and path not in kept:
                found = True
                print(f"unexpected file {path.relative_to(ROOT)} (not generated from schema/)")
    return found


def write(files: dict[Path, str]) -> None:
    """Write every file (its folder made if need be)."""
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def check_or_write(
    files: dict[Path, str],
    *,
    check: bool,
    what: str,
    script: str,
    folders: Iterable[tuple[Path, str]] = (),
    keep: Iterable[Path] = (),
) -> int:
    """A generator's last step. With ``check``: ``stale`` (diffs printed), then 1 and the
    script to run if anything is, else 0. Without: write the files. ``what`` names them in the
    lines printed (``model``: "generated model files")."""
    count = f"{len(files)} generated {what} file{'' if len(files) == 1 else 's'}"
    if check:
        if stale(files, folders, keep):
            print(f"generated {what} files are stale: run scripts/{script}", file=sys.stderr)
            return 1
        print(f"{count} up to date with schema/")
        return 0
    write(files)
    where = Path(os.path.commonpath(files)) if files else ROOT
    if where in files:
        where = where.parent
    print(f"wrote {count} to {where.relative_to(ROOT)}")
    return 0
