"""The generic vehicle-routing problem and its solver: problem, solve() front door, backends,
repair, bounds, checker."""
