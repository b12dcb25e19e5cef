"""Typed errors of the routing layer (exit code 3 from the CLI, except input problems)."""

from __future__ import annotations

from collections.abc import Sequence


class RoutingError(RuntimeError):
    """The road network or the solver could not produce an answer."""


class UnreachableError(RoutingError):
    """Some points cannot reach each other on the network under the day's exit statuses.

    Parameters
    ----------
    pairs
        ``(from_id, to_id)`` pairs that have no route.
    blocked_by
        Exit ids whose status (closed / freight-only) cuts the only routes, when known.
    """

    def __init__(
        self,
        pairs: Sequence[tuple[str, str]],
        blocked_by: Sequence[str] = (),
        profile: str = "bus",
    ) -> None:
        self.pairs = tuple(pairs)
        self.blocked_by = tuple(blocked_by)
        self.profile = profile
        shown = ", ".join(f"{a} → {b}" for a, b in self.pairs[:10])
        more = f" (and {len(self.pairs) - 10} more)" if len(self.pairs) > 10 else ""
        cause = f"; blocked by exit(s) {', '.join(self.blocked_by)}" if self.blocked_by else ""
        super().__init__(f"no {profile} route for {shown}{more}{cause}")


class SolverError(RoutingError):
    """The solver failed (not merely: some jobs could not be served)."""


class InfeasibleSolutionError(SolverError):
    """A solution breaks the problem's rules (found by the independent checker).

    Parameters
    ----------
    violations
        One readable line per broken rule.
    """

    def __init__(self, violations: Sequence[str]) -> None:
        self.violations = tuple(violations)
        shown = "\n".join(f"- {v}" for v in self.violations[:20])
        more = f"\n(and {len(self.violations) - 20} more)" if len(self.violations) > 20 else ""
        super().__init__(f"{len(self.violations)} rule violation(s):\n{shown}{more}")
