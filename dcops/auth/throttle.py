"""Login throttling: failed sign-ins are counted per username and per client address in moving windows that grow
longer (5 a minute, 10 in 15 minutes, 20 an hour, 50 a day for one account), so guessing slows down the more it
fails, and a flood costs no password hashing: a throttled attempt is answered before any hash is computed.

Counting uses `limits` (memory storage per worker by default; `DCOPS_LOGIN_THROTTLE_STORAGE=redis://…` shares the
counts between workers and hosts). Password hashing itself runs one at a time per worker (`hashing`): argon2 is
slow on purpose, and a burst of sign-ins must queue instead of taking every core the door needs.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

PER_ACCOUNT = parse_many("5/minute;10/15 minutes;20/hour;50/day")
PER_ADDRESS = parse_many("30/minute;100/hour;500/day")

_HASHING = threading.BoundedSemaphore(1)


@contextmanager
def hashing() -> Iterator[None]:
    """One argon2 computation at a time in this worker (argon2-cffi releases the GIL while it works)."""
    with _HASHING:
        yield


@dataclass(frozen=True)
class Wait:
    seconds: int
    reason: str  # "account" | "address"


class LoginThrottle:
    def __init__(self, storage_uri: str = "memory://") -> None:
        self.limiter = MovingWindowRateLimiter(storage_from_string(storage_uri))

    def _keys(self, username: str, address: str) -> list[tuple[RateLimitItem, str, str]]:
        account = username.strip().lower()[:64]
        by_account = [(limit, "account", account) for limit in PER_ACCOUNT]
        return by_account + [(limit, "address", address) for limit in PER_ADDRESS]

    def wait(self, username: str, address: str) -> Wait | None:
        """How long before this account may try again from this address, or None when it may now."""
        return self._longest(self._keys(username, address))

    def address_wait(self, address: str) -> Wait | None:
        """The address alone: asked before the request is even read, so a flood from one address costs nothing."""
        return self._longest([(limit, "address", address) for limit in PER_ADDRESS])

    def _longest(self, keys: list[tuple[RateLimitItem, str, str]]) -> Wait | None:
        longest: Wait | None = None
        for limit, kind, key in keys:
            if not self.limiter.test(limit, "login", kind, key):
                reset = self.limiter.get_window_stats(limit, "login", kind, key).reset_time
                seconds = max(1, math.ceil(reset - time.time()))
                if longest is None or seconds > longest.seconds:
                    longest = Wait(seconds, kind)
        return longest

    def failed(self, username: str, address: str) -> None:
        for limit, kind, key in self._keys(username, address):
            self.limiter.hit(limit, "login", kind, key)

    def succeeded(self, username: str) -> None:
        """A right password clears the account's count (the address keeps its own)."""
        account = username.strip().lower()[:64]
        for limit in PER_ACCOUNT:
            self.limiter.clear(limit, "login", "account", account)


def refusal_page(wait: Wait) -> bytes:
    """The whole answer to a throttled sign-in from a flooding address: small, static, no template."""
    return (
        "<!doctype html><html lang=en><meta charset=utf-8><title>Too many sign-ins · dcops</title>"
        f"<p>Too many failed sign-ins from this network address. Try again in {wait.seconds} seconds."
        '<p><a href="/login">Sign in</a></html>'
    ).encode()
