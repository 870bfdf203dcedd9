"""Reusable users and an organisation for tests of anything organisation-scoped.

``tests/orgs/conftest.py`` imports these; another app's tests get them the same way, in
their own ``conftest.py``::

    from tests.orgs.fixtures import editor, org, outsider, owner, viewer  # noqa: F401

``org`` is "Acme Ltd" with ``owner`` (owner), ``editor`` (editor) and ``viewer``
(viewer) as members; ``outsider`` is a user with no membership. Every user's password is
``PASSWORD``; log in with ``client.force_login(user)``.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser

from advisor.orgs.models import Membership, Organisation, Role

PASSWORD = "Quiet-harbour-lantern-42"


def make_user(username: str, *, email: str | None = None) -> AbstractBaseUser:
    """A user with ``PASSWORD`` and ``<username>@example.com`` unless told otherwise."""
    return get_user_model().objects.create_user(
        username=username,
        email=email if email is not None else f"{username}@example.com",
        password=PASSWORD,
    )


def make_org(name: str = "Acme Ltd", **members: AbstractBaseUser) -> Organisation:
    """An organisation; ``make_org(owner=alice, viewer=bob)`` adds members by role."""
    org = Organisation.objects.create(name=name)
    for role, user in members.items():
        Membership.objects.create(org=org, user=user, role=Role(role))
    return org


def membership_of(org: Organisation, user: AbstractBaseUser) -> Membership:
    return Membership.objects.get(org=org, user=user)


@pytest.fixture
def owner(db: None) -> AbstractBaseUser:
    return make_user("olivia")


@pytest.fixture
def editor(db: None) -> AbstractBaseUser:
    return make_user("edward")


@pytest.fixture
def viewer(db: None) -> AbstractBaseUser:
    return make_user("vera")


@pytest.fixture
def outsider(db: None) -> AbstractBaseUser:
    return make_user("oscar")


@pytest.fixture
def org(
    owner: AbstractBaseUser, editor: AbstractBaseUser, viewer: AbstractBaseUser
) -> Organisation:
    return make_org("Acme Ltd", owner=owner, editor=editor, viewer=viewer)
