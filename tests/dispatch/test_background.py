"""dispatch.background: a computation beside the caller, in a forked process or a thread."""

from __future__ import annotations

import threading

import pytest

from dispatch.background import Background


def square(x: int) -> int:
    """A deterministic computation to run beside the test."""
    return x * x


def refuse(x: int) -> int:
    """A computation that fails, to see its error come back."""
    raise ValueError(f"no square of {x} today")


def test_a_process_returns_the_value() -> None:
    """The forked child's value comes back through the pipe."""
    with Background.start(square, 12) as job:
        assert job.result() == 144


def test_the_error_of_the_computation_is_raised_by_result() -> None:
    """What the child raised is raised again, with its message."""
    job = Background.start(refuse, 3)
    with pytest.raises(ValueError, match="no square of 3 today"):
        job.result()


def test_a_daemonic_process_runs_it_in_a_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where a process may not have children (a Dask worker), a thread does the work."""
    import multiprocessing

    monkeypatch.setattr(multiprocessing.current_process(), "daemon", True, raising=False)
    before = threading.active_count()
    job = Background.start(square, 5)
    assert job._process is None
    assert job.result() == 25
    assert threading.active_count() <= before + 1


def test_cancel_ends_a_running_child() -> None:
    """A plan that stops early ends the child instead of leaving it running."""
    job = Background.start(threading.Event().wait, 60.0)
    job.cancel()
    assert job._process is not None
    assert not job._process.is_alive()
