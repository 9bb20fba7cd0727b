"""The package metadata says true things: one version, a license file that exists, package data
that names only files that exist."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import agent_conversation as ac
import pytest

tomllib = pytest.importorskip("tomllib")  # Python >= 3.11

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "python" / "agent_conversation"


def pyproject() -> dict[str, Any]:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)


def test_the_version_is_written_once_and_the_typescript_package_follows_it() -> None:
    project = pyproject()
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    attr = project["tool"]["setuptools"]["dynamic"]["version"]["attr"]
    assert attr == "agent_conversation.__version__"
    package = json.loads((ROOT / "typescript" / "package.json").read_text("utf-8"))
    assert package["version"] == ac.__version__


def test_the_license_file_exists_and_matches_the_metadata() -> None:
    project = pyproject()["project"]
    assert project["license"] == "MIT"
    for name in project["license-files"]:
        assert (ROOT / name).is_file(), name
    assert (ROOT / "LICENSE").read_text("utf-8").startswith("MIT License")
    assert not any(c.startswith("License ::") for c in project["classifiers"]), (
        "PEP 639: the license expression replaces license classifiers"
    )


def test_every_package_data_pattern_names_files_that_exist() -> None:
    data = pyproject()["tool"]["setuptools"]["package-data"]
    for package, patterns in data.items():
        folder = ROOT / "python" / package
        for pattern in patterns:
            assert any(p.is_file() for p in folder.glob(pattern)), f"{package}: {pattern}"


def test_the_schema_folder_is_shipped_through_the_package_symlink() -> None:
    link = PACKAGE / "schema"
    assert link.is_symlink() and link.resolve() == (ROOT / "schema").resolve()
