"""The shared cache (Redis) that never takes a page down with it.

Found in the attack: with Redis refusing connections every page answered 500, and with
Redis frozen every request waited for ever (after four of them ``/healthz`` stopped
answering too). Django's own Redis backend raises on any failure and sets no timeout.

``ResilientRedisCache`` is that backend with three changes:

- connect and read timeouts (``OPTIONS`` in ``settings.py``, overridable in ``REDIS_URL``'s
  query string: ``?socket_timeout=2&socket_connect_timeout=2``), so a frozen Redis costs a
  request at most that long;
- when Redis fails, the call is answered by a per-process memory cache instead, the same
  one the site uses without ``REDIS_URL``: a miss or a per-process copy for the caches of
  results, knowledge, charts and PDFs (all keyed by what they hold, so no copy is ever
  stale), and per-process counting for the rate limits (``advisor.ratelimit``);
- after a failure Redis is left alone for ``RETRY_SECONDS`` (each process logs one warning
  when it stops using Redis and one when Redis answers again), so while it is down only one
  request every few seconds per process waits for a timeout.

Nothing that must be shared lives only here: sessions and failed logins are kept in the
database. ``/healthz`` reports the state (``cache_status``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger("advisor.cache")

#: After a failure, how long each process answers from its own memory before trying again.
RETRY_SECONDS = 5.0

T = TypeVar("T")


@dataclass
class _Health:
    """Per process and Redis address, shared by the threads (Django's cache objects are
    per thread)."""

    down_until: float = 0.0
    down: bool = False
    last_error: str = ""


_health: dict[str, _Health] = {}
_health_lock = threading.Lock()


def _health_of(location: str) -> _Health:
    with _health_lock:
        return _health.setdefault(location, _Health())


class ResilientRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._location = server if isinstance(server, str) else ",".join(server)
        self._health = _health_of(self._location)
        # LocMemCache keeps its data per name, so every thread of the process shares it.
        self._fallback = LocMemCache(
            f"advisor-fallback:{self._location}",
            {
                "TIMEOUT": params.get("TIMEOUT", 300),
                "KEY_PREFIX": params.get("KEY_PREFIX", ""),
                "VERSION": params.get("VERSION", 1),
            },
        )

    # The state --------------------------------------------------------------------------

    @property
    def available(self) -> bool:
        """False while this process answers from its own memory."""
        return not self._health.down

    def _failed(self, exc: Exception) -> None:
        health = self._health
        health.down_until = time.monotonic() + RETRY_SECONDS
        health.last_error = f"{type(exc).__name__}: {exc}"
        if not health.down:
            health.down = True
            logger.warning(
                "WARNING: the shared cache at %s does not answer (%s): this process caches "
                "and counts rate limits on its own until it does (retried every %g s)",
                _redacted_location(self._location),
                health.last_error,
                RETRY_SECONDS,
            )

    def _answered(self) -> None:
        health = self._health
        if health.down:
            health.down = False
            logger.warning(
                "The shared cache at %s answers again: back to shared caching and limits",
                _redacted_location(self._location),
            )

    def _call(self, shared: Callable[[], T], local: Callable[[], T]) -> T:
        health = self._health
        if health.down and time.monotonic() < health.down_until:
            return local()
        try:
            result = shared()
        except RedisError as exc:
            self._failed(exc)
            return local()
        self._answered()
        return result

    def ping(self) -> bool:
        """Whether Redis answers now (bounded by the timeouts; skipped, False, while the
        process is waiting to retry)."""

        def shared() -> bool:
            return bool(self._cache.get_client(None).ping())

        return self._call(shared, lambda: False)

    # Django's cache API, each call falling back to the process's memory --------------

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        return self._call(
            lambda: super(ResilientRedisCache, self).add(key, value, timeout, version=version),
            lambda: self._fallback.add(key, value, timeout, version=version),
        )

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._call(
            lambda: super(ResilientRedisCache, self).get(key, default, version=version),
            lambda: self._fallback.get(key, default, version=version),
        )

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        self._call(
            lambda: super(ResilientRedisCache, self).set(key, value, timeout, version=version),
            lambda: self._fallback.set(key, value, timeout, version=version),
        )

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        return self._call(
            lambda: super(ResilientRedisCache, self).touch(key, timeout, version=version),
            lambda: self._fallback.touch(key, timeout, version=version),
        )

    def delete(self, key: Any, version: Any = None) -> bool:
        return self._call(
            lambda: super(ResilientRedisCache, self).delete(key, version=version),
            lambda: self._fallback.delete(key, version=version),
        )

    def get_many(self, keys: Any, version: Any = None) -> dict[Any, Any]:
        return self._call(
            lambda: super(ResilientRedisCache, self).get_many(keys, version=version),
            lambda: self._fallback.get_many(keys, version=version),
        )

    def has_key(self, key: Any, version: Any = None) -> bool:
        return self._call(
            lambda: super(ResilientRedisCache, self).has_key(key, version=version),
            lambda: self._fallback.has_key(key, version=version),
        )

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        return self._call(
            lambda: super(ResilientRedisCache, self).incr(key, delta, version=version),
            lambda: self._fallback.incr(key, delta, version=version),
        )

    def set_many(self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> list[Any]:
        return self._call(
            lambda: super(ResilientRedisCache, self).set_many(data, timeout, version=version),
            lambda: self._fallback.set_many(data, timeout, version=version),
        )

    def delete_many(self, keys: Any, version: Any = None) -> None:
        self._call(
            lambda: super(ResilientRedisCache, self).delete_many(keys, version=version),
            lambda: self._fallback.delete_many(keys, version=version),
        )

    def clear(self) -> None:
        self._fallback.clear()
        self._call(lambda: super(ResilientRedisCache, self).clear(), lambda: None)


def _redacted_location(location: str) -> str:
    """The address without a password (``redis://:secret@host`` -> ``redis://host``)."""
    scheme, sep, rest = location.partition("://")
    return scheme + sep + rest.rpartition("@")[2] if sep else location


def cache_status() -> tuple[bool, str]:
    """(usable as the shared cache, what to say about it) for ``/healthz``."""
    backend = caches["default"]
    if isinstance(backend, ResilientRedisCache):
        if backend.ping():
            return True, "ok"
        return False, (
            "unavailable: each worker caches and counts rate limits on its own until Redis answers"
        )
    return True, "per-process (no REDIS_URL)"
