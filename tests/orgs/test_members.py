"""Changing roles, removing members, leaving, and the last owner's protection."""

from __future__ import annotations

import pytest
from django.utils import timezone

from advisor.orgs.models import Invitation, Membership, Role
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


# What a removed member issued ------------------------------------------------------------


def accept_url(token: str) -> str:
    return f"/orgs/invite/{token}/"


def test_a_removed_owner_cannot_rejoin_through_an_invitation_they_issued(
    client, org, owner, editor
) -> None:
    """Found in the attack: an owner, removed, came back as owner through an invitation he
    had sent himself (to a second address of his) before the removal."""
    Membership.objects.filter(org=org, user=editor).update(role=Role.OWNER)
    _, token = Invitation.issue(
        org=org, email="second@example.com", role=Role.OWNER, created_by=editor
    )
    client.force_login(owner)
    response = client.post(remove_url(org, membership_of(org, editor)), follow=True)
    assert "Removed edward from Acme Ltd. 1 invitation they created stopped working." in (
        messages_of(response)
    )

    client.force_login(editor)
    assert client.post(accept_url(token)).status_code == 404
    assert not Membership.objects.filter(org=org, user=editor).exists()


def test_a_demoted_owner_cannot_become_owner_again_through_an_invitation_they_issued(
    client, org, owner, editor
) -> None:
    """As with removal: an owner demoted to viewer must not climb back, with a second
    account, through an owner invitation issued while still an owner."""
    Membership.objects.filter(org=org, user=editor).update(role=Role.OWNER)
    _, token = Invitation.issue(
        org=org, email="second@example.com", role=Role.OWNER, created_by=editor
    )
    theirs, _ = Invitation.issue(org=org, email="b@example.com", role=Role.VIEWER, created_by=owner)
    client.force_login(owner)
    response = client.post(
        role_url(org, membership_of(org, editor)), {"role": "viewer"}, follow=True
    )
    assert "edward is now viewer. 1 invitation they created stopped working." in (
        messages_of(response)
    )

    second = make_user("edward2")
    client.force_login(second)
    assert client.post(accept_url(token)).status_code == 404
    assert not Membership.objects.filter(org=org, user=second).exists()
    theirs.refresh_from_db()
    assert theirs.status == "pending"


def test_promoting_or_moving_between_non_owner_roles_keeps_invitations(
    client, org, owner, editor
) -> None:
    invitation, _ = Invitation.issue(
        org=org, email="a@example.com", role=Role.VIEWER, created_by=editor
    )
    client.force_login(owner)
    response = client.post(
        role_url(org, membership_of(org, editor)), {"role": "viewer"}, follow=True
    )
    assert "edward is now viewer." in messages_of(response)
    client.post(role_url(org, membership_of(org, editor)), {"role": "owner"})
    invitation.refresh_from_db()
    assert invitation.status == "pending"


def test_leaving_revokes_your_pending_invitations_only(client, org, owner, editor) -> None:
    mine, _ = Invitation.issue(org=org, email="a@example.com", role=Role.VIEWER, created_by=editor)
    theirs, kept = Invitation.issue(
        org=org, email="b@example.com", role=Role.VIEWER, created_by=owner
    )
    used, _ = Invitation.issue(org=org, email="c@example.com", role=Role.VIEWER, created_by=editor)
    Invitation.objects.filter(pk=used.pk).update(accepted_at=timezone.now())
    client.force_login(editor)

    response = client.post(remove_url(org, membership_of(org, editor)), follow=True)

    assert "You left Acme Ltd. 1 invitation you created stopped working." in (messages_of(response))
    statuses = {i.pk: i.status for i in Invitation.objects.all()}
    assert statuses == {mine.pk: "revoked", theirs.pk: "pending", used.pk: "accepted"}
    newcomer = make_user("nina")
    client.force_login(newcomer)
    client.post(accept_url(kept))
    assert Membership.objects.filter(org=org, user=newcomer).exists()


def test_the_message_lists_invitations_and_share_links_together(client, org, owner, editor):
    from tests.reports.helpers import make_link, make_report

    link, _ = make_link(make_report(org, created_by=editor))
    type(link).objects.filter(pk=link.pk).update(created_by=editor)
    Invitation.issue(org=org, email="a@example.com", role=Role.VIEWER, created_by=editor)
    client.force_login(owner)

    response = client.post(remove_url(org, membership_of(org, editor)), follow=True)

    assert (
        "Removed edward from Acme Ltd. 1 invitation and 1 share link they created stopped working."
    ) in messages_of(response)


def test_the_organisations_app_does_not_import_the_reports_app() -> None:
    """Organisations sit below reports: removing a member tells reports by a signal."""
    import ast
    from pathlib import Path

    package = Path(__file__).resolve().parents[2] / "advisor" / "orgs"
    imported = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
    assert not {name for name in imported if name.startswith("advisor.reports")}
