"""Inviting people: the single-use link, its hashed storage, accepting, expiry, revoking."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from advisor.orgs.models import Invitation, Membership, Role
from tests.orgs.fixtures import PASSWORD, make_user, membership_of

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver/orgs/invite/([A-Za-z0-9_-]+)/")


def invite(client, org, email="newbie@example.com", role="editor"):
    return client.post(f"/orgs/{org.code}/invitations/new/", {"email": email, "role": role})


def issue(org, owner, email="newbie@example.com", role=Role.EDITOR) -> tuple[Invitation, str]:
    return Invitation.issue(org=org, email=email, role=role, created_by=owner)


def database_text() -> str:
    """Every row of every table, as text: to prove what the database does not hold."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            chunks.append(repr(cursor.fetchall()))
    return "\n".join(chunks)


# Creating -----------------------------------------------------------------------------------


def test_creating_an_invitation_shows_the_link_once_and_emails_it(client, org, owner) -> None:
    client.force_login(owner)
    response = invite(client, org)
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    html = response.content.decode()
    token = LINK.search(html).group(1)
    assert len(token) >= 40

    invitation = Invitation.objects.get(org=org)
    assert (invitation.email, invitation.role, invitation.created_by) == (
        "newbie@example.com",
        Role.EDITOR,
        owner,
    )
    assert invitation.status == "pending"
    assert timedelta(days=6, hours=23) < invitation.expires_at - timezone.now() <= timedelta(7)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["newbie@example.com"]
    assert message.subject == "You are invited to join Acme Ltd on Sourcing Advisor"
    assert f"http://testserver/orgs/invite/{token}/" in message.body
    assert "olivia invites you to join Acme Ltd on Sourcing Advisor as editor." in message.body

    # Once: the organisation page and the form never show it again.
    assert token not in client.get(f"/orgs/{org.code}/").content.decode()
    assert token not in client.get(f"/orgs/{org.code}/invitations/new/").content.decode()


def test_the_database_holds_only_the_hash_of_the_token(client, org, owner) -> None:
    client.force_login(owner)
    token = LINK.search(invite(client, org).content.decode()).group(1)
    invitation = Invitation.objects.get(org=org)
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    everything = database_text()
    assert invitation.token_hash in everything  # the dump does see the table
    assert token not in everything


def test_an_invitation_email_in_plain_text_is_not_html_escaped(client, owner) -> None:
    from tests.orgs.fixtures import make_org

    org = make_org("Smith & Sons", owner=owner)
    client.force_login(owner)
    invite(client, org)
    assert "Smith & Sons" in mail.outbox[0].subject
    assert "Smith & Sons" in mail.outbox[0].body


def test_the_link_is_still_shown_when_the_email_cannot_be_sent(client, org, owner) -> None:
    client.force_login(owner)
    with mock.patch("advisor.orgs.views.EmailMessage.send", side_effect=OSError("no smtp")):
        response = invite(client, org)
    assert response.status_code == 200
    html = response.content.decode()
    assert LINK.search(html)
    assert "We could not email newbie@example.com" in html
    assert Invitation.objects.filter(org=org).count() == 1


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "This field is required"),
        ("not-an-address", "valid email"),
        ("VERA@example.com", "already a member"),
    ],
)
def test_a_bad_invitation_rerenders_with_the_error(client, org, owner, email, message) -> None:
    client.force_login(owner)
    response = invite(client, org, email=email)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["email"])
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_an_unknown_role_is_a_field_error(client, org, owner) -> None:
    client.force_login(owner)
    response = invite(client, org, role="admin")
    assert response.status_code == 200
    assert response.context["form"].errors["role"]
    assert not Invitation.objects.exists()


def test_a_second_pending_invitation_to_the_same_address_is_refused(client, org, owner) -> None:
    issue(org, owner, email="newbie@example.com")
    client.force_login(owner)
    response = invite(client, org, email="Newbie@Example.com")
    assert response.status_code == 200
    assert "pending invitation" in " ".join(response.context["form"].errors["email"])
    assert Invitation.objects.count() == 1


def test_a_new_invitation_is_allowed_once_the_old_one_is_revoked(client, org, owner) -> None:
    old, _ = issue(org, owner)
    Invitation.objects.filter(pk=old.pk).update(revoked_at=timezone.now())
    client.force_login(owner)
    assert LINK.search(invite(client, org).content.decode())
    assert Invitation.objects.count() == 2


# Accepting ----------------------------------------------------------------------------------


def test_accepting_adds_the_user_with_the_invited_role(client, org, owner, outsider) -> None:
    invitation, token = issue(org, owner, email="oscar@example.com", role=Role.EDITOR)
    client.force_login(outsider)

    page = client.get(f"/orgs/invite/{token}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Join Acme Ltd" in html
    assert "<strong>editor</strong>" in html
    assert "This invitation was sent to" not in html
    assert not Membership.objects.filter(user=outsider).exists()  # GET changes nothing

    response = client.post(f"/orgs/invite/{token}/", follow=True)
    assert response.redirect_chain == [(f"/orgs/{org.code}/", 302)]
    assert "Welcome to Acme Ltd. You are editor." in response.content.decode()
    assert membership_of(org, outsider).role == Role.EDITOR
    invitation.refresh_from_db()
    assert invitation.accepted_by == outsider
    assert invitation.accepted_at is not None
    assert invitation.status == "accepted"


def test_a_link_works_only_once(client, org, owner, outsider) -> None:
    _, token = issue(org, owner, role=Role.VIEWER)
    client.force_login(outsider)
    client.post(f"/orgs/invite/{token}/")
    latecomer = make_user("lena")
    client.force_login(latecomer)

    page = client.get(f"/orgs/invite/{token}/")
    assert page.status_code == 404
    assert "already been used" in page.content.decode()
    response = client.post(f"/orgs/invite/{token}/")
    assert response.status_code == 404
    assert not Membership.objects.filter(user=latecomer).exists()


def test_an_expired_link_is_404_with_an_explanation(client, org, owner, outsider) -> None:
    invitation, token = issue(org, owner)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    client.force_login(outsider)
    page = client.get(f"/orgs/invite/{token}/")
    assert page.status_code == 404
    assert "It has expired" in page.content.decode()
    assert client.post(f"/orgs/invite/{token}/").status_code == 404
    assert not Membership.objects.filter(user=outsider).exists()
    # An expired invitation is no longer listed as pending.
    client.force_login(owner)
    assert "newbie@example.com" not in client.get(f"/orgs/{org.code}/").content.decode()


def test_a_revoked_link_is_404_with_an_explanation(client, org, owner, outsider) -> None:
    invitation, token = issue(org, owner)
    client.force_login(owner)
    response = client.post(f"/orgs/{org.code}/invitations/{invitation.pk}/revoke/", follow=True)
    assert "Revoked the invitation to newbie@example.com." in response.content.decode()
    assert response.context["invitations"] == []
    invitation.refresh_from_db()
    assert invitation.status == "revoked"

    client.force_login(outsider)
    page = client.get(f"/orgs/invite/{token}/")
    assert page.status_code == 404
    assert "withdrawn" in page.content.decode()
    assert client.post(f"/orgs/invite/{token}/").status_code == 404
    assert not Membership.objects.filter(user=outsider).exists()


def test_an_unknown_token_is_404_with_an_explanation(client, outsider) -> None:
    client.force_login(outsider)
    page = client.get("/orgs/invite/not-a-real-token/")
    assert page.status_code == 404
    assert "We do not recognise it" in page.content.decode()


def test_a_used_invitation_cannot_be_revoked(client, org, owner, outsider) -> None:
    invitation, token = issue(org, owner)
    client.force_login(outsider)
    client.post(f"/orgs/invite/{token}/")
    client.force_login(owner)
    response = client.post(f"/orgs/{org.code}/invitations/{invitation.pk}/revoke/", follow=True)
    assert "already accepted" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
    assert Membership.objects.filter(org=org, user=outsider).exists()


def test_an_existing_member_keeps_their_role_and_the_link_stays_unused(
    client, org, owner, viewer
) -> None:
    invitation, token = issue(org, owner, role=Role.OWNER)
    client.force_login(viewer)
    page = client.get(f"/orgs/invite/{token}/")
    assert page.status_code == 200
    assert "You are already a member of Acme Ltd, as viewer" in page.content.decode()

    response = client.post(f"/orgs/invite/{token}/")
    assert response.status_code == 302
    assert Membership.objects.filter(org=org, user=viewer).count() == 1
    assert membership_of(org, viewer).role == Role.VIEWER
    invitation.refresh_from_db()
    assert invitation.status == "pending"


def test_signed_in_as_someone_else_the_page_says_so(client, org, owner, outsider) -> None:
    _, token = issue(org, owner, email="someone.else@example.com")
    client.force_login(outsider)
    html = client.get(f"/orgs/invite/{token}/").content.decode()
    assert "This invitation was sent to someone.else@example.com" in html
    assert "signed in as oscar" in html


def test_a_newcomer_signs_up_from_the_link_and_lands_on_the_invitation(client, org, owner) -> None:
    _, token = issue(org, owner, role=Role.VIEWER)
    invite_path = f"/orgs/invite/{token}/"

    to_login = client.get(invite_path)
    assert to_login.headers["Location"] == f"/accounts/login/?next={invite_path}"
    login_page = client.get(to_login.headers["Location"]).content.decode()
    assert f'href="/accounts/signup/?next={invite_path}"' in login_page

    signed_up = client.post(
        f"/accounts/signup/?next={invite_path}",
        {
            "username": "nina",
            "email": "newbie@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert signed_up.headers["Location"] == invite_path
    client.post(invite_path)
    nina = Membership.objects.select_related("user").get(org=org, user__username="nina")
    assert nina.role == Role.VIEWER


def test_accepting_a_link_someone_claimed_a_moment_ago_is_refused(
    client, org, owner, outsider
) -> None:
    """Two people racing for one link: the second finds it used, not a duplicate."""
    invitation, token = issue(org, owner)
    client.force_login(outsider)
    original_find = Invitation.find

    def find_then_lose_the_race(raw: str) -> Invitation | None:
        found = original_find(raw)
        Invitation.objects.filter(pk=invitation.pk).update(
            accepted_at=timezone.now(), accepted_by=owner
        )
        return found

    with mock.patch.object(Invitation, "find", side_effect=find_then_lose_the_race):
        response = client.post(f"/orgs/invite/{token}/")
    assert response.status_code == 404
    assert "already been used" in response.content.decode()
    assert not Membership.objects.filter(user=outsider).exists()


def test_revoking_an_expired_invitation_changes_nothing(client, org, owner) -> None:
    invitation, _ = issue(org, owner)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    client.force_login(owner)
    response = client.post(f"/orgs/{org.code}/invitations/{invitation.pk}/revoke/", follow=True)
    assert "already expired" in response.content.decode()
    assert Invitation.objects.get(pk=invitation.pk).revoked_at is None
