"""Security headers on every kind of page: a strict CSP, no framing, no sniffing, a referrer
policy; share pages are also private (no referrer, not indexed, not cached)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.test import Client

from advisor.reports import throttle
from tests.security.conftest import Scene

pytestmark = pytest.mark.django_db

# (name, who: None (anonymous) or a fixture name, method, path from the scene, status)
Page = tuple[str, str | None, str, Callable[[Scene], str], int]

PAGES: list[Page] = [
    ("landing", None, "get", lambda s: "/", 200),
    ("wizard step", None, "get", lambda s: "/wizard/step/data_sensitivity/", 200),
    ("wizard step, invalid answer", None, "post", lambda s: "/wizard/step/stage/", 200),
    ("priorities", None, "get", lambda s: "/wizard/priorities/", 200),
    ("review", None, "get", lambda s: "/wizard/review/", 200),
    ("result", None, "get", lambda s: "/wizard/result/", 200),  # after a preset's answers
    ("wizard step fragment (htmx)", None, "get", lambda s: "/wizard/step/stage/?htmx", 200),
    ("plan", None, "get", lambda s: "/plan/", 200),
    ("login", None, "get", lambda s: "/accounts/login/", 200),
    ("signup", None, "get", lambda s: "/accounts/signup/", 200),
    ("password reset", None, "get", lambda s: "/accounts/password_reset/", 200),
    ("redirect to login", None, "get", lambda s: f"/orgs/{s.org.code}/", 302),
    ("org list", "viewer", "get", lambda s: "/orgs/", 200),
    ("org page", "viewer", "get", lambda s: f"/orgs/{s.org.code}/", 200),
    ("org settings", "owner", "get", lambda s: f"/orgs/{s.org.code}/settings/", 200),
    ("forbidden", "viewer", "get", lambda s: f"/orgs/{s.org.code}/settings/", 403),
    ("report list", "viewer", "get", lambda s: f"/orgs/{s.org.code}/reports/", 200),
    ("report", "viewer", "get", lambda s: s.report.get_absolute_url(), 200),
    ("report export", "viewer", "get", lambda s: s.report.get_absolute_url() + "export.md", 200),
    ("report edit", "editor", "get", lambda s: s.report.get_absolute_url() + "edit/", 200),
    ("404 page", None, "get", lambda s: "/no/such/page/", 404),
    ("method not allowed", None, "get", lambda s: "/wizard/restart/", 405),
    ("health check", None, "get", lambda s: "/healthz", 200),
    ("api ruleset", None, "get", lambda s: "/api/v1/ruleset", 200),
    ("api openapi", None, "get", lambda s: "/api/v1/openapi.json", 200),
    ("api recommend", None, "post", lambda s: "/api/v1/recommend", 200),
    ("api error", None, "post", lambda s: "/api/v1/break-even", 400),
]

SHARE_PAGES: list[Page] = [
    ("share page", None, "get", lambda s: f"/s/{s.share_token}/", 200),
    ("share page, unknown token", None, "get", lambda s: "/s/no-such-token/", 404),
    ("new share link", "editor", "post", lambda s: s.report.get_absolute_url() + "links/", 200),
]


def fetch(client: Client, request, scene: Scene, page: Page):
    _, who, method, path, status = page
    if who is not None:
        client.force_login(request.getfixturevalue(who))
    url = path(scene)
    if url.startswith("/api/") and method == "post":
        body = {"answers": {}} if url.endswith("recommend") else {"nonsense": True}
        response = client.post(url, json.dumps(body), content_type="application/json")
    elif url == "/wizard/result/":
        client.post("/wizard/?preset=high-volume")
        response = client.get(url)
    elif url.endswith("?htmx"):
        response = client.get(url.removesuffix("?htmx"), headers={"HX-Request": "true"})
        assert "<html" not in response.content.decode()
    else:
        response = getattr(client, method)(url)
    assert response.status_code == status, response.content[:300]
    return response


def assert_strict_headers(response) -> None:
    csp = response.headers.get("Content-Security-Policy")
    assert csp, "no Content-Security-Policy header"
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    assert directives["script-src"] == ["'self'"], csp
    assert directives["frame-ancestors"] == ["'none'"], csp
    assert directives["default-src"] == ["'self'"], csp
    assert directives["object-src"] == ["'none'"], csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers.get("Referrer-Policy") in ("same-origin", "no-referrer")
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = response.headers.get("Permissions-Policy", "")
    for feature in ("camera", "microphone", "geolocation", "payment"):
        assert f"{feature}=()" in policy, policy


@pytest.mark.parametrize("page", PAGES + SHARE_PAGES, ids=lambda p: p[0])
def test_every_kind_of_page_sends_the_security_headers(client, request, scene, page) -> None:
    assert_strict_headers(fetch(client, request, scene, page))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p[0])
def test_other_pages_send_the_referrer_to_this_site_only(client, request, scene, page) -> None:
    assert fetch(client, request, scene, page).headers["Referrer-Policy"] == "same-origin"


def assert_private(response) -> None:
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response.headers["X-Robots-Tag"]
    cache_control = {part.strip() for part in response.headers["Cache-Control"].split(",")}
    assert "no-store" in cache_control


@pytest.mark.parametrize("page", SHARE_PAGES[:2], ids=lambda p: p[0])
def test_share_pages_are_private(client, request, scene, page) -> None:
    response = fetch(client, request, scene, page)
    assert_private(response)
    assert "private" in response.headers["Cache-Control"]


def test_the_page_showing_a_new_share_link_is_not_stored(client, request, scene) -> None:
    response = fetch(client, request, scene, SHARE_PAGES[2])
    assert "no-store" in response.headers["Cache-Control"]


def test_the_throttled_share_page_is_private_too(client, scene) -> None:
    for _ in range(throttle.MAX_MISSES):
        client.get("/s/guess/")
    response = client.get("/s/guess-again/")
    assert response.status_code == 429
    assert_strict_headers(response)
    assert_private(response)


def test_the_csrf_failure_page_is_ours_and_keeps_the_csp(scene) -> None:
    """Found in the attack: Django's CSRF page has an inline style the CSP blocks."""
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/wizard/step/stage/", {"answer": "production"})
    assert response.status_code == 403
    assert_strict_headers(response)
    html = response.content.decode()
    assert "<style" not in html
    assert "style=" not in html
    assert "Please try again" in html
    assert "/static/" in html  # our layout and stylesheet


def test_static_files_carry_the_permissions_policy(client) -> None:
    response = client.get("/favicon.ico")
    assert "camera=()" in response.headers["Permissions-Policy"]
