"""Tests for stations.errors: problems, the collector and the error/warning types."""

from __future__ import annotations

import pickle

import pytest

from stations.errors import InputError, InputProblem, InputWarning, ProblemCollector, SnapWarning


@pytest.fixture
def seats_problem() -> InputProblem:
    """Row 3 of fleet.csv has negative seats."""
    return InputProblem("fleet.csv", 3, "seats", "-4", "is negative", "give the number of seats")


def test_problem_text_names_table_row_column_value_and_fix(seats_problem: InputProblem) -> None:
    assert str(seats_problem) == (
        "fleet.csv row 3: `seats` '-4' is negative — fix: give the number of seats"
    )


@pytest.mark.parametrize(
    ("problem", "text"),
    [
        (
            InputProblem("fleet.csv", None, "seats", None, "is missing", "add it"),
            "fleet.csv: `seats` is missing — fix: add it",
        ),
        (
            InputProblem("day.xlsx[fleet]", 7, None, None, "is not a valid row", "correct the row"),
            "day.xlsx[fleet] row 7 is not a valid row — fix: correct the row",
        ),
        (
            InputProblem("fleet.csv", None, None, None, "cannot be read", "check the file"),
            "fleet.csv cannot be read — fix: check the file",
        ),
    ],
)
def test_problem_text_leaves_out_what_is_not_known(problem: InputProblem, text: str) -> None:
    assert str(problem) == text


def test_input_error_lists_every_problem(seats_problem: InputProblem) -> None:
    other = InputProblem("fleet.csv", 5, "class", "plane", "is not one of bus, truck", "give bus")
    error = InputError([seats_problem, other])
    assert error.problems == (seats_problem, other)
    assert str(error) == (
        "2 input problems:\n"
        "- fleet.csv row 3: `seats` '-4' is negative — fix: give the number of seats\n"
        "- fleet.csv row 5: `class` 'plane' is not one of bus, truck — fix: give bus"
    )


def test_input_error_from_one_problem_or_a_message(seats_problem: InputProblem) -> None:
    assert InputError(seats_problem).problems == (seats_problem,)
    error = InputError("the day folder is empty")
    assert str(error).startswith("1 input problem:\n- input the day folder is empty")
    assert error.problems[0].fix == "correct the input"


def test_input_error_is_a_value_error_and_survives_pickling(seats_problem: InputProblem) -> None:
    """Errors raised in a Dask worker come back pickled: the problems must come back too."""
    error = InputError([seats_problem])
    assert isinstance(error, ValueError)
    back = pickle.loads(pickle.dumps(error))
    assert isinstance(back, InputError)
    assert back.problems == (seats_problem,)
    assert str(back) == str(error)


def test_collector_raises_once_with_everything(seats_problem: InputProblem) -> None:
    problems = ProblemCollector()
    problems.raise_if_any()  # nothing yet: no error
    problems.add("fleet.csv", 2, "seats", 0, "is zero", "give the number of seats")
    problems.add("fleet.csv", 4, "seats", None, "is empty", "fill it in")
    problems.extend([seats_problem])
    assert len(problems) == 3
    assert problems.problems[0].value == "0"  # values are kept as text
    assert problems.problems[1].value is None
    with pytest.raises(InputError, match=r"^3 input problems:") as raised:
        problems.raise_if_any()
    assert [p.row for p in raised.value.problems] == [2, 4, 3]


def test_warnings_are_user_warnings() -> None:
    assert issubclass(InputWarning, UserWarning)
    assert issubclass(SnapWarning, InputWarning)
    with pytest.warns(InputWarning, match="snapped 800 m"):
        import warnings

        warnings.warn("depot D1 snapped 800 m to the road", SnapWarning, stacklevel=1)
