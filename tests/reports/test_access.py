"""Reports across organisations: ids and links never cross from one organisation to another.
The role matrix itself is ``tests/security/test_url_inventory``."""

from __future__ import annotations

import pytest

from advisor.orgs.models import Membership, Role
from advisor.reports.models import Report, ShareLink
from tests.orgs.fixtures import make_org, make_user
from tests.reports.helpers import make_link, make_report, url

pytestmark = pytest.mark.django_db

ACTORS = ("owner", "editor", "viewer", "outsider", "anonymous")


def test_unknown_export_format_is_404(client, viewer, report) -> None:
    client.force_login(viewer)
    assert client.get(url(report, "export.docx")).status_code == 404


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

    response = client.post(url(report, f"links/{their_link.pk}/revoke/"))

    assert response.status_code == 404  # not a link of this report
    their_link.refresh_from_db()
    assert their_link.revoked_at is None


def test_revoking_a_link_of_another_organisation_is_404(client, editor, report) -> None:
    theirs = make_report(make_org("Bee Corp", owner=make_user("bella")), title="Theirs")
    their_link, _ = make_link(theirs)
    client.force_login(editor)

    assert client.post(url(theirs, f"links/{their_link.pk}/revoke/")).status_code == 404
    assert client.post(url(report, f"links/{their_link.pk}/revoke/")).status_code == 404

    their_link.refresh_from_db()
    assert their_link.revoked_at is None
