"""404s in our words (debug off, as in production): pages, reports, the API."""

from __future__ import annotations

import pytest
from django.conf import settings

from tests.orgs.fixtures import editor, org, outsider, owner, viewer  # noqa: F401

pytestmark = pytest.mark.django_db


def test_debug_is_off_here() -> None:
    assert settings.DEBUG is False


def test_an_unknown_url_shows_our_words(client) -> None:
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    page = response.content.decode()
    assert "We can't find that page" in page or "We can&#x27;t find that page" in page
    assert "Resolver404" not in page
    assert "mistyped" in page


def test_a_missing_report_shows_our_words(client, viewer, org) -> None:  # noqa: F811
    client.force_login(viewer)

    response = client.get(f"/orgs/{org.code}/reports/nosuchreport/")

    assert response.status_code == 404
    page = response.content.decode()
    assert "No Report matches" not in page
    assert "no such report" in page


def test_an_outsider_learns_nothing_about_the_organisation(client, outsider, org) -> None:  # noqa: F811
    client.force_login(outsider)

    response = client.get(f"/orgs/{org.code}/reports/nosuchreport/")

    assert response.status_code == 404
    assert "No such organisation." in response.content.decode()


@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/v1/recommend/extra", "/api/v1/v2/x"])
def test_an_unknown_api_path_answers_json(client, path) -> None:
    response = client.get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    errors = response.json()["errors"]
    assert list(errors) == ["path"]
    assert path in errors["path"][0]
