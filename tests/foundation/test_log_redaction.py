"""Share, invitation and password-reset tokens never reach a log.

Found in the attack: they were written verbatim to the access log.
"""

from __future__ import annotations

import io
import logging
import runpy
from datetime import timedelta
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from advisor.gunicorn_logging import RedactingLogger
from advisor.logredact import RedactTokens, redact
from tests.foundation.test_settings import ROOT

SHARE = "Zx3_kQ9-verySecretShareToken0123"
INVITE = "aInvitationTokenThatIsSecret-_0123456789abcd"
RESET = "cbs9a8-5f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"GET /s/{SHARE}/ HTTP/1.1", "GET /s/[redacted]/ HTTP/1.1"),
        (f"/s/{SHARE}", "/s/[redacted]"),
        (f"/s/{SHARE}/export.md", "/s/[redacted]/export.md"),
        (f"https://advisor.example.com/s/{SHARE}/", "https://advisor.example.com/s/[redacted]/"),
        (f"/orgs/invite/{INVITE}/", "/orgs/invite/[redacted]/"),
        (f"/accounts/reset/MQ/{RESET}/", "/accounts/reset/MQ/[redacted]/"),
        ("/accounts/reset/MQ/set-password/", "/accounts/reset/MQ/set-password/"),
        ("/static/advisor/css/site.css", "/static/advisor/css/site.css"),
        ("/orgs/abc/reports/xyz/", "/orgs/abc/reports/xyz/"),
        # Issue 28: non-canonical spellings of the same URLs.
        (
            f"GET /accounts/login/?next=%2Forgs%2Finvite%2F{INVITE}%2F HTTP/1.1",
            "GET /accounts/login/?next=/orgs/invite/[redacted]/ HTTP/1.1",
        ),
        (f"/accounts/login/?next=%252Fs%252F{SHARE}", "/accounts/login/?next=/s/[redacted]"),
        (f"GET /S/{SHARE}/ HTTP/1.1", "GET /S/[redacted]/ HTTP/1.1"),
        (f"/s//{SHARE}/", "/s//[redacted]/"),
        (f"/s/./{SHARE}/", "/s/./[redacted]/"),
        (f"GET /%73/{SHARE}/ HTTP/1.1", "GET /s/[redacted]/ HTTP/1.1"),
        (f"/%2F%73%2F{SHARE}", "//s/[redacted]"),
        (f"/Orgs/INVITE/{INVITE}/", "/Orgs/INVITE/[redacted]/"),
        (f"/accounts//reset/MQ/{RESET}/", "/accounts//reset/MQ/[redacted]/"),
        (f"/a?x=1&next=/s/{SHARE}&y=2", "/a?x=1&next=/s/[redacted]&y=2"),
        ("/accounts/login/?next=%2Fwizard%2F", "/accounts/login/?next=%2Fwizard%2F"),
    ],
)
def test_redact(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_gunicorn_is_configured_with_the_redacting_logger() -> None:
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["logger_class"] == "advisor.gunicorn_logging.RedactingLogger"


def test_the_gunicorn_access_log_line_has_no_token() -> None:
    cfg = Config()
    cfg.set("accesslog", "-")
    logger = RedactingLogger(cfg)
    stream = io.StringIO()
    logger.access_log.handlers = [logging.StreamHandler(stream)]
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/s/{SHARE}/",
        "PATH_INFO": f"/s/{SHARE}/",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.5",
        "HTTP_REFERER": f"https://advisor.example.com/orgs/invite/{INVITE}/",
    }
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    request = SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])
    logger.access(response, request, environ, timedelta(milliseconds=5))
    line = stream.getvalue()
    assert "GET /s/[redacted]/ HTTP/1.1" in line
    assert SHARE not in line
    assert INVITE not in line


def test_the_gunicorn_access_log_line_has_no_token_however_the_url_is_written() -> None:
    cfg = Config()
    cfg.set("accesslog", "-")
    logger = RedactingLogger(cfg)
    stream = io.StringIO()
    logger.access_log.handlers = [logging.StreamHandler(stream)]
    for raw in (f"/%73/{SHARE}/", f"/login/?next=%2Forgs%2Finvite%2F{INVITE}%2F"):
        path, _, query = raw.partition("?")
        environ = {
            "REQUEST_METHOD": "GET",
            "RAW_URI": raw,
            "PATH_INFO": path.replace("%73", "s"),
            "QUERY_STRING": query,
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "203.0.113.5",
        }
        response = SimpleNamespace(status="404 Not Found", sent=10, headers=[])
        logger.access(response, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=5))
    line = stream.getvalue()
    assert SHARE not in line
    assert INVITE not in line
    assert "/s/[redacted]/" in line
    assert "next=/orgs/invite/[redacted]/" in line


@pytest.mark.django_db
def test_djangos_not_found_warning_has_no_token(client) -> None:
    handler = next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RedactTokens) for f in h.filters)
    )
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        assert client.get(f"/s/{SHARE}/").status_code == 404
        assert client.get(f"/orgs/invite/{INVITE}/").status_code in (302, 404)
        assert client.get(f"/S/{SHARE}x/").status_code == 404
        assert client.get(f"/s//{SHARE}y/").status_code == 404
    finally:
        handler.setStream(previous)
    output = stream.getvalue()
    assert "Not Found: /s/[redacted]/" in output
    assert "Not Found: /S/[redacted]/" in output
    assert SHARE not in output
