"""Slow down share-token guessing: too many misses from one client are refused for a while.

Counts live in the cache (Redis in production, so every worker and host shares them).
"""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest

MAX_MISSES = 20
WINDOW_SECONDS = 10 * 60


def _key(request: HttpRequest) -> str:
    return f"share-miss:{request.META.get('REMOTE_ADDR', 'unknown')}"


def is_blocked(request: HttpRequest) -> bool:
    return (cache.get(_key(request)) or 0) >= MAX_MISSES


def record_miss(request: HttpRequest) -> None:
    key = _key(request)
    if not cache.add(key, 1, WINDOW_SECONDS):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, WINDOW_SECONDS)
