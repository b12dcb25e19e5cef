"""Work beside the search: a computation run on the second core while the plan is made.

``Background.start(function, *args)`` runs ``function(*args)`` in a forked child process (the
machine has two cores, and a process does not share the interpreter lock with the search), or
in a thread where a process may not have children (a daemonic Dask worker) or cannot fork.
``result()`` waits for it and returns its value, or raises what it raised. The function must
be deterministic: where it ran never changes what it returns. ``cancel()`` ends it (a plan
interrupted or failed); the context manager cancels on the way out unless the result was
taken.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import signal
import sys
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from types import TracebackType
from typing import Generic, TypeVar, cast

logger = logging.getLogger(__name__)

Result = TypeVar("Result")


def _child(function: Callable[..., object], args: tuple[object, ...], out: Connection) -> None:
    """Run in the forked child: send ``(True, value)`` or ``(False, exception)``. Ctrl-C is
    the parent's to handle (it ends the child), so the child ignores it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    outcome: tuple[bool, object]
    try:
        outcome = (True, function(*args))
    except Exception as error:  # handed back to the parent to raise
        outcome = (False, error)
    with contextlib.suppress(OSError):  # the parent stopped listening: nothing to tell
        out.send(outcome)
    out.close()


class Background(Generic[Result]):
    """A computation started beside the caller (see the module docstring)."""

    def __init__(self, function: Callable[..., Result], args: tuple[object, ...]) -> None:
        self._function = function
        self._args = args
        self._outcome: tuple[bool, object] | None = None
        self._process: multiprocessing.process.BaseProcess | None = None
        self._pipe: Connection | None = None
        self._thread: threading.Thread | None = None

    @classmethod
    def start(cls, function: Callable[..., Result], *args: object) -> Background[Result]:
        """Start ``function(*args)`` in a forked process, else in a thread."""
        job = cls(function, args)
        if not multiprocessing.current_process().daemon:
            for stream in (sys.stdout, sys.stderr):  # or the child flushes them once more
                stream.flush()
            try:
                context = multiprocessing.get_context("fork")
                receive, send = context.Pipe(duplex=False)
                process = context.Process(target=_child, args=(function, args, send), daemon=True)
                process.start()
            except (OSError, ValueError) as error:  # no fork here: run in a thread instead
                logger.debug("background: no process (%s), a thread instead", error)
            else:
                send.close()
                job._process, job._pipe = process, receive
                return job
        job._thread = threading.Thread(target=job._run_here, daemon=True)
        job._thread.start()
        return job

    def _run_here(self) -> None:
        try:
            self._outcome = (True, self._function(*self._args))
        except Exception as error:  # raised again by ``result``
            self._outcome = (False, error)

    def result(self) -> Result:
        """Wait for the computation; its value (or the exception it raised)."""
        if self._outcome is None:
            if self._pipe is not None and self._process is not None:
                try:
                    self._outcome = self._pipe.recv()
                except EOFError as error:  # the child died without an answer
                    raise RuntimeError(
                        f"background computation ended with exit code {self._process.exitcode}"
                    ) from error
                finally:  # interrupted while waiting (Ctrl-C): end the child, do not wait
                    self._pipe.close()
                    if self._outcome is None and self._process.is_alive():
                        self._process.terminate()
                    self._process.join()
            elif self._thread is not None:
                self._thread.join()
        if self._outcome is None:  # pragma: no cover - both paths set it
            raise RuntimeError("background computation gave no result")
        ok, value = self._outcome
        if not ok and isinstance(value, BaseException):
            raise value
        return cast(Result, value)

    def cancel(self) -> None:
        """End the computation if it still runs in a process (a thread is left to finish:
        it is a daemon and its result is dropped)."""
        if self._process is not None and self._outcome is None and self._process.is_alive():
            self._process.terminate()
            self._process.join()
        if self._pipe is not None:
            self._pipe.close()

    def __enter__(self) -> Background[Result]:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._outcome is None:
            self.cancel()
