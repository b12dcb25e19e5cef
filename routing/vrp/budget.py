"""The budget of one solve: a wall-clock deadline and deterministic effort units, shared by phases.

Every backend spends the same two things: time up to ``SolveParams.time_limit_s`` from the
start of the solve, and — when ``SolveParams.effort`` is set — a count of search steps that
makes the answer reproducible for a seed whatever the machine's speed. A backend measures effort
in its own steps (OR-Tools solutions, PyVRP iterations, chaining pool iterations), so it builds
its ``Budget`` with ``effort`` already scaled to them. Phases ask for a share of what is left;
work that must happen after the search (timing routes, repair) reserves its time by moving the
deadline earlier.
"""

from __future__ import annotations

import math
import time

from routing.vrp.problem import SolveParams

MIN_PHASE_S = 0.05  # no phase is given less wall-clock time than this


class Budget:
    """Wall-clock time and effort left for the remaining phases of one solve.

    Parameters
    ----------
    time_limit_s
        Seconds from ``started`` to the hard end of the solve.
    effort
        Effort units (the backend's own search steps) for the whole solve. Default None
        (time only).
    started
        ``time.monotonic()`` at the start of the solve. Default now.
    min_phase_s
        No phase gets less wall-clock time than this, and the time counts as used up when
        less is left. Default ``MIN_PHASE_S``.
    """

    def __init__(
        self,
        time_limit_s: float,
        effort: float | None = None,
        *,
        started: float | None = None,
        min_phase_s: float = MIN_PHASE_S,
    ) -> None:
        self.started = time.monotonic() if started is None else started
        self.end = self.started + time_limit_s
        self.deadline = self.end
        self.effort = effort
        self.min_phase_s = min_phase_s

    @classmethod
    def of(
        cls,
        params: SolveParams,
        *,
        started: float | None = None,
        steps_per_effort: float = 1.0,
        min_phase_s: float = MIN_PHASE_S,
    ) -> Budget:
        """The budget of ``params``, effort counted in ``steps_per_effort`` steps per unit."""
        effort = None if params.effort is None else params.effort * steps_per_effort
        return cls(params.time_limit_s, effort, started=started, min_phase_s=min_phase_s)

    # ----------------------------------------------------------------------- time

    def left_s(self) -> float:
        """Seconds to the deadline (negative once past it)."""
        return self.deadline - time.monotonic()

    def seconds(self, share: float = 1.0) -> float:
        """Wall-clock time for a phase with ``share`` of what is left (at least ``min_phase_s``)."""
        return max(self.min_phase_s, self.left_s() * share)

    def reserve(self, seconds: float) -> None:
        """Keep at least ``seconds`` before the end for the work after the search."""
        self.deadline = min(self.deadline, self.end - seconds)

    def out_of_time(self, margin: float | None = None) -> bool:
        """Whether less than ``margin`` (default ``min_phase_s``) seconds are left."""
        margin = self.min_phase_s if margin is None else margin
        return time.monotonic() >= self.deadline - margin

    def past_end(self) -> bool:
        """Whether the hard end of the solve (``started`` + the time limit) has passed."""
        return time.monotonic() >= self.end

    # ----------------------------------------------------------------------- effort

    @property
    def steps_left(self) -> float:
        """Effort steps left (infinite without an effort budget)."""
        return math.inf if self.effort is None else self.effort

    def portion(self, share: float = 1.0) -> int | None:
        """``share`` of the effort left (at least 1 step), not yet spent; None without effort."""
        return None if self.effort is None else max(1, int(self.effort * share))

    def take(self, share: float = 1.0) -> int | None:
        """``portion(share)``, spent at once."""
        steps = self.portion(share)
        self.spend(steps)
        return steps

    def spend(self, steps: float | None = 1) -> None:
        """Count ``steps`` as done."""
        if self.effort is not None and steps is not None:
            self.effort -= steps

    def effort_spent(self) -> bool:
        """Whether an effort budget exists and is used up."""
        return self.effort is not None and self.effort <= 0

    def searching(self) -> bool:
        """Whether a search step may start: effort left and the deadline not reached."""
        return not self.effort_spent() and not self.out_of_time(0.0)

    def exhausted(self, margin: float | None = None) -> bool:
        """Whether the time (less ``margin``, default ``min_phase_s``) or the effort is used up."""
        return self.out_of_time(margin) or self.effort_spent()
