"""Atomic file writes, one rule for every write (``dump``, ``-o``, ``--in-place``)."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path


def check_target(path: str | os.PathLike[str]) -> os.stat_result | None:
    """Whether :func:`write_atomic` may write ``path``: its status, or None if it does not exist.

    One rule for every write (``dump``, ``-o``, ``--in-place``): symlinks are followed (the file
    a link points to is replaced, the link stays); that file must be a regular file or not exist
    yet; a directory, device node, FIFO or socket is refused, never replaced; so is a file with
    more than one hard link, because an atomic replace would split the links. Raises OSError
    naming ``path``.
    """
    name = os.fspath(path)
    try:
        info = os.stat(name)  # follows symlinks, /proc/self/fd/N magic links too
    except FileNotFoundError:
        return None
    mode = info.st_mode
    if not stat.S_ISREG(mode):
        kind = _kind(mode)
        raise OSError(
            errno.EISDIR if stat.S_ISDIR(mode) else errno.EINVAL,
            f"is a {kind}, not a regular file: only regular files are written "
            "(write to standard output instead)",
            name,
        )
    if info.st_nlink == 0:  # e.g. /proc/self/fd/N of a deleted file: no name to replace
        raise OSError(errno.ENOENT, "names a deleted file: nothing to replace", name)
    if info.st_nlink > 1:
        raise OSError(
            errno.EMLINK,
            f"has {info.st_nlink} hard links: replacing it atomically would split them; write "
            "to another file (or to standard output) and copy it over",
            name,
        )
    return info


def _kind(mode: int) -> str:
    for test, words in (
        (stat.S_ISDIR, "directory"),
        (stat.S_ISFIFO, "FIFO (named pipe)"),
        (stat.S_ISCHR, "character device"),
        (stat.S_ISBLK, "block device"),
        (stat.S_ISSOCK, "socket"),
    ):
        if test(mode):
            return words
    return "special file"


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see either the old file or the whole new one.

    The data goes to a temporary file in the target's folder, is flushed to disk, then renamed
    over the target (see :func:`check_target` for which targets are refused). A replaced file
    keeps its mode, owner and group (if the owner cannot be kept the write is refused rather
    than locking the owner out); a new file gets the mode ``open()`` would give it
    (0666 minus the umask). On any failure, or an exception such as KeyboardInterrupt, the
    temporary file is removed and the target is untouched.
    """
    name = os.fspath(path)
    info = check_target(name)
    target = Path(os.path.realpath(name))
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as err:  # e.g. a read-only folder: name the target, not a temporary name
        raise type(err)(err.errno, err.strerror, name) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if info is None:
                os.fchmod(fd, 0o666 & ~_umask())
            else:
                _keep_owner(fd, info, name)
                os.fchmod(fd, stat.S_IMODE(info.st_mode))
            os.fsync(fd)
        check_target(name)  # again, just before the rename: still not a device, FIFO, link set
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _sync_folder(target.parent)


def _keep_owner(fd: int, info: os.stat_result, name: str) -> None:
    mine = os.fstat(fd)
    if (mine.st_uid, mine.st_gid) == (info.st_uid, info.st_gid):
        return
    try:
        os.fchown(fd, info.st_uid, info.st_gid)
    except PermissionError:
        raise PermissionError(
            errno.EPERM,
            f"cannot keep its owner and group ({info.st_uid}:{info.st_gid}) in a replacement; "
            "refusing to replace it",
            name,
        ) from None


def _sync_folder(folder: Path) -> None:
    """Make the rename durable (best effort: not every file system lets a folder be synced)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
