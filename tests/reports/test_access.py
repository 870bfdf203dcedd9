"""Who may do what with an organisation's reports: every URL and action for every visitor.

Owners and editors read and change; viewers only read (403 on changes); outsiders get 404,
as if the organisation did not exist; anonymous visitors are sent to the login page.
Refused actions change nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from advisor.orgs.models import Membership, Role
from advisor.reports.models import Report, ShareLink
from tests.orgs.fixtures import make_org, make_user
from tests.reports.helpers import make_link, make_report, url

pytestmark = pytest.mark.django_db

ACTORS = ("owner", "editor", "viewer", "outsider", "anonymous")

READ = {"owner": 200, "editor": 200, "viewer": 200, "outsider": 404, "anonymous": 302}
EDIT_PAGE = {"owner": 200, "editor": 200, "viewer": 403, "outsider": 404, "anonymous": 302}
EDIT_POST = {"owner": 302, "editor": 302, "viewer": 403, "outsider": 404, "anonymous": 302}


@dataclass
class Scene:
    report: Report
    link: ShareLink


@pytest.fixture
def scene(report: Report) -> Scene:
    link, _ = make_link(report)
    return Scene(report=report, link=link)


@dataclass
class Action:
    method: str
    path: Callable[[Scene], str]
    expected: dict[str, int]
    data: dict[str, str] | None = None
    changed: Callable[[Scene], bool] | None = None  # did the action take effect?


ACTIONS: dict[str, Action] = {
    "list": Action("get", lambda s: f"/orgs/{s.report.org.code}/reports/", READ),
    "detail": Action("get", lambda s: url(s.report), READ),
    "edit page": Action("get", lambda s: url(s.report, "edit/"), EDIT_PAGE),
    "edit": Action(
        "post",
        lambda s: url(s.report, "edit/"),
        EDIT_POST,
        {"title": "Renamed", "notes": ""},
        lambda s: Report.objects.get(pk=s.report.pk).title == "Renamed",
    ),
    "delete page": Action(
        "get",
        lambda s: url(s.report, "delete/"),
        EDIT_PAGE,
        changed=lambda s: not Report.objects.filter(pk=s.report.pk).exists(),
    ),
    "delete": Action(
        "post",
        lambda s: url(s.report, "delete/"),
        EDIT_POST,
        {},
        lambda s: not Report.objects.filter(pk=s.report.pk).exists(),
    ),
    "rerun": Action(
        "post",
        lambda s: url(s.report, "rerun/"),
        EDIT_POST,
        {},
        lambda s: Report.objects.filter(previous=s.report).exists(),
    ),
    "export md": Action("get", lambda s: url(s.report, "export.md"), READ),
    "export json": Action("get", lambda s: url(s.report, "export.json"), READ),
    "share": Action(
        "post",
        lambda s: url(s.report, "links/"),
        {**EDIT_POST, "owner": 200, "editor": 200},  # the link is shown in the answer, once
        {"expires_on": ""},
        lambda s: ShareLink.objects.filter(report=s.report).count() == 2,
    ),
    "revoke": Action(
        "post",
        lambda s: url(s.report, f"links/{s.link.pk}/revoke/"),
        EDIT_POST,
        {},
        lambda s: ShareLink.objects.get(pk=s.link.pk).revoked_at is not None,
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
    path = action.path(scene)
    response = getattr(client, action.method)(path, action.data or {})

    assert response.status_code == expected
    if actor == "anonymous":
        assert response.headers["Location"] == f"/accounts/login/?next={path}"
    if action.changed is not None:
        takes_effect = action.method == "post" and actor in ("owner", "editor")
        assert action.changed(scene) == takes_effect


@pytest.mark.parametrize("suffix", ["rerun/", "links/", "links/{link}/revoke/"])
def test_post_only_actions_refuse_get(client, owner, scene, suffix) -> None:
    client.force_login(owner)
    response = client.get(url(scene.report, suffix.format(link=scene.link.pk)))
    assert response.status_code == 405
    assert not Report.objects.filter(previous=scene.report).exists()
    assert ShareLink.objects.get(pk=scene.link.pk).revoked_at is None


def test_unknown_export_format_is_404(client, viewer, report) -> None:
    client.force_login(viewer)
    assert client.get(url(report, "export.pdf")).status_code == 404


def test_report_codes_are_random_not_the_primary_key(client, owner, report) -> None:
    client.force_login(owner)
    assert report.code != str(report.pk)
    assert len(report.code) >= 16
    assert client.get(f"/orgs/{report.org.code}/reports/{report.pk}/").status_code == 404


@pytest.mark.parametrize("also_member_of_a", [False, True], ids=["owner-of-b", "member-of-both"])
def test_a_report_of_org_a_under_org_b_url_is_404(client, report, also_member_of_a) -> None:
    """Reports are looked up within the organisation in the URL, never by code alone."""
    bella = make_user("bella")
    org_b = make_org("Bee Corp", owner=bella)
    if also_member_of_a:
        Membership.objects.create(org=report.org, user=bella, role=Role.OWNER)
    link, _ = make_link(report)
    client.force_login(bella)
    base = f"/orgs/{org_b.code}/reports/{report.code}/"

    for suffix in ("", "edit/", "delete/", "export.md", "export.json"):
        assert client.get(base + suffix).status_code == 404, suffix
    for suffix in ("edit/", "delete/", "rerun/", "links/", f"links/{link.pk}/revoke/"):
        assert client.post(base + suffix, {"title": "Hijacked"}).status_code == 404, suffix

    report.refresh_from_db()
    link.refresh_from_db()
    assert report.title == "Patient notes summariser"
    assert Report.objects.count() == 1
    assert ShareLink.objects.count() == 1
    assert link.revoked_at is None
    assert report.org.code not in client.get(f"/orgs/{org_b.code}/reports/").content.decode()


def test_revoking_a_link_of_another_report_has_no_effect(client, editor, org, report) -> None:
    other = make_report(org, title="Another report")
    their_link, _ = make_link(other)
    client.force_login(editor)

    response = client.post(url(report, f"links/{their_link.pk}/revoke/"), follow=True)

    assert response.status_code in (200, 404)
    assert "Share link revoked" not in response.content.decode()
    their_link.refresh_from_db()
    assert their_link.revoked_at is None


def test_revoking_a_link_of_another_organisation_is_404(client, editor, report) -> None:
    theirs = make_report(make_org("Bee Corp", owner=make_user("bella")), title="Theirs")
    their_link, _ = make_link(theirs)
    client.force_login(editor)

    assert client.post(url(theirs, f"links/{their_link.pk}/revoke/")).status_code == 404
    assert client.post(url(report, f"links/{their_link.pk}/revoke/")).status_code in (302, 404)

    their_link.refresh_from_db()
    assert their_link.revoked_at is None
