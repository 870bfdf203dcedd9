"""A shared cache that fails never fails a page (``advisor/cache.py``).

Found in the attack: with Redis refusing connections every page answered 500, and with no
timeout a frozen Redis hung every request. ``tests/reliability/test_redis_down.py`` kills
and freezes a real Redis under gunicorn; these are the pieces, in process.
"""

from __future__ import annotations

import json
import logging
import socket
import subprocess
import sys
from collections.abc import Iterator
from unittest import mock

import pytest
from django.core.cache import cache, caches
from django.test import override_settings

from advisor import cache as resilient
from advisor.ratelimit import Limit
from tests.foundation.test_settings import ROOT, production_env


@pytest.fixture
def refused_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_refusing(refused_port: int) -> Iterator[str]:
    location = f"redis://127.0.0.1:{refused_port}/0"
    resilient._health.pop(location, None)
    settings = {
        "default": {
            "BACKEND": "advisor.cache.ResilientRedisCache",
            "LOCATION": location,
            "OPTIONS": {"socket_connect_timeout": 1.0, "socket_timeout": 1.0},
        }
    }
    with override_settings(CACHES=settings):
        yield location
    resilient._health.pop(location, None)


def test_a_refusing_redis_answers_like_an_empty_per_process_cache(redis_refusing) -> None:
    assert cache.get("missing", "default") == "default"
    cache.set("kept", {"a": 1}, 60)
    assert cache.get("kept") == {"a": 1}  # this process's own copy
    assert cache.add("counter", 1, 60)
    assert cache.incr("counter") == 2
    assert cache.get_or_set("made", lambda: "built", 60) == "built"
    assert cache.get_many(["kept", "made"]) == {"kept": {"a": 1}, "made": "built"}
    cache.delete("kept")
    assert cache.get("kept") is None


def test_limits_count_per_process_while_redis_refuses(redis_refusing) -> None:
    limit = Limit("test-down", max_hits=3, window_seconds=60)
    allowed = [limit.check_and_hit("203.0.113.7") for _ in range(5)]
    assert allowed == [True, True, True, False, False]
    assert limit.check_and_hit("203.0.113.8")  # another address has its own count


def test_the_switch_to_per_process_counting_is_logged_once(redis_refusing, caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="advisor.cache"):
        for _ in range(3):
            cache.get("anything")
        with mock.patch.object(resilient, "RETRY_SECONDS", 0):
            cache.get("anything")  # retried at once, fails again: no second warning
    warnings = [r for r in caplog.records if "does not answer" in r.getMessage()]
    assert len(warnings) == 1
    assert "counts rate limits on its own" in warnings[0].getMessage()


def test_after_a_failure_redis_is_left_alone_for_a_while(redis_refusing) -> None:
    cache.get("first")  # fails, opens the pause
    with mock.patch("django.core.cache.backends.redis.RedisCacheClient.get") as shared:
        cache.get("second")
        cache.get("third")
    assert not shared.called
    assert not caches["default"].available


def test_redis_answering_again_is_used_and_logged(redis_refusing, caplog) -> None:
    cache.get("fails")
    with (
        mock.patch.object(resilient, "RETRY_SECONDS", 0),
        mock.patch("django.core.cache.backends.redis.RedisCacheClient.get", return_value="shared"),
        caplog.at_level(logging.WARNING, logger="advisor.cache"),
    ):
        resilient._health[redis_refusing].down_until = 0
        assert cache.get("key") == "shared"
    assert any("answers again" in r.getMessage() for r in caplog.records)


def test_healthz_says_degraded_but_stays_200_while_the_cache_is_down(client, db) -> None:
    with mock.patch("advisor.views.cache_status", return_value=(False, "unavailable: x")):
        response = client.get("/healthz")
    assert response.status_code == 200
    lines = response.content.decode().splitlines()
    assert lines == ["degraded", "database: ok", "cache: unavailable: x"]


def test_healthz_reports_a_refusing_redis(redis_refusing, client, db) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    text = response.content.decode()
    assert text.startswith("degraded\n")
    assert "cache: unavailable" in text


def test_healthz_without_redis_says_the_cache_is_per_process(client, db) -> None:
    response = client.get("/healthz")
    assert response.content.decode().splitlines() == [
        "ok",
        "database: ok",
        "cache: per-process (no REDIS_URL)",
    ]


def test_redis_has_timeouts_and_sessions_do_not_depend_on_it() -> None:
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps({'cache': settings.CACHES['default'], "
        "'sessions': settings.SESSION_ENGINE}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=production_env(REDIS_URL="redis://127.0.0.1:6379/0"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["cache"]["BACKEND"] == "advisor.cache.ResilientRedisCache"
    assert 0 < seen["cache"]["OPTIONS"]["socket_connect_timeout"] <= 2
    assert 0 < seen["cache"]["OPTIONS"]["socket_timeout"] <= 2
    assert seen["sessions"] == "django.contrib.sessions.backends.db"


def test_the_log_never_shows_the_redis_password() -> None:
    assert resilient._redacted_location("redis://:s3cret@cache:6379/0") == "redis://cache:6379/0"
    assert resilient._redacted_location("redis://cache:6379/0") == "redis://cache:6379/0"
