"""Checking many local files on several processors.

``validate-conversation`` on a directory of many files cuts each run of local files into
chunks, about :data:`CHUNKS_PER_JOB` per process, and shares them out through a pipe: the
command writes every chunk's number into the pipe and closes its writing end, forks its
workers, and then it and every worker take the next number from the pipe until it is empty (a
read of a few bytes from a pipe is atomic, so each chunk goes to exactly one process). A process
on a busy processor simply takes fewer chunks. Workers hand their results back pickled through
a pipe of their own; the command reports every result in the order of the files, exactly as one
process does (its own chunks as soon as all those before them are known). A worker that fails
for any reason (killed, out of memory) costs nothing but time: the command checks the chunks it
took and did not hand back. Nothing but the results crosses the pipes; only the command writes
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


TOKEN = 4  # bytes of a chunk's number in the pipe that shares them out
CHUNKS_PER_JOB = 8  # more chunks balance better; fewer cost less
# At most this many chunks: their numbers fill one page of the pipe (4 KiB), which every pipe
# holds before anyone reads it, even where the system gives a pipe no more than that.
MAX_CHUNKS = 4096 // TOKEN


def chunks_of(count: int, jobs: int) -> list[range]:
    """The files' indices cut into chunks, about :data:`CHUNKS_PER_JOB` per process (at most
    :data:`MAX_CHUNKS`)."""
    size = max(1, -(-count // min(jobs * CHUNKS_PER_JOB, MAX_CHUNKS)))
    return [range(start, min(start + size, count)) for start in range(0, count, size)]


def _take(tokens: int) -> int | None:
    """The next chunk's number from the shared pipe; None once it is empty."""
    data = os.read(tokens, TOKEN)
    return int.from_bytes(data, "little") if len(data) == TOKEN else None


Results = dict[int, list["Any"]]  # chunk number -> the results of its files, in order


class _Worker:
    """A forked process checking the chunks it takes; its results come back pickled."""

    def __init__(
        self,
        tokens: int,
        chunks: list[range],
        sources: Sequence[Any],
        check_one: Callable[[Any], Any],
    ) -> None:
        self.pid: int | None = None
        self.fd: int | None = None
        try:
            read_end, write_end = os.pipe()
        except OSError:
            return  # no pipe: no worker (the others and the command take its share)
        try:
            pid = os.fork()
        except OSError:  # no process: likewise
            os.close(read_end)
            os.close(write_end)
            return
        if pid == 0:  # pragma: no cover - the worker (its coverage is the parent's results)
            _work(tokens, read_end, write_end, chunks, sources, check_one)
        os.close(write_end)
        self.pid, self.fd = pid, read_end

    def results(self) -> Results:
        """The worker's results by chunk (nothing if it failed or never started)."""
        if self.fd is None:
            return {}
        with open(self.fd, "rb") as pipe:
            self.fd = None
            data = pipe.read()
        if self._wait() != 0:
            return {}
        import pickle

        try:
            found = pickle.loads(data)
        except Exception:  # noqa: BLE001 - a broken answer: its chunks are checked again here
            return {}
        return found if isinstance(found, dict) else {}

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
    tokens: int,
    read_end: int,
    write_end: int,
    chunks: list[range],
    sources: Sequence[Any],
    check_one: Callable[[Any], Any],
) -> None:  # pragma: no cover - runs in the worker
    code = 1
    try:
        os.close(read_end)
        done: Results = {}
        while (k := _take(tokens)) is not None:
            done[k] = [check_one(sources[i]) for i in chunks[k]]
        import pickle

        data = pickle.dumps(done, pickle.HIGHEST_PROTOCOL)
        with open(write_end, "wb") as pipe:
            pipe.write(data)
        code = 0
    except BaseException:  # noqa: BLE001, S110 - the command checks these chunks itself
        pass
    finally:
        os._exit(code)


def _share_out(count: int) -> int | None:
    """A pipe holding the numbers 0 to ``count - 1`` (its writing end closed): its reading end,
    or None where no pipe can be made."""
    try:
        read_end, write_end = os.pipe()
    except OSError:
        return None
    try:
        os.set_blocking(write_end, False)  # a full pipe is an error here, never a wait
        data = memoryview(b"".join(k.to_bytes(TOKEN, "little") for k in range(count)))
        while data:  # at most MAX_CHUNKS numbers: one page
            data = data[os.write(write_end, data) :]
    except OSError:  # BlockingIOError included: the command checks everything itself
        os.close(read_end)
        return None
    finally:
        os.close(write_end)
    return read_end


def check_all(sources: Sequence[Any], jobs: int, check_one: Callable[[Any], Any]) -> Iterator[Any]:
    """``check_one(source)`` of every source, in order, on ``jobs`` processes."""
    if jobs <= 1:
        yield from map(check_one, sources)
        return
    chunks = chunks_of(len(sources), jobs)
    tokens = _share_out(len(chunks))
    if tokens is None:
        yield from map(check_one, sources)
        return
    for stream in (sys.stdout, sys.stderr):  # nothing buffered is written twice
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass
    workers: list[_Worker] = []
    done: Results = {}
    reported = 0  # the chunks before this one are reported
    try:
        workers = [_Worker(tokens, chunks, sources, check_one) for _ in range(jobs - 1)]
        while (k := _take(tokens)) is not None:
            done[k] = [check_one(sources[i]) for i in chunks[k]]
            while reported in done:
                yield from done.pop(reported)
                reported += 1
        for worker in workers:
            done.update(worker.results())
        for k in range(reported, len(chunks)):
            found = done.pop(k, None)
            if not isinstance(found, list) or len(found) != len(chunks[k]):
                found = [check_one(sources[i]) for i in chunks[k]]  # its worker failed
            yield from found
    finally:
        os.close(tokens)
        for worker in workers:
            worker.stop()
