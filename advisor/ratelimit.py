"""Fixed-window counters in the shared cache, for the limits that are not about logins.

Logins are limited by django-axes (``advisor/orgs/login_limits.py``). The rest (share-link
misses, sign-ups, password resets, invitations) count here: at most ``max_hits`` per key in
``window_seconds``. Counts live in the cache, which is Redis in production, so every worker
and host shares them; without Redis each process counts alone, and start-up says so
(``advisor/checks.py``). While Redis does not answer, each process counts alone in the same
way, and logs a warning when it starts to (``advisor/cache.py``).

django-ratelimit was considered: it refuses to start on the per-process cache our
development set-up uses and warns about Django's own Redis cache, and its last release is
from 2023. What we need is the twenty lines below.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True, slots=True)
class Limit:
    name: str
    max_hits: int
    window_seconds: int

    def _key(self, value: str) -> str:
        # Any text may arrive (an email address, an address); cache keys stay short and plain.
        return f"limit:{self.name}:{hashlib.sha256(value.encode()).hexdigest()}"

    def reached(self, value: str) -> bool:
        """Whether ``value`` has used up its hits in the current window."""
        return (cache.get(self._key(value)) or 0) >= self.max_hits

    def hit(self, value: str) -> None:
        """Count one hit for ``value``; the window starts at its first hit."""
        key = self._key(value)
        if not cache.add(key, 1, self.window_seconds):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, self.window_seconds)

    def check_and_hit(self, value: str) -> bool:
        """Count a hit unless the limit is reached; True when the hit was allowed."""
        if self.reached(value):
            return False
        self.hit(value)
        return True
