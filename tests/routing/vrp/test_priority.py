"""routing.vrp.priority: an unserved shipment displaces lower-priority ones, by hand."""

from __future__ import annotations

from dispatch.charters.bus_problem import day_network
from dispatch.charters.fleet import check_fleet
from dispatch.supply.truck_problem import (
    SupplyProblem,
    SupplyRules,
    build_supply_problem,
    full_shift,
    supply_travel,
)
from routing.network.speed import Profile
from routing.vrp.priority import prefer_priority
from routing.vrp.problem import Route
from routing.vrp.schedule import Visit, build_route
from routing.vrp.servability import servable
from tests.supply_cases import shipment, supply_day, truck
from tests.town_cases import grid_town, node


def rivals(trucks: int) -> SupplyProblem:
    """Necessities A (west → east) and epidemic supplies B (north road), both 08:00–08:40:
    one truck serves only one of them (see tests/test_supply.rival_loads)."""
    day = supply_day(
        [
            shipment("A", node(0), node(5), "necessities", 1.0, ready="08:00", due="08:40"),
            shipment(
                "B", node(0, 1), node(5, 1), "epidemic_supplies", 1.0, ready="08:00", due="08:40"
            ),
        ],
        [truck(f"T{k}", 10.0) for k in range(1, trucks + 1)],
    )
    travel = supply_travel(day, day_network(day, grid_town()))
    whole = [(u, full_shift(day, u)) for u in check_fleet(day).trucks]
    return build_supply_problem(
        day,
        list(day.shipments),
        whole,
        travel,
        profile=Profile.TRUCK_PRIORITY,
        rules=SupplyRules(),
    )


def serving(supply: SupplyProblem, vehicle: int, job_id: str) -> Route:
    """The route of ``vehicle`` serving only ``job_id``."""
    problem = supply.problem
    job = next(j for j in problem.jobs if j.job_id == job_id)
    route = build_route(problem, problem.vehicles[vehicle], [Visit(job, True), Visit(job, False)])
    assert route is not None
    return route


def served(routes: list[Route]) -> set[str]:
    return {s.job_id for r in routes for s in r.stops if s.job_id is not None}


def test_the_epidemic_supplies_take_the_truck_of_the_necessities() -> None:
    supply = rivals(1)
    problem = supply.problem
    routes = prefer_priority(problem, [serving(supply, 0, "A")], ["B"], servable(problem))
    assert served(routes) == {"B"}


def test_the_displaced_load_goes_to_an_idle_truck() -> None:
    supply = rivals(2)
    problem = supply.problem
    routes = prefer_priority(problem, [serving(supply, 0, "A")], ["B"], servable(problem))
    assert served(routes) == {"A", "B"}


def test_a_lower_priority_job_never_displaces_a_higher_one() -> None:
    supply = rivals(1)
    problem = supply.problem
    routes = prefer_priority(problem, [serving(supply, 0, "B")], ["A"], servable(problem))
    assert served(routes) == {"B"}
