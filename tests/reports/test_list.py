"""An organisation's reports: newest first, searchable, 20 to a page, in a few queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from model_bakery import baker

from advisor.reports.models import Report
from tests.orgs.fixtures import make_org, make_user
from tests.reports.helpers import TOP, make_report

pytestmark = pytest.mark.django_db


def bake_reports(org, count: int, **fields) -> list[Report]:
    """``count`` reports, one an hour apart: "Report 0" is the oldest."""
    start = timezone.now() - timedelta(days=30)
    return [
        baker.make(
            Report,
            org=org,
            title=f"Report {i}",
            created_at=start + timedelta(hours=i),
            snapshot={"top": {"label": TOP}},
            ruleset_version=1,
            **fields,
        )
        for i in range(count)
    ]


def titles(response) -> list[str]:
    return [report.title for report in response.context["page"].object_list]


def list_url(org) -> str:
    return f"/orgs/{org.code}/reports/"


def test_newest_first_with_recommendation_and_author(client, org, viewer, editor) -> None:
    now = timezone.now()
    make_report(org, title="Middle", created_at=now - timedelta(days=1), created_by=editor)
    make_report(org, title="Oldest", created_at=now - timedelta(days=2))
    make_report(org, title="Newest", created_at=now)
    client.force_login(viewer)

    response = client.get(list_url(org))

    assert response.status_code == 200
    assert titles(response) == ["Newest", "Middle", "Oldest"]
    page = response.content.decode()
    assert page.index("Newest") < page.index("Middle") < page.index("Oldest")
    assert f"<td>{TOP}</td>" in page
    assert "<td>edward</td>" in page
    assert "3 reports, newest first" in page


def test_only_this_organisations_reports_are_listed(client, org, viewer) -> None:
    make_report(org, title="Ours")
    make_report(make_org("Bee Corp", owner=make_user("bella")), title="Theirs")
    client.force_login(viewer)

    response = client.get(list_url(org))

    assert titles(response) == ["Ours"]
    assert "Theirs" not in response.content.decode()


def test_search_matches_titles_and_notes(client, org, viewer) -> None:
    make_report(org, title="Clinic triage", notes="")
    make_report(org, title="Invoices", notes="For the CLINIC's accountants")
    make_report(org, title="Marketing copy", notes="Slogans")
    client.force_login(viewer)

    assert sorted(titles(client.get(list_url(org), {"q": "clinic"}))) == [
        "Clinic triage",
        "Invoices",
    ]
    assert titles(client.get(list_url(org), {"q": "slogan"})) == ["Marketing copy"]
    assert titles(client.get(list_url(org), {"q": "  "})) != []  # blank: everything

    response = client.get(list_url(org), {"q": "nothing like this"})
    assert titles(response) == []
    assert "No report matches “nothing like this”." in response.content.decode()


def test_an_empty_organisation_says_so(client, org, editor) -> None:
    client.force_login(editor)
    page = client.get(list_url(org)).content.decode()
    assert "No reports yet." in page
    assert 'href="/wizard/">New recommendation</a>' in page


def test_viewers_are_not_offered_a_new_recommendation(client, org, viewer) -> None:
    client.force_login(viewer)
    assert "New recommendation" not in client.get(list_url(org)).content.decode()


def test_twenty_five_reports_make_two_pages(client, org, viewer) -> None:
    bake_reports(org, 25)
    client.force_login(viewer)

    first = client.get(list_url(org))
    second = client.get(list_url(org), {"page": 2})

    assert titles(first) == [f"Report {i}" for i in range(24, 4, -1)]
    assert titles(second) == [f"Report {i}" for i in range(4, -1, -1)]
    assert "Page 1 of 2" in first.content.decode()
    assert 'href="?page=2">Older</a>' in first.content.decode()
    assert 'href="?page=1">Newer</a>' in second.content.decode()
    assert titles(client.get(list_url(org), {"page": "nonsense"})) == titles(first)
    assert titles(client.get(list_url(org), {"page": 99})) == titles(second)


def test_pagination_keeps_the_search(client, org, viewer) -> None:
    bake_reports(org, 22, notes="about cats")
    bake_reports(org, 3, notes="about dogs")
    client.force_login(viewer)

    response = client.get(list_url(org), {"q": "cats"})

    assert len(titles(response)) == 20
    assert 'href="?page=2&amp;q=cats">Older</a>' in response.content.decode()
    assert len(titles(client.get(list_url(org), {"q": "cats", "page": 2}))) == 2


@pytest.mark.parametrize("count", [1, 25])
def test_the_page_costs_the_same_queries_however_many_reports(
    client, org, viewer, django_assert_max_num_queries, count
) -> None:
    """Session, user, membership, count, one page of reports (with their authors)."""
    bake_reports(org, count, created_by=make_user("author"))
    client.force_login(viewer)

    with django_assert_max_num_queries(5):
        response = client.get(list_url(org))

    assert len(titles(response)) == min(count, 20)
