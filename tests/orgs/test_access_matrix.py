"""Organisation access beyond the role matrix (which is ``tests/security/test_url_inventory``):
outsiders cannot tell organisations apart, ids never cross organisations."""

from __future__ import annotations

import re

import pytest

from advisor.orgs.models import Invitation, Membership, Organisation, Role
from tests.orgs.fixtures import make_user

pytestmark = pytest.mark.django_db


def test_an_outsider_cannot_tell_a_real_organisation_from_a_missing_one(
    client, outsider, org
) -> None:
    client.force_login(outsider)
    real = client.get(f"/orgs/{org.code}/")
    missing = client.get("/orgs/NoSuchCode1/")
    assert real.status_code == missing.status_code == 404

    def without_per_request_tokens(content: bytes) -> str:
        per_request = r'"X-CSRFToken": "[^"]+"|nonce="[^"]+"|value="[A-Za-z0-9]{64}"'
        return re.sub(per_request, "", content.decode())

    assert without_per_request_tokens(real.content) == without_per_request_tokens(missing.content)


def test_organisations_are_not_reachable_by_primary_key(client, owner, org) -> None:
    client.force_login(owner)
    assert client.get(f"/orgs/{org.pk}/").status_code == 404


def test_ids_from_another_organisation_are_404(client, owner, org) -> None:
    """An owner of one organisation cannot reach another's members or invitations."""
    other_owner = make_user("otto")
    other = Organisation.objects.create(name="Other")
    Membership.objects.create(org=other, user=other_owner, role=Role.OWNER)
    theirs = Membership.objects.create(org=other, user=make_user("tom"), role=Role.VIEWER)
    their_invitation, _ = Invitation.issue(
        org=other, email="x@example.com", role=Role.VIEWER, created_by=other_owner
    )
    client.force_login(owner)
    base = f"/orgs/{org.code}"
    assert client.post(f"{base}/members/{theirs.pk}/role/", {"role": "owner"}).status_code == 404
    assert client.post(f"{base}/members/{theirs.pk}/remove/").status_code == 404
    assert client.post(f"{base}/invitations/{their_invitation.pk}/revoke/").status_code == 404
    theirs.refresh_from_db()
    their_invitation.refresh_from_db()
    assert theirs.role == Role.VIEWER
    assert their_invitation.revoked_at is None


def test_invitation_accept_page_needs_login(client) -> None:
    response = client.get("/orgs/invite/some-token/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/login/?next=/orgs/invite/some-token/"
