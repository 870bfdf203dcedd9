"""Creating an organisation from the save page goes back to the save page (safely)."""

from __future__ import annotations

import pytest

from advisor.orgs.models import Organisation
from tests.orgs.fixtures import make_user
from tests.reports.helpers import start_wizard

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(client):
    """A logged-in user with wizard answers and no organisation yet."""
    user = make_user("newcomer")
    client.force_login(user)
    start_wizard(client)
    return user


def test_the_save_page_sends_the_newcomer_to_create_an_organisation(client, newcomer) -> None:
    page = client.get("/reports/save/").content.decode()

    assert 'href="/orgs/new/?next=/reports/save/"' in page


def test_creating_the_organisation_returns_to_the_save_page(client, newcomer) -> None:
    form = client.get("/orgs/new/?next=/reports/save/").content.decode()
    assert '<input type="hidden" name="next" value="/reports/save/">' in form

    response = client.post("/orgs/new/", {"name": "Clinic", "next": "/reports/save/"})

    assert response.status_code == 302
    assert response["Location"] == "/reports/save/"
    assert Organisation.objects.filter(name="Clinic").exists()
    save = client.get("/reports/save/")
    assert save.status_code == 200
    assert 'name="title"' in save.content.decode()


def test_the_save_page_keeps_its_query(client, newcomer) -> None:
    page = client.get("/reports/save/?source=plan&input_tokens=900").content.decode()

    assert "next=/reports/save/%3Fsource%3Dplan%26input_tokens%3D900" in page


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "javascript:alert(1)",
        "http://testserver.evil.example/",
        "reports:save",
        "0",
        "",
    ],
)
def test_no_open_redirect(client, newcomer, target) -> None:
    response = client.post("/orgs/new/", {"name": "Clinic", "next": target})

    org = Organisation.objects.get(name="Clinic")
    assert response.status_code == 302
    assert response["Location"] == f"/orgs/{org.code}/"


def test_a_bad_next_on_the_form_is_dropped(client, newcomer) -> None:
    response = client.get("/orgs/new/?next=https://evil.example/")

    assert response.status_code == 200
    assert "evil.example" not in response.content.decode()
