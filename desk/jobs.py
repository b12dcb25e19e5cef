"""Plans running off the request: a process pool (spawned processes, so the server's threads
and connections are not copied) runs ``desk.planning.run_plan_request`` or
``desk.replanning.run_replan_request``; the board keeps each run's progress file, its future
and who asked."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from desk.planning import PlanOutcome

R = TypeVar("R")

KEPT_JOBS = 50


@dataclass(frozen=True, slots=True)
class Job:
    """One plan run of the desk."""

    id: str
    user: str
    title: str
    started: dt.datetime
    progress: Path
    future: Future[PlanOutcome]

    @property
    def done(self) -> bool:
        """Whether it has finished (either way)."""
        return self.future.done()


class JobBoard:
    """The pool and the runs it was given (the latest ``KEPT_JOBS``).

    Parameters
    ----------
    workers
        Plans run at once. Default 1.
    """

    def __init__(self, workers: int = 1) -> None:
        self._workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self._workers, mp_context=multiprocessing.get_context("spawn")
            )
        return self._pool

    def submit(
        self,
        job_id: str,
        work: Callable[[R], PlanOutcome],
        request: R,
        *,
        progress: Path,
        user: str,
        title: str,
    ) -> Job:
        """Queue ``work(request)`` (a module-level function: it is pickled to the worker)."""
        with self._lock:
            future = self._executor().submit(work, request)
            job = Job(job_id, user, title, dt.datetime.now(dt.UTC), progress, future)
            self._jobs[job_id] = job
            while len(self._jobs) > KEPT_JOBS:
                self._jobs.popitem(last=False)
        return job

    def get(self, job_id: str) -> Job | None:
        """The run ``job_id`` (None: unknown or forgotten)."""
        with self._lock:
            return self._jobs.get(job_id)

    def outcome(self, job_id: str) -> PlanOutcome | None:
        """What the run did, once finished (a crashed worker is an internal failure)."""
        job = self.get(job_id)
        if job is None or not job.done:
            return None
        try:
            return job.future.result()
        except Exception:
            return PlanOutcome(failure="the planning process stopped (see the server log)")

    def recent(self) -> tuple[Job, ...]:
        """The runs kept, newest first."""
        with self._lock:
            return tuple(reversed(self._jobs.values()))

    def shutdown(self) -> None:
        """Stop the pool: queued plans are cancelled, running ones stopped with their process
        (nothing half-saved: a version is saved in one transaction)."""
        if self._pool is None:
            return
        # The pool's processes (a private attribute: the executor has no public way to stop a
        # running call) are ended after the pool stops taking work.
        processes = list((getattr(self._pool, "_processes", None) or {}).values())
        self._pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.terminate()
            process.join(timeout=10)
        self._pool = None
