"""The access helpers every organisation view (reports' too) relies on."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from advisor.orgs.access import get_membership, get_membership_for_edit, require_role
from advisor.orgs.models import Membership, Role
from tests.orgs.fixtures import make_user

pytestmark = pytest.mark.django_db


def request_as(user):
    request = RequestFactory().get("/")
    request.user = user if user is not None else AnonymousUser()
    return request


@pytest.mark.parametrize(
    ("who", "role"), [("owner", "owner"), ("editor", "editor"), ("viewer", "viewer")]
)
def test_get_membership_returns_the_members_membership(request, org, who, role) -> None:
    user = request.getfixturevalue(who)
    membership = get_membership(request_as(user), org.code)
    assert membership.user == user
    assert membership.org == org
    assert membership.role == role


def test_get_membership_is_404_for_outsiders_anonymous_and_unknown_codes(org, outsider) -> None:
    with pytest.raises(Http404):
        get_membership(request_as(outsider), org.code)
    with pytest.raises(Http404):
        get_membership(request_as(None), org.code)
    with pytest.raises(Http404):
        get_membership(request_as(outsider), "doesnotexist")


@pytest.mark.parametrize(("who", "allowed"), [("owner", True), ("editor", True), ("viewer", False)])
def test_get_membership_for_edit_refuses_viewers(request, org, who, allowed) -> None:
    user = request.getfixturevalue(who)
    if allowed:
        assert get_membership_for_edit(request_as(user), org.code).user == user
    else:
        with pytest.raises(PermissionDenied, match="owners or editors"):
            get_membership_for_edit(request_as(user), org.code)


def test_get_membership_for_edit_is_404_for_outsiders(org, outsider) -> None:
    with pytest.raises(Http404):
        get_membership_for_edit(request_as(outsider), org.code)


def test_require_role_returns_the_membership_or_refuses(request, org, owner, editor) -> None:
    mine = get_membership(request_as(owner), org.code)
    assert require_role(mine, Role.OWNER) is mine
    theirs = get_membership(request_as(editor), org.code)
    with pytest.raises(PermissionDenied, match="Only the organisation's owners can do this"):
        require_role(theirs, Role.OWNER)


def test_membership_role_properties(org, owner, editor, viewer) -> None:
    roles = {m.user: (m.is_owner, m.can_edit) for m in org.memberships.select_related("user")}
    assert roles == {owner: (True, True), editor: (False, True), viewer: (False, False)}


@pytest.mark.parametrize(
    ("role", "expected"),
    [(Role.EDITOR, "you are an editor."), (Role.VIEWER, "you are a viewer.")],
)
def test_the_refusal_uses_the_right_article(org, role, expected) -> None:
    """Found in the attack: "you are a editor"."""
    user = make_user(f"someone-{role}")
    membership = Membership.objects.create(org=org, user=user, role=role)
    with pytest.raises(PermissionDenied) as raised:
        require_role(membership, Role.OWNER)
    assert str(raised.value).endswith(expected)
