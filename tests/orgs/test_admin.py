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


def test_an_owner_demoted_in_the_admin_loses_their_pending_invitations(
    admin_client, org, owner, editor
) -> None:
    from advisor.orgs.models import Membership

    Membership.objects.filter(org=org, user=editor).update(role=Role.OWNER)
    issued, _ = Invitation.issue(org=org, email="x@example.com", role=Role.OWNER, created_by=editor)
    kept, _ = Invitation.issue(org=org, email="y@example.com", role=Role.OWNER, created_by=owner)
    members = list(Membership.objects.filter(org=org).order_by("pk"))
    data = {
        "name": org.name,
        "memberships-TOTAL_FORMS": str(len(members)),
        "memberships-INITIAL_FORMS": str(len(members)),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for i, m in enumerate(members):
        role = Role.VIEWER if m.user_id == editor.pk else m.role
        data |= {
            f"memberships-{i}-id": str(m.pk),
            f"memberships-{i}-org": str(org.pk),
            f"memberships-{i}-user": str(m.user_id),
            f"memberships-{i}-role": role,
        }
    response = admin_client.post(f"/admin/orgs/organisation/{org.pk}/change/", data)
    assert response.status_code == 302
    assert Membership.objects.get(org=org, user=editor).role == Role.VIEWER
    issued.refresh_from_db()
    kept.refresh_from_db()
    assert (issued.status, kept.status) == ("revoked", "pending")
