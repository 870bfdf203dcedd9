"""Who may do what: every organisation URL and action for every kind of visitor.

Owners do everything; editors and viewers read; outsiders get 404 (as if the organisation
did not exist); anonymous visitors are sent to the login page. Refused actions change
nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from advisor.orgs.models import Invitation, Membership, Organisation, Role
from tests.orgs.fixtures import make_user

pytestmark = pytest.mark.django_db

ACTORS = ("owner", "editor", "viewer", "outsider", "anonymous")


@dataclass
class Scene:
    org: Organisation
    target: Membership  # a viewer who is none of the actors
    invitation: Invitation


@pytest.fixture
def scene(org: Organisation) -> Scene:
    target = Membership.objects.create(org=org, user=make_user("tess"), role=Role.VIEWER)
    invitation, _ = Invitation.issue(
        org=org, email="invitee@example.com", role=Role.VIEWER, created_by=None
    )
    return Scene(org=org, target=target, invitation=invitation)


@dataclass
class Action:
    method: str
    url: Callable[[Scene], str]
    expected: dict[str, int]
    data: dict[str, str] | None = None
    changed: Callable[[Scene], bool] | None = None  # did the action take effect?


READ_ANY_MEMBER = {"owner": 200, "editor": 200, "viewer": 200, "outsider": 404, "anonymous": 302}
OWNER_PAGE = {"owner": 200, "editor": 403, "viewer": 403, "outsider": 404, "anonymous": 302}
OWNER_POST = {"owner": 302, "editor": 403, "viewer": 403, "outsider": 404, "anonymous": 302}
ANY_USER = {"owner": 200, "editor": 200, "viewer": 200, "outsider": 200, "anonymous": 302}

ACTIONS: dict[str, Action] = {
    "list": Action("get", lambda s: "/orgs/", ANY_USER),
    "create page": Action("get", lambda s: "/orgs/new/", ANY_USER),
    "create": Action(
        "post",
        lambda s: "/orgs/new/",
        {**ANY_USER, "owner": 302, "editor": 302, "viewer": 302, "outsider": 302},
        {"name": "Brand new"},
        lambda s: Organisation.objects.filter(name="Brand new").exists(),
    ),
    "detail": Action("get", lambda s: f"/orgs/{s.org.code}/", READ_ANY_MEMBER),
    "settings page": Action("get", lambda s: f"/orgs/{s.org.code}/settings/", OWNER_PAGE),
    "rename": Action(
        "post",
        lambda s: f"/orgs/{s.org.code}/settings/",
        OWNER_POST,
        {"name": "Renamed"},
        lambda s: Organisation.objects.get(pk=s.org.pk).name == "Renamed",
    ),
    "change role": Action(
        "post",
        lambda s: f"/orgs/{s.org.code}/members/{s.target.pk}/role/",
        OWNER_POST,
        {"role": "editor"},
        lambda s: Membership.objects.get(pk=s.target.pk).role == Role.EDITOR,
    ),
    "remove member": Action(
        "post",
        lambda s: f"/orgs/{s.org.code}/members/{s.target.pk}/remove/",
        OWNER_POST,
        {},
        lambda s: not Membership.objects.filter(pk=s.target.pk).exists(),
    ),
    "invitation page": Action("get", lambda s: f"/orgs/{s.org.code}/invitations/new/", OWNER_PAGE),
    "invite": Action(
        "post",
        lambda s: f"/orgs/{s.org.code}/invitations/new/",
        {**OWNER_POST, "owner": 200},  # the link is shown in the answer, once
        {"email": "new@example.com", "role": "editor"},
        lambda s: Invitation.objects.filter(email="new@example.com").exists(),
    ),
    "revoke invitation": Action(
        "post",
        lambda s: f"/orgs/{s.org.code}/invitations/{s.invitation.pk}/revoke/",
        OWNER_POST,
        {},
        lambda s: Invitation.objects.get(pk=s.invitation.pk).revoked_at is not None,
    ),
}

CASES = [
    pytest.param(name, actor, action.expected[actor], id=f"{name}-{actor}")
    for name, action in ACTIONS.items()
    for actor in ACTORS
]


@pytest.mark.parametrize(("name", "actor", "expected"), CASES)
def test_access_matrix(client, request, scene, name, actor, expected) -> None:
    action = ACTIONS[name]
    if actor != "anonymous":
        client.force_login(request.getfixturevalue(actor))
    url = action.url(scene)
    response = getattr(client, action.method)(url, action.data or {})

    assert response.status_code == expected
    if actor == "anonymous":
        assert response.headers["Location"].startswith("/accounts/login/?next=/orgs/")
    if action.changed is not None:
        assert action.changed(scene) == (expected in (200, 302) and actor != "anonymous")


@pytest.mark.parametrize(
    "url",
    [
        "/orgs/{code}/members/{target}/role/",
        "/orgs/{code}/members/{target}/remove/",
        "/orgs/{code}/invitations/{invitation}/revoke/",
    ],
)
def test_post_only_actions_refuse_get(client, owner, scene, url) -> None:
    client.force_login(owner)
    url = url.format(code=scene.org.code, target=scene.target.pk, invitation=scene.invitation.pk)
    assert client.get(url).status_code == 405
    assert Membership.objects.get(pk=scene.target.pk).role == Role.VIEWER
    assert Invitation.objects.get(pk=scene.invitation.pk).revoked_at is None


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


def test_invitation_accept_page_needs_login(client, scene) -> None:
    response = client.get("/orgs/invite/some-token/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/login/?next=/orgs/invite/some-token/"
