"""Ctrl-C in disguise is still Ctrl-C (charter.interrupts)."""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from charter import interrupts


@pytest.fixture(autouse=True)
def _own_sigint() -> Iterator[None]:
    """Give the test runner its SIGINT handler back."""
    before = signal.getsignal(signal.SIGINT)
    yield
    signal.signal(signal.SIGINT, before)


def _disguised(outer: type[Exception]) -> Exception:
    """``outer`` raised while a KeyboardInterrupt was being handled, as a compiled kernel or
    an interrupted import does."""
    try:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            raise outer("returned a result with an exception set")  # noqa: B904
    except outer as error:
        return error


@pytest.mark.parametrize("outer", [SystemError, ImportError, RuntimeError])
def test_an_error_chained_to_a_keyboard_interrupt_is_an_interrupt(outer: type[Exception]) -> None:
    interrupts.reset()
    interrupts.install()
    assert interrupts.caused_by_interrupt(_disguised(outer))


def test_an_ordinary_error_is_not_an_interrupt() -> None:
    interrupts.reset()
    interrupts.install()
    try:
        raise ValueError("bad")
    except ValueError as error:
        assert not interrupts.caused_by_interrupt(error)


def test_a_swallowed_ctrl_c_is_still_noted_and_checked() -> None:
    """The handler notes the request before raising, so a stage check raises again even when
    the first KeyboardInterrupt was swallowed (a callback from C++, a finaliser)."""
    interrupts.reset()
    interrupts.install()
    with contextlib.suppress(KeyboardInterrupt):  # swallowed, as a C++ callback would
        interrupts._handler(2, None)
    assert interrupts.requested()
    with pytest.raises(KeyboardInterrupt, match=r"^$"):
        interrupts.check()
    assert interrupts.caused_by_interrupt(ValueError("anything after the request"))
    interrupts.install()  # installing again keeps the note (made while importing the CLI)
    assert interrupts.requested()
    interrupts.reset()
    assert not interrupts.requested()


def _unraisable_of(error: BaseException) -> Any:
    """What Python hands its unraisable hook when a finaliser raises ``error``."""
    caught: list[Any] = []
    before = sys.unraisablehook
    sys.unraisablehook = caught.append

    class Finalised:
        def __del__(self) -> None:
            raise error

    try:
        Finalised()  # collected at once: its finaliser's exception is unraisable
    finally:
        sys.unraisablehook = before
    return caught[0]


def test_an_unraisable_ctrl_c_prints_no_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    """Ctrl-C inside a ctypes callback (the compiler's cache notifier) or a finaliser is an
    "unraisable" exception: noted, not printed; any other is printed as before."""
    interrupts._unraisable(_unraisable_of(KeyboardInterrupt()))
    assert capsys.readouterr().err == ""
    interrupts._unraisable(_unraisable_of(ValueError("a real problem")))
    assert "a real problem" in capsys.readouterr().err
