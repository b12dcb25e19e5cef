"""Writing outputs whole or not at all, one writer at a time, never through a link.

* :func:`output_lock` — a lock file beside the target (``.<name>.lock``, ``flock``, released
  by the kernel when the process dies): a second writer of the same plan folder, run folder
  or file fails at once with an input error naming the target (exit code 2). Re-entrant in
  the thread that holds it, so a command can take it before planning and the writer again.
* :func:`replaced_folder` — a new folder is written beside the target
  (``.<name>.charter-new-…``) and swapped in whole: one ``renameat2(RENAME_EXCHANGE)`` where
  the system has it (Linux), else two renames. A process killed at any moment leaves the
  previous complete folder or the new complete one; nothing of an earlier folder survives in
  a new one (truck CSVs of an older day, a ``plan.json`` that is a link to elsewhere).
* :func:`replaced_file` — a file written under a temporary name beside it and renamed over
  it (a link at the path is replaced, its target never written).

Leftovers of a killed writer (``.<name>.charter-…``) are removed by the next writer, under the
lock. New files and folders get the usual permissions (``0o666``/``0o777`` less the umask).
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import logging
import os
import secrets
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from stations.errors import InputError, InputProblem

logger = logging.getLogger(__name__)

LOCK_SUFFIX = ".lock"
NEW_MARK = ".charter-new-"
OLD_MARK = ".charter-old-"
_RENAME_EXCHANGE = 2  # linux/fs.h
_AT_FDCWD = -100

_held: dict[tuple[Path, int], int] = {}  # (lock file, thread) → depth: re-entry in one thread
_held_guard = threading.Lock()


def absolute(path: Path) -> Path:
    """``path`` made absolute without following a link at its end (``..`` resolved by name)."""
    return Path(os.path.abspath(path))  # noqa: PTH100 (resolve() would follow a link)


def lock_path(target: Path) -> Path:
    """The lock file of ``target``: ``.<name>.lock`` beside it."""
    target = absolute(target)
    return target.parent / f".{target.name}{LOCK_SUFFIX}"


def _refusal(target: Path, message: str, fix: str) -> InputError:
    return InputError(InputProblem(str(target), None, None, None, message, fix))


def _busy(target: Path, holder: str) -> InputError:
    who = f" (process {holder})" if holder.isdigit() else ""
    fix = "wait for it to finish, or write to another place (--out)"
    return _refusal(target, f"is being written by another charter run{who}", fix)


def _cannot_write(target: Path, error: OSError) -> InputError:
    fix = "give a place in a folder you may write to (--out), or fix its permissions"
    return _refusal(target, f"cannot be written: {error.strerror or error}", fix)


@contextmanager
def output_lock(target: Path) -> Iterator[Path]:
    """Hold the lock of ``target`` (its folder is created if missing).

    Raises
    ------
    InputError
        If another process (or thread) holds it, or its folder cannot be written.
    """
    lock = lock_path(target)
    key = (lock, threading.get_ident())
    with _held_guard:
        depth = _held.get(key, 0)
        if depth:
            _held[key] = depth + 1
    if depth:
        try:
            yield lock
        finally:
            with _held_guard:
                _held[key] -= 1
        return
    descriptor = _acquire(lock, absolute(target))
    with _held_guard:
        _held[key] = 1
    try:
        yield lock
    finally:
        with _held_guard:
            del _held[key]
        lock.unlink(missing_ok=True)  # while still held: the next writer makes a new one
        os.close(descriptor)


def _acquire(lock: Path, target: Path) -> int:
    """Open and flock the lock file; retry when it was replaced while we waited."""
    try:
        lock.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise _cannot_write(target, error) from None
    while True:
        try:
            descriptor = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
        except OSError as error:
            raise _cannot_write(target, error) from None
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(descriptor, 32, 0).decode("ascii", "replace").strip()
            os.close(descriptor)
            raise _busy(target, holder) from None
        try:
            same = os.fstat(descriptor).st_ino == lock.lstat().st_ino
        except FileNotFoundError:
            same = False
        if same:
            os.ftruncate(descriptor, 0)
            os.pwrite(descriptor, str(os.getpid()).encode("ascii"), 0)
            return descriptor
        os.close(descriptor)  # the holder removed it as we opened it: take the new one


def clear_leftovers(target: Path) -> None:
    """Remove what killed writers of ``target`` left beside it (hold the lock)."""
    target = absolute(target)
    prefixes = (f".{target.name}{NEW_MARK}", f".{target.name}{OLD_MARK}")
    if not target.parent.is_dir():
        return
    for entry in target.parent.iterdir():
        if entry.name.startswith(prefixes):
            logger.info("removing %s, left by a writer that did not finish", entry)
            _remove(entry)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _fresh_name(target: Path, mark: str) -> Path:
    return target.parent / f".{target.name}{mark}{secrets.token_hex(6)}{target.suffix}"


def _exchange(a: Path, b: Path) -> bool:
    """Swap ``a`` and ``b`` atomically (Linux ``renameat2``); False where not supported."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    done = renameat2(
        _AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), ctypes.c_uint(_RENAME_EXCHANGE)
    )
    if done == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def swap_in(staging: Path, target: Path) -> None:
    """Put the folder ``staging`` at ``target`` in one step, and remove what was there."""
    if not os.path.lexists(target):
        staging.rename(target)
        return
    if _exchange(staging, target):
        _remove(staging)  # now the old folder (or whatever was at the target)
        return
    retired = _fresh_name(target, OLD_MARK)
    target.rename(retired)
    staging.rename(target)
    _remove(retired)


@contextmanager
def _staged(target: Path, make: Callable[[Path], None]) -> Iterator[Path]:
    """Under the lock of ``target``: a new entry beside it (``make`` creates it), removed
    again if the block raises."""
    with output_lock(target):
        clear_leftovers(target)
        staging = _fresh_name(target, NEW_MARK)
        try:
            make(staging)
        except OSError as error:
            raise _cannot_write(target, error) from None
        try:
            yield staging
        except BaseException:
            _remove(staging)
            raise


def _new_file(path: Path) -> None:
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o666))


@contextmanager
def replaced_folder(target: Path) -> Iterator[Path]:
    """A new, empty folder beside ``target`` that replaces it whole when the block ends
    without an error (and is removed when it raises). Holds the lock meanwhile.

    Raises
    ------
    InputError
        If another writer holds ``target``, or its folder cannot be written.
    """
    target = absolute(target)
    with _staged(target, lambda path: path.mkdir(0o777)) as staging:
        yield staging
        swap_in(staging, target)


def replaced_file(target: Path, write: Callable[[Path], object]) -> Path:
    """Write ``target`` whole: ``write(path)`` fills a new file beside it, which is then
    renamed over ``target`` (a link there is replaced, never followed). Holds the lock.

    Raises
    ------
    InputError
        If another writer holds ``target``, or its folder cannot be written.
    """
    target = absolute(target)
    with _staged(target, _new_file) as staging:
        write(staging)
        staging.replace(target)
    return target
