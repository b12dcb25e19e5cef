"""Sessions, CSRF tokens and the sign-in rate limit of the desk: random tokens, only their
SHA-256 kept in the store, constant-time comparison, a sliding window of failed sign-ins."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass

SESSION_COOKIE = "desk_session"
LOGIN_COOKIE = "desk_login"  # the CSRF token of the sign-in form (double-submit)
CSRF_FIELD = "csrf"


def new_token() -> str:
    """A random URL-safe token (256 bits)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """The SHA-256 (hex) the store keeps instead of a session token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same_token(given: str | None, expected: str | None) -> bool:
    """Whether a token sent with a form is the expected one (constant time; empty never)."""
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


@dataclass(frozen=True, slots=True)
class RateLimit:
    """At most ``attempts`` failed sign-ins per ``window_s`` seconds, per name and per address.

    Parameters
    ----------
    attempts
        Failed sign-ins allowed in the window. Default 5.
    window_s
        The window in seconds. Default 300.
    """

    attempts: int = 5
    window_s: float = 300.0

    def __post_init__(self) -> None:
        if self.attempts < 1 or self.window_s <= 0:
            raise ValueError(f"rate limit {self.attempts}/{self.window_s}s must be positive")


class SignInLimiter:
    """Counts failed sign-ins per key (``name:…``, ``addr:…``) in a sliding window.

    Parameters
    ----------
    limit
        The allowance.
    clock
        Seconds, monotonic. Default ``time.monotonic``.
    """

    def __init__(self, limit: RateLimit, clock: Callable[[], float] = time.monotonic) -> None:
        self._limit = limit
        self._clock = clock
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        failures = self._failures[key]
        while failures and failures[0] <= now - self._limit.window_s:
            failures.popleft()
        return failures

    def blocked(self, *keys: str) -> float:
        """Seconds until any of ``keys`` may try again (0: it may now)."""
        now = self._clock()
        wait = 0.0
        with self._lock:
            for key in keys:
                failures = self._recent(key, now)
                if len(failures) >= self._limit.attempts:
                    wait = max(wait, failures[0] + self._limit.window_s - now)
        return wait

    def failed(self, *keys: str) -> None:
        """Count a failed sign-in against every key."""
        now = self._clock()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)

    def succeeded(self, name_key: str) -> None:
        """A successful sign-in clears the name's failures (not the address's)."""
        with self._lock:
            self._failures.pop(name_key, None)
