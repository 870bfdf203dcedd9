"""Security fixtures: the organisation's users (``tests/orgs/fixtures.py``) and a scene.

``scene`` is everything an organisation-scoped URL can name: ``org`` (owner, editor and
viewer as in ``tests/orgs/fixtures.py``), a report of it with a share link, another
viewer (``target``, none of the actors) and a pending invitation, with the raw tokens.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AbstractBaseUser

from advisor.orgs.models import Invitation, Membership, Organisation, Role
from advisor.reports.models import Report, ShareLink
from tests.orgs.fixtures import editor, make_user, org, outsider, owner, viewer  # noqa: F401
from tests.reports.helpers import make_link, make_report


@dataclass
class Scene:
    org: Organisation
    report: Report
    link: ShareLink
    share_token: str
    target: Membership
    invitation: Invitation
    invitation_token: str


@pytest.fixture
def scene(org: Organisation, editor: AbstractBaseUser) -> Scene:  # noqa: F811
    report = make_report(org, created_by=editor)
    link, share_token = make_link(report)
    target = Membership.objects.create(org=org, user=make_user("tess"), role=Role.VIEWER)
    invitation, invitation_token = Invitation.issue(
        org=org, email="invitee@example.com", role=Role.VIEWER, created_by=None
    )
    return Scene(
        org=org,
        report=report,
        link=link,
        share_token=share_token,
        target=target,
        invitation=invitation,
        invitation_token=invitation_token,
    )
