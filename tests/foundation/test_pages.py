"""Every page is private by construction: own assets only, strict headers, a health check."""

from __future__ import annotations

import re
from unittest import mock

import pytest
from django.db import DatabaseError

EXTERNAL = re.compile(r"""(?:src|href)=["'](?:https?:)?//""", re.IGNORECASE)


@pytest.mark.django_db
def test_home_page_loads_nothing_from_another_host(client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert not EXTERNAL.search(html)
    assert "/static/bootstrap/css/bootstrap.min.css" in html
    assert re.search(r'<script src="/static/django_htmx/htmx-2.min.js" defer[^>]*></script>', html)


@pytest.mark.django_db
def test_pages_send_a_strict_content_security_policy(client) -> None:
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_base_template_is_an_accessible_skeleton(client) -> None:
    html = client.get("/").content.decode()
    assert 'href="#main"' in html
    assert '<main id="main"' in html
    assert html.count("<h1") == 1
    assert '<nav class="navbar' in html
    assert 'aria-label="Main"' in html
    assert 'media="print"' in html
    assert '"includeIndicatorStyles": false' in html


@pytest.mark.django_db
def test_healthz_is_200_when_the_database_answers(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert "no-cache" in response.headers["Cache-Control"]


def test_healthz_is_503_when_the_database_does_not_answer(client) -> None:
    with mock.patch("advisor.views.connection") as connection:
        connection.cursor.side_effect = DatabaseError("down")
        response = client.get("/healthz")
    assert response.status_code == 503


def test_favicon_is_served_from_our_static_files(client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("advisor/img/favicon.svg")
