"""Checking many local files on several processors.

``validate-conversation`` on a directory of many files splits each run of local files into
contiguous slices: the command checks the first slice itself (its results are reported as they
come) while forked workers check the others and hand their results back through a pipe; the
results are reported in the order of the files, exactly as one process reports them. A worker
that fails for any reason (killed, out of memory) costs nothing but time: the command then
checks that slice itself. Nothing but the results crosses the pipe; only the command writes
output. Memory stays bounded: at most :data:`RUN` files' results are held at once.

Where ``os.fork`` is missing, for fewer than :data:`MIN_FILES` files, or with one processor,
everything runs in the one process (``--jobs 1`` asks for that).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence

from .._lean_typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

MIN_FILES = 64  # fewer files: one process (a worker costs about as much as 60 small files)
MAX_AUTO_JOBS = 8  # --jobs auto uses at most this many processes
RUN = 4096  # files per run: at most this many results are held at once


def available_cpus() -> int:
    """The processors this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def jobs_for(requested: int | None, count: int) -> int:
    """How many processes check ``count`` files (``requested``: ``--jobs``, None for auto)."""
    if not hasattr(os, "fork") or count < 2:
        return 1
    if requested is not None:
        return max(1, min(requested, count))
    if count < MIN_FILES:
        return 1
    return max(1, min(available_cpus(), MAX_AUTO_JOBS, count // (MIN_FILES // 2)))


class _Worker:
    """A forked process checking one slice; its results come back pickled through a pipe."""

    def __init__(self, part: Sequence[Any], check_one: Callable[[Any], Any]) -> None:
        self.pid: int | None = None
        self.fd: int | None = None
        try:
            read_end, write_end = os.pipe()
        except OSError:
            return  # no pipe: the command checks this slice itself
        try:
            pid = os.fork()
        except OSError:  # no process: likewise
            os.close(read_end)
            os.close(write_end)
            return
        if pid == 0:  # pragma: no cover - the worker (its coverage is the parent's results)
            _work(read_end, write_end, part, check_one)
        os.close(write_end)
        self.pid, self.fd = pid, read_end

    def results(self) -> list[Any] | None:
        """The worker's results, or None if it failed (or never started)."""
        if self.fd is None:
            return None
        with open(self.fd, "rb") as pipe:
            self.fd = None
            data = pipe.read()
        if self._wait() != 0:
            return None
        import pickle

        try:
            found = pickle.loads(data)
        except Exception:  # noqa: BLE001 - a broken answer: the slice is checked again here
            return None
        return found if isinstance(found, list) else None

    def _wait(self) -> int:
        pid, self.pid = self.pid, None
        if pid is None:
            return -1
        try:
            _, status = os.waitpid(pid, 0)
        except ChildProcessError:
            return -1
        return os.waitstatus_to_exitcode(status)

    def stop(self) -> None:
        """End a worker whose results are no longer wanted (the command is interrupted)."""
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
        if self.pid is not None:
            try:
                os.kill(self.pid, 15)  # SIGTERM
            except OSError:
                pass
            self._wait()


def _work(
    read_end: int, write_end: int, part: Sequence[Any], check_one: Callable[[Any], Any]
) -> None:  # pragma: no cover - runs in the worker
    code = 1
    try:
        os.close(read_end)
        import pickle

        data = pickle.dumps([check_one(source) for source in part], pickle.HIGHEST_PROTOCOL)
        with open(write_end, "wb") as pipe:
            pipe.write(data)
        code = 0
    except BaseException:  # noqa: BLE001, S110 - the command checks this slice itself
        pass
    finally:
        os._exit(code)


def check_all(sources: Sequence[Any], jobs: int, check_one: Callable[[Any], Any]) -> Iterator[Any]:
    """``check_one(source)`` of every source, in order, on ``jobs`` processes."""
    if jobs <= 1:
        yield from map(check_one, sources)
        return
    n = len(sources)
    bounds = [n * k // jobs for k in range(jobs + 1)]
    for stream in (sys.stdout, sys.stderr):  # nothing buffered is written twice
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass
    workers: list[_Worker] = []
    try:
        for k in range(1, jobs):
            workers.append(_Worker(sources[bounds[k] : bounds[k + 1]], check_one))
        yield from map(check_one, sources[: bounds[1]])
        for k, worker in enumerate(workers, 1):
            part = sources[bounds[k] : bounds[k + 1]]
            results = worker.results()
            if results is None or len(results) != len(part):
                results = [check_one(source) for source in part]
            yield from results
    finally:
        for worker in workers:
            worker.stop()
