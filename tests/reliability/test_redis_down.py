"""Redis killed or frozen under requests: the site keeps answering, /healthz says so.

Found in the attack: with Redis refusing connections every page answered 500; with Redis
frozen every request hung with no timeout, and after four of them (the workers' threads)
``/healthz`` stopped answering too, while it had said 200 all along.

The test runs its own redis-server on a free port and gunicorn (``gunicorn.conf.py``, two
workers of two threads, the production settings) with ``REDIS_URL`` pointing at it. It
sends requests that use every part of the cache (rate limits, the knowledge and result
caches, a logged-in session, sign-up limits) more at once than gunicorn has threads, while
Redis is killed (SIGKILL), then started again, then frozen (SIGSTOP). Every request must
come back, and none with a 5xx. A request that hung would be cut by the client's timeout
(far longer than the app's one-second cache timeouts), and the test fails on it: the
assertions are on what came back, not on how fast.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.foundation.test_gunicorn import free_port
from tests.foundation.test_settings import ROOT, production_env, run_manage

HOST = "127.0.0.1"
#: Far beyond the app's cache timeouts (1 s): only a request that hangs gets here.
CLIENT_TIMEOUT = 25
PASSWORD = "Redis-" + secrets.token_urlsafe(12)


class Browser:
    """One visitor: a keep-alive-free HTTP client with its own cookies (the production
    cookies are Secure, which a plain-HTTP cookie jar would not send back)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, fields: dict[str, str] | None = None, json_body: object = None
    ) -> tuple[int, str]:
        headers = {"Accept": "text/html"}
        body = None
        if fields is not None:
            body = urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif json_body is not None:
            body = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection(HOST, self.port, timeout=CLIENT_TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if value and "max-age=0" not in header.lower():
                self.cookies[name.strip()] = value
            else:
                self.cookies.pop(name.strip(), None)
        return response.status, text

    def csrf(self, path: str) -> str:
        status, text = self.request("GET", path)
        assert status == 200, (path, status)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text)
        assert match is not None, path
        return match.group(1)

    def sign_up(self, username: str) -> int:
        fields = {
            "csrfmiddlewaretoken": self.csrf("/accounts/signup/"),
            "username": username,
            "email": f"{username}@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        }
        return self.request("POST", "/accounts/signup/", fields)[0]

    def log_in(self, username: str) -> int:
        fields = {
            "csrfmiddlewaretoken": self.csrf("/accounts/login/"),
            "username": username,
            "password": PASSWORD,
        }
        return self.request("POST", "/accounts/login/", fields)[0]


def start_redis(port: int, workdir: Path) -> subprocess.Popen:
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(binary).exists():
        pytest.fail("redis-server is not installed (apt-get install redis-server)")
    process = subprocess.Popen(
        [
            binary,
            *("--port", str(port), "--bind", HOST, "--save", "", "--appendonly", "no"),
            *("--dir", str(workdir), "--protected-mode", "yes"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with (
            contextlib.suppress(OSError),
            socket.create_connection((HOST, port), timeout=5) as sock,
        ):
            sock.sendall(b"PING\r\n")
            if sock.recv(16).startswith(b"+PONG"):
                return process
        if process.poll() is not None:
            pytest.fail("redis-server exited")
        time.sleep(0.1)
    pytest.fail("redis-server did not start")


@pytest.fixture(scope="module")
def site(
    tmp_path_factory: pytest.TempPathFactory, collected_static: Path
) -> Iterator[dict[str, object]]:
    tmp = tmp_path_factory.mktemp("redis-down")
    redis_port, app_port = free_port(), free_port()
    redis = {"process": start_redis(redis_port, tmp)}
    env = production_env(
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
        DJANGO_STATIC_ROOT=str(collected_static),
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_SECURE_SSL_REDIRECT="0",
        REDIS_URL=f"redis://{HOST}:{redis_port}/0",
        GUNICORN_BIND=f"{HOST}:{app_port}",
        GUNICORN_WORKERS="2",
        GUNICORN_THREADS="2",
    )
    done = run_manage("migrate", "--verbosity", "0", env=env)
    assert done.returncode == 0, done.stderr
    log = (tmp / "gunicorn.log").open("w")
    gunicorn = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "advisor.wsgi:application"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            if Browser(app_port).request("GET", "/healthz")[0] == 200:
                break
        except OSError:
            pass
        if gunicorn.poll() is not None or time.monotonic() > deadline:
            pytest.fail("gunicorn did not start: " + (tmp / "gunicorn.log").read_text())
        time.sleep(0.2)

    def restart_redis() -> None:
        redis["process"] = start_redis(redis_port, tmp)

    yield {
        "port": app_port,
        "redis": redis,
        "restart_redis": restart_redis,
        "log": tmp / "gunicorn.log",
    }
    process = redis["process"]
    with contextlib.suppress(ProcessLookupError):
        os.kill(process.pid, signal.SIGCONT)
    process.kill()
    process.wait(timeout=10)
    gunicorn.terminate()
    try:
        gunicorn.wait(timeout=20)
    except subprocess.TimeoutExpired:
        gunicorn.kill()
        gunicorn.wait(timeout=10)
    log.close()


def health(port: int) -> tuple[int, str]:
    return Browser(port).request("GET", "/healthz")


def wait_for_health(port: int, first_line: str) -> str:
    """Polls /healthz until its first line is ``first_line`` (a process retries Redis a few
    seconds after a failure); fails after a minute."""
    deadline = time.monotonic() + 60
    while True:
        status, text = health(port)
        assert status == 200, text
        if text.splitlines()[0] == first_line or time.monotonic() > deadline:
            assert text.splitlines()[0] == first_line, text
            return text
        time.sleep(0.5)


def everything_once(port: int, member: Browser, index: int) -> list[tuple[str, int]]:
    """Requests that between them use every part of the cache; (what, status) for each."""
    anonymous = Browser(port)
    seen = [("landing", anonymous.request("GET", "/")[0])]
    seen.append(("wizard start", anonymous.request("GET", "/wizard/")[0]))
    seen.append(("share link miss (rate limited)", anonymous.request("GET", "/s/nope/")[0]))
    seen.append(("ruleset (knowledge cache)", anonymous.request("GET", "/api/v1/ruleset")[0]))
    answers = {"answers": {"data_sensitivity": "non_sensitive", "requests_per_day": 100 + index}}
    seen.append(
        (
            "recommend (result cache)",
            anonymous.request("POST", "/api/v1/recommend", None, answers)[0],
        )
    )
    seen.append(("logged-in page (session)", member.request("GET", "/orgs/new/")[0]))
    seen.append(("sign-up (rate limited)", Browser(port).sign_up(f"r{secrets.token_hex(5)}")))
    seen.append(("health check", health(port)[0]))
    return seen


def under_load(port: int, member: Browser, at_once: int = 8) -> list[tuple[str, int]]:
    """``everything_once`` from ``at_once`` clients together (gunicorn has 4 threads)."""
    with ThreadPoolExecutor(max_workers=at_once) as pool:
        runs = list(pool.map(lambda i: everything_once(port, member, i), range(at_once)))
    return [item for run in runs for item in run]


def assert_no_5xx(seen: list[tuple[str, int]]) -> None:
    failed = [(what, status) for what, status in seen if status >= 500]
    assert not failed, failed
    # And each answered as it does when all is well (the session held: no login redirect).
    expected = {
        "landing": {200},
        "wizard start": {200, 302},
        "share link miss (rate limited)": {404, 429},
        "ruleset (knowledge cache)": {200},
        "recommend (result cache)": {200},
        "logged-in page (session)": {200},
        "sign-up (rate limited)": {302, 429},
        "health check": {200},
    }
    wrong = [(what, status) for what, status in seen if status not in expected[what]]
    assert not wrong, wrong


def test_the_site_keeps_answering_while_redis_is_killed_restarted_and_frozen(site) -> None:
    port: int = site["port"]
    member = Browser(port)
    username = f"member{secrets.token_hex(4)}"
    assert member.sign_up(username) == 302
    assert member.request("GET", "/orgs/new/")[0] == 200

    # All well: the cache answers, and /healthz says so.
    assert_no_5xx(under_load(port, member, at_once=2))
    assert wait_for_health(port, "ok").endswith("cache: ok\n")

    # Killed: connections refused.
    site["redis"]["process"].kill()
    site["redis"]["process"].wait(timeout=10)
    assert_no_5xx(under_load(port, member))
    text = wait_for_health(port, "degraded")
    assert "database: ok" in text
    assert "cache: unavailable" in text
    # Logging in needs no cache either.
    again = Browser(port)
    assert again.log_in(username) == 302
    assert again.request("GET", "/orgs/new/")[0] == 200

    # Back: shared again.
    site["restart_redis"]()
    wait_for_health(port, "ok")
    assert_no_5xx(under_load(port, member, at_once=2))

    # Frozen: connections accepted (by the kernel), never answered.
    os.kill(site["redis"]["process"].pid, signal.SIGSTOP)
    try:
        assert_no_5xx(under_load(port, member))
        assert_no_5xx(under_load(port, member))
        text = wait_for_health(port, "degraded")
        assert "cache: unavailable" in text
        assert member.request("GET", "/orgs/new/")[0] == 200
    finally:
        os.kill(site["redis"]["process"].pid, signal.SIGCONT)
    wait_for_health(port, "ok")

    log = site["log"].read_text()
    assert "does not answer" in log  # each process said it stopped sharing
    assert "answers again" in log
    assert "Traceback" not in log
