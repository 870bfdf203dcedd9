"""The admin lists organisations with their members, and invitations without their token."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from advisor.orgs.models import Invitation, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(admin)
    return client


def test_organisation_admin_shows_members_inline(admin_client, org) -> None:
    assert "Acme Ltd" in admin_client.get("/admin/orgs/organisation/").content.decode()
    html = admin_client.get(f"/admin/orgs/organisation/{org.pk}/change/").content.decode()
    assert "memberships-TOTAL_FORMS" in html
    assert org.code in html


def test_invitation_admin_never_shows_the_token_hash(admin_client, org, owner) -> None:
    invitation, token = Invitation.issue(
        org=org, email="x@example.com", role=Role.EDITOR, created_by=owner
    )
    listing = admin_client.get("/admin/orgs/invitation/")
    assert listing.status_code == 200
    assert "x@example.com" in listing.content.decode()
    page = admin_client.get(f"/admin/orgs/invitation/{invitation.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert invitation.token_hash not in html
    assert token not in html
    assert "token_hash" not in html


def test_invitations_cannot_be_added_in_the_admin(admin_client) -> None:
    assert admin_client.get("/admin/orgs/invitation/add/").status_code == 403
