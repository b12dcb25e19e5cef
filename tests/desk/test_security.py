"""Tests of desk.security: tokens and their hashes, constant-time comparison, the sign-in
limiter's sliding window."""

from __future__ import annotations

import pytest

from desk.security import RateLimit, SignInLimiter, new_token, same_token, token_hash


def test_tokens_are_random_and_kept_only_as_hashes() -> None:
    first, second = new_token(), new_token()
    assert first != second
    assert len(token_hash(first)) == 64
    assert token_hash(first) != first


@pytest.mark.parametrize(
    ("given", "expected", "same"),
    [("abc", "abc", True), ("abc", "abd", False), ("", "", False), (None, "abc", False)],
)
def test_same_token(given: str | None, expected: str, same: bool) -> None:
    assert same_token(given, expected) is same


def test_the_limiter_blocks_after_the_allowance_until_the_window_passes() -> None:
    now = [100.0]
    limiter = SignInLimiter(RateLimit(2, 60.0), clock=lambda: now[0])
    limiter.failed("name:li", "addr:1")
    assert limiter.blocked("name:li", "addr:1") == 0
    limiter.failed("name:li", "addr:1")
    assert limiter.blocked("name:li") == pytest.approx(60.0)
    assert limiter.blocked("addr:1") == pytest.approx(60.0)
    assert limiter.blocked("name:wang") == 0
    now[0] = 161.0
    assert limiter.blocked("name:li", "addr:1") == 0


def test_a_success_clears_the_name_but_not_the_address() -> None:
    limiter = SignInLimiter(RateLimit(1, 60.0), clock=lambda: 0.0)
    limiter.failed("name:li", "addr:1")
    limiter.succeeded("name:li")
    assert limiter.blocked("name:li") == 0
    assert limiter.blocked("addr:1") > 0


def test_a_rate_limit_must_allow_something() -> None:
    with pytest.raises(ValueError, match="must be positive"):
        RateLimit(0, 60.0)
