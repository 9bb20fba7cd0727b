"""validate-conversation on several processors (cli.workers): the same output, the same exit
code, in the same order as one process; a worker that fails costs only time."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from agent_conversation.cli import workers
from agent_conversation.cli.validate import run as validate
from test_cli import ROOT, run

FIXTURES = ROOT / "fixtures"


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_several_processes_report_exactly_what_one_does(fmt: str) -> None:
    one = run("--format", fmt, "--jobs", "1", str(FIXTURES))
    for jobs in ("2", "5", "auto"):
        several = run("--format", fmt, "--jobs", jobs, str(FIXTURES))
        assert several.returncode == one.returncode == 1
        assert several.stdout == one.stdout
        assert several.stderr == one.stderr


def test_runs_of_files_keep_their_place_among_other_inputs(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    shutil.copytree(FIXTURES / "golden", folder)
    args = [str(folder), "-", str(FIXTURES / "invalid"), str(tmp_path / "missing.json")]
    stdin = (FIXTURES / "examples" / "conversation.json").read_bytes()
    one = run("--jobs", "1", *args, stdin=stdin)
    several = run("--jobs", "3", *args, stdin=stdin)
    assert (several.returncode, several.stdout, several.stderr) == (
        one.returncode,
        one.stdout,
        one.stderr,
    )
    assert one.returncode == 2  # the missing file


def _dies_at_once(*_: object) -> None:  # the worker ends without results
    os._exit(3)


def _takes_a_chunk_and_dies(tokens: int, *_: object) -> None:  # one chunk never handed back
    workers._take(tokens)
    os._exit(3)


@pytest.mark.parametrize("work", [_dies_at_once, _takes_a_chunk_and_dies])
@pytest.mark.parametrize("jobs", ["3", "4"])
def test_what_a_failed_worker_took_is_checked_again(
    work: object, jobs: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--format", "json", str(FIXTURES / "invalid")]
    assert validate(["--jobs", "1", *args]) == 1
    expected = capsys.readouterr().out
    monkeypatch.setattr(workers, "_work", work)
    assert validate(["--jobs", jobs, *args]) == 1
    assert capsys.readouterr().out == expected


@pytest.mark.parametrize(
    "count,jobs", [(1, 2), (7, 2), (64, 2), (1000, 2), (4096, 8), (5, 64), (4096, 4096)]
)
def test_chunks_cover_every_file_once_in_order(count: int, jobs: int) -> None:
    chunks = workers.chunks_of(count, jobs)
    assert [i for chunk in chunks for i in chunk] == list(range(count))
    assert len(chunks) <= min(jobs * workers.CHUNKS_PER_JOB, workers.MAX_CHUNKS)


def test_how_many_processes() -> None:
    assert workers.jobs_for(None, workers.MIN_FILES - 1) == 1
    assert workers.jobs_for(None, 10_000) == min(workers.available_cpus(), workers.MAX_AUTO_JOBS)
    assert workers.jobs_for(4, 3) == 3  # never more processes than files
    assert workers.jobs_for(4, 1) == 1
    assert workers.jobs_for(1, 10_000) == 1


@pytest.mark.parametrize("value", ["0", "-1", "two", "1.5"])
def test_jobs_must_be_auto_or_a_whole_number(value: str) -> None:
    proc = run("--jobs", value, str(FIXTURES / "examples"))
    assert proc.returncode == 2
    assert b"--jobs" in proc.stderr
