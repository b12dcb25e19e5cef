"""Ctrl-C that cannot be lost: a flag set by the SIGINT handler as well as the exception.

Python turns SIGINT into ``KeyboardInterrupt`` wherever the interpreter happens to be. In a
compiled kernel (numba) it surfaces as ``SystemError``; in an extension module being imported
as ``ImportError``; in a callback from C++ or a finaliser it may be swallowed and the plan goes
on. The command line therefore keeps its own record: ``install`` sets a handler that notes the
request before raising, the planning commands call ``check`` at every stage and before they
write, and ``main`` treats any exception raised after a request — or whose chain holds a
``KeyboardInterrupt`` — as the interruption it is (exit 130, nothing written).
"""

from __future__ import annotations

import signal
import sys
import threading
from types import FrameType

INTERRUPTED = 130  # charter.exitcodes.ExitCode.INTERRUPTED, without importing the CLI

_requested = threading.Event()


def _handler(signum: int, frame: FrameType | None) -> None:
    _requested.set()
    raise KeyboardInterrupt


def _unraisable(unraisable: sys.UnraisableHookArgs) -> None:
    """A Ctrl-C raised where Python cannot propagate it (a ctypes callback of the compiler, a
    finaliser) is noted already and raised again at the next check: no traceback for it."""
    if isinstance(unraisable.exc_value, KeyboardInterrupt):
        return
    sys.__unraisablehook__(unraisable)


def install() -> None:
    """Note every SIGINT before raising ``KeyboardInterrupt`` (main thread only; elsewhere,
    as in a test runner's worker thread, Python's own handling stays). Installing again keeps
    a request already noted (one made while the command line was being imported)."""
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not ignored (`cmd &`)
        signal.signal(signal.SIGINT, _handler)
        sys.unraisablehook = _unraisable


def reset() -> None:
    """Forget a request (for a new command run in the same process, as tests do)."""
    _requested.clear()


def stopped() -> int:
    """Say in one line that the command stopped (a plan folder is written whole or not at
    all) and return exit code 130."""
    sys.stderr.write("interrupted: stopped before finishing; nothing was written\n")
    return INTERRUPTED


def requested() -> bool:
    """Whether Ctrl-C was pressed since ``install``."""
    return _requested.is_set()


def check() -> None:
    """Raise ``KeyboardInterrupt`` if Ctrl-C was pressed, even if something swallowed it."""
    if _requested.is_set():
        raise KeyboardInterrupt


def caused_by_interrupt(error: BaseException) -> bool:
    """Whether ``error`` is Ctrl-C in disguise: raised after a request, or chained to one."""
    if _requested.is_set():
        return True
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, KeyboardInterrupt):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False
