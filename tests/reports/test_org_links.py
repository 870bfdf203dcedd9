"""A removed member's share links stop working; owners see every live link in one place.

Found in the attack: a member removed from the organisation kept reading its reports
through share links they had created.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from advisor.orgs.models import Membership, Role
from advisor.reports.models import ShareLink
from tests.orgs.fixtures import make_user, membership_of
from tests.reports.helpers import make_link, make_report

pytestmark = pytest.mark.django_db


def link_by(report, user, **fields) -> tuple[ShareLink, str]:
    link, token = make_link(report, **fields)
    ShareLink.objects.filter(pk=link.pk).update(created_by=user)
    return link, token


def test_removing_a_member_revokes_the_links_they_created(client, org, owner, editor) -> None:
    report = make_report(org, created_by=editor)
    _, theirs = link_by(report, editor)
    _, owners = link_by(report, owner)
    client.force_login(owner)

    response = client.post(
        f"/orgs/{org.code}/members/{membership_of(org, editor).pk}/remove/", follow=True
    )

    assert response.status_code == 200
    assert "1 share link" in response.content.decode()
    assert Client().get(f"/s/{theirs}/").status_code == 404
    assert Client().get(f"/s/{owners}/").status_code == 200


def test_leaving_revokes_your_links_too(client, org, editor) -> None:
    report = make_report(org, created_by=editor)
    _, token = link_by(report, editor)
    client.force_login(editor)
    client.post(f"/orgs/{org.code}/members/{membership_of(org, editor).pk}/remove/")
    assert Client().get(f"/s/{token}/").status_code == 404


def test_links_in_other_organisations_are_untouched(client, org, owner, editor) -> None:
    other_org = make_user("other-owner")
    from tests.orgs.fixtures import make_org

    elsewhere = make_org("Elsewhere", owner=other_org, editor=editor)
    _, kept = link_by(make_report(elsewhere, created_by=editor), editor)
    client.force_login(owner)
    client.post(f"/orgs/{org.code}/members/{membership_of(org, editor).pk}/remove/")
    assert Client().get(f"/s/{kept}/").status_code == 200


def test_removing_a_member_in_the_admin_revokes_their_links(admin_client, org, editor) -> None:
    report = make_report(org, created_by=editor)
    _, token = link_by(report, editor)
    url = f"/admin/orgs/organisation/{org.pk}/change/"
    page = admin_client.get(url)
    data = {"name": org.name}
    formset = page.context["inline_admin_formsets"][0].formset
    management = formset.management_form
    for name in management.fields:
        data[management.add_prefix(name)] = management[name].value()
    for form in formset.forms:
        for name in form.fields:
            value = form[name].value()
            data[form.add_prefix(name)] = "" if value is None else str(value)
        if form.instance.user_id == editor.pk:
            data[form.add_prefix("DELETE")] = "on"

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.content[:2000]
    assert not Membership.objects.filter(org=org, user=editor).exists()
    assert Client().get(f"/s/{token}/").status_code == 404


# One page for all the live links -----------------------------------------------------------


def test_owners_see_every_live_link_of_the_organisation(client, org, owner, editor) -> None:
    first = make_report(org, title="First report", created_by=editor)
    second = make_report(org, title="Second report", created_by=owner)
    link_by(first, editor)
    link_by(second, owner)
    link_by(second, owner, revoked=True)
    link_by(second, owner, expires_at=timezone.now() - timedelta(days=1))
    client.force_login(owner)

    response = client.get(f"/orgs/{org.code}/links/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "First report" in html
    assert "Second report" in html
    assert len(response.context["links"]) == 2
    assert editor.username in html


def test_an_owner_can_revoke_a_link_from_that_page(client, org, owner, editor) -> None:
    report = make_report(org, created_by=editor)
    link, token = link_by(report, editor)
    client.force_login(owner)
    response = client.post(
        f"/orgs/{org.code}/reports/{report.code}/links/{link.pk}/revoke/", {"back": "links"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/orgs/{org.code}/links/"
    assert Client().get(f"/s/{token}/").status_code == 404


@pytest.mark.parametrize("role", [Role.EDITOR, Role.VIEWER])
def test_only_owners_see_the_page(client, org, role) -> None:
    member = make_user(f"member-{role}")
    Membership.objects.create(org=org, user=member, role=role)
    client.force_login(member)
    assert client.get(f"/orgs/{org.code}/links/").status_code == 403


def test_outsiders_get_404(client, org, outsider) -> None:
    client.force_login(outsider)
    assert client.get(f"/orgs/{org.code}/links/").status_code == 404


def test_the_organisation_page_links_to_it_for_owners(client, org, owner, editor) -> None:
    client.force_login(owner)
    assert f'href="/orgs/{org.code}/links/"' in client.get(f"/orgs/{org.code}/").content.decode()
    client.force_login(editor)
    assert f"/orgs/{org.code}/links/" not in client.get(f"/orgs/{org.code}/").content.decode()
