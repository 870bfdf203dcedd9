"""Slow down share-token guessing: too many misses from one client are refused for a while.

Only misses count, and a valid token is looked up before the limit is applied, so a real
link is never refused, whoever opens it. The client is the address behind our trusted
proxies (``advisor.net``); counts live in the shared cache (``advisor.ratelimit``).
"""

from __future__ import annotations

from django.http import HttpRequest

from advisor.net import client_ip
from advisor.ratelimit import Limit

MAX_MISSES = 20
WINDOW_SECONDS = 10 * 60
SHARE_MISSES = Limit("share-miss", MAX_MISSES, WINDOW_SECONDS)


def is_blocked(request: HttpRequest) -> bool:
    return SHARE_MISSES.reached(client_ip(request))


def record_miss(request: HttpRequest) -> None:
    SHARE_MISSES.hit(client_ip(request))
