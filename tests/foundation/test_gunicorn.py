"""The production command boots, answers /healthz and serves static files for a year."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.foundation.test_settings import ROOT, production_env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, headers: dict[str, str] | None = None) -> urllib.request.addinfourl:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - loopback only
    return urllib.request.urlopen(request, timeout=10)  # noqa: S310 - loopback only


@pytest.fixture(scope="module")
def gunicorn_server(tmp_path_factory: pytest.TempPathFactory, collected_static: Path):
    tmp = tmp_path_factory.mktemp("gunicorn")
    env = production_env(
        DJANGO_STATIC_ROOT=str(collected_static),
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
    )
    port = free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [str(gunicorn), "advisor.wsgi:application", "--bind", f"127.0.0.1:{port}", "-w", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            get(base + "/healthz")
            break
        except OSError:
            if process.poll() is not None:
                pytest.fail("gunicorn exited: " + (process.stdout.read() if process.stdout else ""))
            time.sleep(0.2)
    yield base, collected_static
    process.terminate()
    process.wait(timeout=20)


def test_healthz_answers_200_under_gunicorn_over_plain_http(gunicorn_server) -> None:
    base, _ = gunicorn_server
    with get(base + "/healthz") as response:
        assert response.status == 200
        assert response.read().startswith(b"ok\ndatabase: ok\n")


def test_static_files_are_hashed_compressed_and_cached_for_a_year(gunicorn_server) -> None:
    base, static_root = gunicorn_server
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    hashed = manifest["paths"]["bootstrap/css/bootstrap.min.css"]
    assert hashed != "bootstrap/css/bootstrap.min.css"
    headers = {"X-Forwarded-Proto": "https", "Accept-Encoding": "br, gzip"}
    with get(f"{base}/static/{hashed}", headers) as response:
        assert response.status == 200
        assert "max-age=31536000" in response.headers["Cache-Control"]
        assert "immutable" in response.headers["Cache-Control"]
        assert response.headers["Content-Encoding"] == "br"


def test_plain_http_pages_redirect_to_https_in_production(gunicorn_server) -> None:
    base, _ = gunicorn_server

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            return None

    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as caught:
        opener.open(base + "/", timeout=10)
    assert caught.value.code == 301
    assert caught.value.headers["Location"].startswith("https://")
