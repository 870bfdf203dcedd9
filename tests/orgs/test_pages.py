"""Every page of this app: one <h1>, forms with CSRF, and nothing the CSP would block."""

from __future__ import annotations

import re

import pytest

from advisor.orgs.models import Invitation, Role

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"\sstyle=|<style", re.IGNORECASE)
HANDLER = re.compile(r"\son[a-z]+=", re.IGNORECASE)

ANONYMOUS_PAGES = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password_reset/",
    "/accounts/password_reset/done/",
    "/accounts/reset/MQ/bad-token/",
    "/accounts/reset/done/",
]
OWNER_PAGES = [
    "/orgs/",
    "/orgs/new/",
    "/orgs/{code}/",
    "/orgs/{code}/settings/",
    "/orgs/{code}/invitations/new/",
    "/accounts/password_change/",
    "/accounts/password_change/done/",
]


def check_page(html: str) -> None:
    assert html.count("<h1") == 1
    assert not INLINE_SCRIPT.search(html)
    assert not INLINE_STYLE.search(html)
    assert not HANDLER.search(html)
    for form in re.findall(r"<form[^>]*method=\"post\"[^>]*>.*?</form>", html, re.DOTALL):
        assert "csrfmiddlewaretoken" in form


@pytest.mark.parametrize("url", ANONYMOUS_PAGES)
def test_account_pages(client, url) -> None:
    response = client.get(url)
    assert response.status_code == 200
    check_page(response.content.decode())


@pytest.mark.parametrize("url", OWNER_PAGES)
def test_organisation_pages(client, org, owner, url) -> None:
    Invitation.issue(org=org, email="p@example.com", role=Role.VIEWER, created_by=owner)
    client.force_login(owner)
    response = client.get(url.format(code=org.code))
    assert response.status_code == 200
    check_page(response.content.decode())


def test_invitation_pages(client, org, owner, outsider) -> None:
    client.force_login(owner)
    created = client.post(
        f"/orgs/{org.code}/invitations/new/", {"email": "o@example.com", "role": "viewer"}
    )
    check_page(created.content.decode())
    token = re.search(r"/orgs/invite/([\w-]+)/", created.content.decode()).group(1)
    client.force_login(outsider)
    check_page(client.get(f"/orgs/invite/{token}/").content.decode())
    check_page(client.get("/orgs/invite/unknown/").content.decode())


def test_forms_show_errors_next_to_their_fields(client, outsider) -> None:
    client.force_login(outsider)
    html = client.post("/orgs/new/", {"name": ""}).content.decode()
    assert re.search(
        r'class="[^"]*is-invalid[^"]*"[^>]*name="name"|name="name"[^>]*is-invalid', html
    )
    assert "invalid-feedback" in html
