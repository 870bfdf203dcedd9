"""A database that accepts connections but never answers does not hang the site.

Found in the attack: every request, ``/healthz`` included, waited forever until the whole
site was down; and the API answered Django's HTML 500 instead of its JSON errors.

The app runs in a subprocess pointed at a PostgreSQL address that accepts TCP connections
and never says a word. The subprocess must finish well inside its timeout: before the fix
it hung, and ``subprocess.run`` timing out fails the test.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from unittest import mock

import pytest
from django.db import OperationalError

from tests.foundation.test_settings import ROOT, production_env

PROBE = """
import json, django
django.setup()
from django.test import Client
client = Client(raise_request_exception=False)
health = client.get("/healthz")
api = client.get("/api/v1/ruleset")
page = client.get("/wizard/")
print(json.dumps({
    "page": page.status_code,
    "page_retry_after": page.headers.get("Retry-After"),
    "page_body": page.content.decode(),
    "healthz": health.status_code,
    "api": api.status_code,
    "api_type": api.headers.get("Content-Type"),
    "api_body": api.content.decode(),
}))
"""


@pytest.fixture
def silent_database() -> Iterator[int]:
    """A TCP port that accepts connections and never answers; yields the port."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            held.append(connection)  # kept open, never read or written

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join(timeout=5)
    for connection in held:
        connection.close()
    server.close()


def test_a_silent_database_gives_503s_instead_of_hanging(silent_database: int) -> None:
    env = production_env(
        DATABASE_URL=f"postgres://advisor@127.0.0.1:{silent_database}/advisor",
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_SECURE_SSL_REDIRECT="0",
    )
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=90,  # the app gives up after a few seconds per connection attempt
    )
    assert result.returncode == 0, result.stderr[-2000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["healthz"] == 503
    assert seen["page"] == 503
    assert seen["page_retry_after"] == "30"
    assert "Back in a moment" in seen["page_body"]
    assert seen["api"] == 503
    assert seen["api_type"] == "application/json"
    assert json.loads(seen["api_body"])["errors"]["server"]


def test_postgresql_connections_have_a_connect_and_a_statement_timeout() -> None:
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "import json; print(json.dumps(settings.DATABASES['default']['OPTIONS']))"
    )
    env = production_env(DATABASE_URL="postgres://advisor@127.0.0.1:5432/advisor")
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    options = json.loads(result.stdout.strip().splitlines()[-1])
    assert 0 < options["connect_timeout"] <= 5
    assert "statement_timeout=20000" in options["options"]


@pytest.mark.django_db
def test_the_api_answers_json_when_the_database_fails(client) -> None:
    with mock.patch(
        "advisor.api.views.current_knowledge", side_effect=OperationalError("server closed")
    ):
        response = client.get("/api/v1/ruleset")
    assert response.status_code == 503
    assert response.headers["Content-Type"] == "application/json"
    assert response.json()["errors"]["server"]


@pytest.mark.django_db
def test_the_api_answers_json_for_any_unexpected_error(client) -> None:
    with mock.patch("advisor.api.views.current_knowledge", side_effect=RuntimeError("bug")):
        response = client.post(
            "/api/v1/recommend", {"answers": {}}, content_type="application/json"
        )
    assert response.status_code == 500
    assert response.headers["Content-Type"] == "application/json"
    assert response.json()["errors"]["server"]


@pytest.mark.django_db
def test_an_html_page_answers_a_retry_page_when_the_database_fails(client) -> None:
    """Found in the attack: the 500 page, while the API answered 503."""
    client.raise_request_exception = False
    with mock.patch("advisor.wizard.views.render", side_effect=OperationalError("server closed")):
        response = client.get("/")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    html = response.content.decode()
    assert "<h1>Back in a moment</h1>" in html
    assert "<script" not in html
    assert "style=" not in html


@pytest.mark.django_db
def test_any_other_error_is_still_the_500_page(client) -> None:
    client.raise_request_exception = False
    with mock.patch("advisor.wizard.views.render", side_effect=RuntimeError("bug")):
        response = client.get("/")
    assert response.status_code == 500
    assert "Retry-After" not in response.headers
    assert "Something went wrong" in response.content.decode()
