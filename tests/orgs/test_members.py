"""Changing roles, removing members, leaving, and the last owner's protection."""

from __future__ import annotations

import pytest

from advisor.orgs.models import Membership, Role
from tests.orgs.fixtures import make_user, membership_of

pytestmark = pytest.mark.django_db


def role_url(org, membership) -> str:
    return f"/orgs/{org.code}/members/{membership.pk}/role/"


def remove_url(org, membership) -> str:
    return f"/orgs/{org.code}/members/{membership.pk}/remove/"


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_an_owner_changes_a_members_role(client, org, owner, viewer) -> None:
    client.force_login(owner)
    target = membership_of(org, viewer)
    response = client.post(role_url(org, target), {"role": "editor"}, follow=True)
    assert response.redirect_chain == [(f"/orgs/{org.code}/", 302)]
    assert "vera is now editor." in messages_of(response)
    target.refresh_from_db()
    assert target.role == Role.EDITOR


def test_an_owner_can_make_another_owner(client, org, owner, editor) -> None:
    client.force_login(owner)
    client.post(role_url(org, membership_of(org, editor)), {"role": "owner"})
    assert membership_of(org, editor).role == Role.OWNER


def test_an_unknown_role_changes_nothing(client, org, owner, viewer) -> None:
    client.force_login(owner)
    target = membership_of(org, viewer)
    response = client.post(role_url(org, target), {"role": "admin"}, follow=True)
    assert response.status_code == 200
    assert any("Choose one of the roles" in m for m in messages_of(response))
    target.refresh_from_db()
    assert target.role == Role.VIEWER


def test_the_last_owner_cannot_be_demoted(client, org, owner) -> None:
    client.force_login(owner)
    mine = membership_of(org, owner)
    response = client.post(role_url(org, mine), {"role": "viewer"}, follow=True)
    assert "olivia is the only owner of Acme Ltd. Make someone else an owner first." in (
        messages_of(response)
    )
    mine.refresh_from_db()
    assert mine.role == Role.OWNER


def test_the_last_owner_cannot_leave(client, org, owner) -> None:
    client.force_login(owner)
    mine = membership_of(org, owner)
    response = client.post(remove_url(org, mine), follow=True)
    assert response.redirect_chain == [(f"/orgs/{org.code}/", 302)]
    assert "You are the only owner of Acme Ltd. Make someone else an owner first." in (
        messages_of(response)
    )
    assert Membership.objects.filter(pk=mine.pk).exists()


def test_an_owner_can_step_down_when_there_is_another_owner(client, org, owner, editor) -> None:
    Membership.objects.filter(org=org, user=editor).update(role=Role.OWNER)
    client.force_login(owner)
    client.post(role_url(org, membership_of(org, owner)), {"role": "editor"})
    assert membership_of(org, owner).role == Role.EDITOR
    # ...and now the other owner is the last one.
    client.force_login(editor)
    client.post(role_url(org, membership_of(org, editor)), {"role": "viewer"})
    assert membership_of(org, editor).role == Role.OWNER


def test_an_owner_can_leave_when_there_is_another_owner(client, org, owner, editor) -> None:
    Membership.objects.filter(org=org, user=editor).update(role=Role.OWNER)
    client.force_login(owner)
    response = client.post(remove_url(org, membership_of(org, owner)), follow=True)
    assert response.redirect_chain == [("/orgs/", 302)]
    assert "You left Acme Ltd." in messages_of(response)
    assert not Membership.objects.filter(org=org, user=owner).exists()
    assert client.get(f"/orgs/{org.code}/").status_code == 404


def test_an_owner_removes_another_owner_but_never_the_last(client, org, owner, editor) -> None:
    Membership.objects.filter(org=org, user=editor).update(role=Role.OWNER)
    client.force_login(owner)
    client.post(remove_url(org, membership_of(org, editor)))
    assert not Membership.objects.filter(org=org, user=editor).exists()
    client.post(remove_url(org, membership_of(org, owner)))
    assert membership_of(org, owner).role == Role.OWNER


def test_an_owner_removes_a_member(client, org, owner, editor) -> None:
    client.force_login(owner)
    response = client.post(remove_url(org, membership_of(org, editor)), follow=True)
    assert response.redirect_chain == [(f"/orgs/{org.code}/", 302)]
    assert "Removed edward from Acme Ltd." in messages_of(response)
    assert not Membership.objects.filter(org=org, user=editor).exists()


@pytest.mark.parametrize("leaver", ["editor", "viewer"])
def test_any_member_can_leave(client, request, org, leaver) -> None:
    user = request.getfixturevalue(leaver)
    client.force_login(user)
    response = client.post(remove_url(org, membership_of(org, user)))
    assert response.status_code == 302
    assert response.headers["Location"] == "/orgs/"
    assert not Membership.objects.filter(org=org, user=user).exists()
    assert Membership.objects.filter(org=org).count() == 2


def test_a_viewer_cannot_promote_themselves(client, org, viewer) -> None:
    client.force_login(viewer)
    response = client.post(role_url(org, membership_of(org, viewer)), {"role": "owner"})
    assert response.status_code == 403
    assert membership_of(org, viewer).role == Role.VIEWER


def test_an_editor_cannot_remove_someone_else(client, org, editor, viewer) -> None:
    client.force_login(editor)
    response = client.post(remove_url(org, membership_of(org, viewer)))
    assert response.status_code == 403
    assert Membership.objects.filter(org=org, user=viewer).exists()


def test_a_member_of_the_same_name_elsewhere_is_untouched(client, org, owner) -> None:
    """Leaving one organisation leaves the user's other memberships alone."""
    other = Membership.objects.create(
        org=type(org).objects.create(name="Other"), user=make_user("ursula"), role=Role.OWNER
    )
    mine = Membership.objects.create(org=org, user=other.user, role=Role.VIEWER)
    client.force_login(other.user)
    client.post(remove_url(org, mine))
    assert not Membership.objects.filter(pk=mine.pk).exists()
    assert Membership.objects.filter(pk=other.pk).exists()
