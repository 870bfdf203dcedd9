"""Creating, listing, viewing and renaming organisations."""

from __future__ import annotations

import re

import pytest

from advisor.orgs.models import Invitation, Membership, Organisation, Role
from tests.orgs.fixtures import make_org, make_user

pytestmark = pytest.mark.django_db


def test_creating_an_organisation_makes_the_creator_its_owner(client, outsider) -> None:
    client.force_login(outsider)
    response = client.post("/orgs/new/", {"name": "Globex"})
    org = Organisation.objects.get(name="Globex")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/orgs/{org.code}/"
    membership = Membership.objects.get(org=org)
    assert membership.user == outsider
    assert membership.role == Role.OWNER
    page = client.get(response.headers["Location"]).content.decode()
    assert "Created Globex. You are its owner." in page


def test_creating_with_a_blank_name_rerenders_with_the_error(client, outsider) -> None:
    client.force_login(outsider)
    response = client.post("/orgs/new/", {"name": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert "is-invalid" in response.content.decode()
    assert not Organisation.objects.exists()


def test_organisation_codes_are_random_url_safe_and_not_sequential(outsider) -> None:
    codes = [make_org(f"Org {i}").code for i in range(20)]
    assert len(set(codes)) == 20
    for code in codes:
        assert re.fullmatch(r"[A-Za-z0-9_-]{10,12}", code)
        assert not code.isdigit()
    pks = [str(pk) for pk in Organisation.objects.values_list("pk", flat=True)]
    assert not set(codes) & set(pks)


def test_the_list_shows_only_my_organisations_with_my_role(client, org, viewer) -> None:
    make_org("Not mine", owner=make_user("zed"))
    client.force_login(viewer)
    response = client.get("/orgs/")
    html = response.content.decode()
    assert f'href="/orgs/{org.code}/"' in html
    assert "Acme Ltd" in html
    assert "Viewer" in html
    assert "Not mine" not in html
    assert "Create your first organisation" not in html


def test_the_list_invites_a_newcomer_to_create_a_first_organisation(client, outsider) -> None:
    client.force_login(outsider)
    html = client.get("/orgs/").content.decode()
    assert "Create your first organisation" in html
    assert 'href="/orgs/new/"' in html


def test_the_page_shows_members_roles_and_the_reports_link(client, org, viewer) -> None:
    client.force_login(viewer)
    response = client.get(f"/orgs/{org.code}/")
    html = response.content.decode()
    assert response.context["membership"].role == Role.VIEWER
    assert [(m.user.username, m.role) for m in response.context["members"]] == [
        ("olivia", "owner"),
        ("edward", "editor"),
        ("vera", "viewer"),
    ]
    assert f'href="/orgs/{org.code}/reports/"' in html
    assert '<h2 id="reports-heading" class="h4">Reports</h2>' in html


def test_only_owners_see_invitations_settings_and_member_controls(
    client, org, owner, editor
) -> None:
    Invitation.issue(org=org, email="pending@example.com", role=Role.EDITOR, created_by=owner)

    client.force_login(owner)
    owner_html = client.get(f"/orgs/{org.code}/").content.decode()
    assert "pending@example.com" in owner_html
    assert f'href="/orgs/{org.code}/settings/"' in owner_html
    assert f'href="/orgs/{org.code}/invitations/new/"' in owner_html
    assert "/role/" in owner_html

    client.force_login(editor)
    editor_html = client.get(f"/orgs/{org.code}/").content.decode()
    assert "pending@example.com" not in editor_html
    assert "/settings/" not in editor_html
    assert "/invitations/new/" not in editor_html
    assert "/role/" not in editor_html
    # An editor can still leave: one remove form, for their own membership.
    assert editor_html.count("/remove/") == 1
    assert f"/members/{Membership.objects.get(user=editor).pk}/remove/" in editor_html


def test_an_owner_renames_the_organisation(client, org, owner) -> None:
    client.force_login(owner)
    page = client.get(f"/orgs/{org.code}/settings/")
    assert page.context["form"]["name"].value() == "Acme Ltd"
    response = client.post(f"/orgs/{org.code}/settings/", {"name": "Acme Group"}, follow=True)
    assert response.redirect_chain == [(f"/orgs/{org.code}/", 302)]
    assert "Saved the organisation" in response.content.decode()
    org.refresh_from_db()
    assert org.name == "Acme Group"


def test_renaming_to_a_blank_name_rerenders_with_the_error(client, org, owner) -> None:
    client.force_login(owner)
    response = client.post(f"/orgs/{org.code}/settings/", {"name": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    org.refresh_from_db()
    assert org.name == "Acme Ltd"


def test_a_name_longer_than_allowed_is_a_field_error_not_a_crash(client, outsider) -> None:
    client.force_login(outsider)
    response = client.post("/orgs/new/", {"name": "x" * 101})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
