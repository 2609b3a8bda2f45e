"""Bearer tokens resolved in the last second, per worker.

An API client's burst of calls then costs one token lookup a second instead of one each, and a revoked token
or a deactivated user is still refused within TTL seconds on every worker: no worker keeps an answer longer.
Only tokens that resolved to a user are kept; an unknown token is looked up every time.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from dcops.auth.service import CurrentUser


class TokenCache:
    TTL = 1.0  # seconds: how late a revocation may take effect
    MAX_ENTRIES = 10_000

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._users: dict[str, tuple[float, CurrentUser]] = {}

    def get(self, token_hash: str) -> CurrentUser | None:
        hit = self._users.get(token_hash)
        if hit is None:
            return None
        expires, user = hit
        if self.clock() >= expires:
            self._users.pop(token_hash, None)
            return None
        return user

    def put(self, token_hash: str, user: CurrentUser) -> None:
        if len(self._users) >= self.MAX_ENTRIES:
            self._users.clear()  # a flood of distinct valid tokens is not a case worth an LRU
        self._users[token_hash] = (self.clock() + self.TTL, user)

    def forget(self, token_hash: str) -> None:
        self._users.pop(token_hash, None)

    def forget_user(self, user_id: int) -> None:
        for key, (_, user) in list(self._users.items()):
            if user.id == user_id:
                self._users.pop(key, None)
