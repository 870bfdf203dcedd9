"""Security fixtures: the organisation's users (``tests/orgs/fixtures.py``) and a scene.

``scene`` is everything an organisation-scoped URL can name: ``org`` (owner, editor and
viewer as in ``tests/orgs/fixtures.py``), a report of it with a share link, another
viewer (``target``, none of the actors) and a pending invitation, with the raw tokens.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.core.handlers.base import BaseHandler

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
    # Saved under older rules, so a re-run makes a new report (an unchanged one makes none).
    report.snapshot["ruleset_version"] -= 1
    report.save(update_fields=["snapshot"])
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


def examples(count: int) -> int:
    """Hypothesis examples per fuzz test: ``count`` times ADVISOR_FUZZ_SCALE (default 1), so
    a long attack run is ``ADVISOR_FUZZ_SCALE=20 .venv/bin/python -m pytest tests/security``."""
    return count * max(int(os.environ.get("ADVISOR_FUZZ_SCALE", "1")), 1)


# Attack figures for the README: every request these tests make (test client, hypothesis,
# schemathesis through WSGI) and how many answered 5xx, printed at the end of the run.
RESPONSES: Counter[str] = Counter()


@pytest.fixture(autouse=True)
def _count_responses(monkeypatch: pytest.MonkeyPatch) -> None:
    original = BaseHandler.get_response

    def counting(self: BaseHandler, request):  # type: ignore[no-untyped-def]
        response = original(self, request)
        RESPONSES["requests"] += 1
        if response.status_code >= 500:
            RESPONSES["5xx"] += 1
        return response

    monkeypatch.setattr(BaseHandler, "get_response", counting)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if RESPONSES["requests"]:
        terminalreporter.write_line(
            f"tests/security: {RESPONSES['requests']:,} requests answered, "
            f"{RESPONSES['5xx']:,} with a 5xx status"
        )
