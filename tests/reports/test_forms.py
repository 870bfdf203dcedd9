"""The report's forms: CSRF tokens everywhere, renaming, and deleting after a confirmation."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from advisor.reports.models import Report, ShareLink
from tests.reports.helpers import make_link, start_wizard, text, url

pytestmark = pytest.mark.django_db

CSRF_INPUT = re.compile(r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]+">')


def post_forms(page: str) -> list[str]:
    return re.findall(r'<form[^>]*method="post".*?</form>', page, flags=re.DOTALL)


def test_every_post_form_on_the_report_page_carries_a_csrf_token(client, editor, report) -> None:
    make_link(report)
    client.force_login(editor)

    forms = post_forms(client.get(url(report)).content.decode())

    actions = [re.search(r'action="([^"]+)"', form).group(1) for form in forms]
    assert actions == [
        "/accounts/logout/",
        url(report, "rerun/"),
        url(report, f"links/{report.share_links.get().pk}/revoke/"),
        url(report, "links/"),
    ]
    for form in forms:
        assert CSRF_INPUT.search(form), form


@pytest.mark.parametrize("suffix", ["edit/", "delete/"])
def test_the_edit_and_delete_pages_carry_a_csrf_token(client, editor, report, suffix) -> None:
    client.force_login(editor)
    forms = post_forms(client.get(url(report, suffix)).content.decode())
    assert len(forms) == 2  # log out, and the page's own
    assert all(CSRF_INPUT.search(form) for form in forms)


def test_the_save_page_carries_a_csrf_token(client, org, editor) -> None:
    client.force_login(editor)
    start_wizard(client)
    forms = post_forms(client.get("/reports/save/").content.decode())
    assert len(forms) == 2
    assert all(CSRF_INPUT.search(form) for form in forms)


@pytest.mark.parametrize(
    ("suffix", "data"),
    [
        ("edit/", {"title": "Forged"}),
        ("delete/", {}),
        ("rerun/", {}),
        ("links/", {}),
        ("links/{link}/revoke/", {}),
    ],
)
def test_a_post_without_the_csrf_token_is_refused(editor, report, suffix, data) -> None:
    link, _ = make_link(report)
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)

    response = client.post(url(report, suffix.format(link=link.pk)), data)

    assert response.status_code == 403
    assert Report.objects.get().title == "Patient notes summariser"
    assert ShareLink.objects.get().revoked_at is None


def test_a_save_without_the_csrf_token_is_refused(org, editor) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    start_wizard(client)
    response = client.post("/reports/save/", {"org": org.code, "title": "Forged"})
    assert response.status_code == 403
    assert not Report.objects.exists()


# Renaming ---------------------------------------------------------------------------------


def test_the_edit_page_is_prefilled(client, editor, org) -> None:
    report = Report.objects.create(
        org=org, title="Old title", notes="Old notes", snapshot={}, ruleset_version=1
    )
    client.force_login(editor)
    page = client.get(url(report, "edit/")).content.decode()
    assert 'value="Old title"' in page
    assert "Old notes</textarea>" in page


def test_renaming_a_report(client, editor, report) -> None:
    snapshot = report.snapshot
    client.force_login(editor)

    response = client.post(url(report, "edit/"), {"title": "  New title ", "notes": "New notes"})

    assert response.status_code == 302
    assert response.headers["Location"] == url(report)
    report.refresh_from_db()
    assert report.title == "New title"
    assert report.notes == "New notes"
    assert report.snapshot == snapshot
    page = text(client.get(url(report)))
    assert "Report details saved." in page
    assert "<h1>New title</h1>" in page


@pytest.mark.parametrize("title", ["", "   "])
def test_an_empty_title_re_renders_with_the_message(client, editor, report, title) -> None:
    client.force_login(editor)

    response = client.post(url(report, "edit/"), {"title": title, "notes": "Typed notes"})

    assert response.status_code == 200
    assert response.context["form"].errors["title"] == ["Give the report a title."]
    assert "Give the report a title." in response.content.decode()
    assert "Typed notes</textarea>" in response.content.decode()
    report.refresh_from_db()
    assert report.title == "Patient notes summariser"


# Deleting ---------------------------------------------------------------------------------


def test_deleting_asks_for_confirmation_first(client, editor, report) -> None:
    client.force_login(editor)

    response = client.get(url(report, "delete/"))

    assert response.status_code == 200
    page = text(response)
    assert "<h1>Delete “Patient notes summariser”?</h1>" in page
    assert "This cannot be undone." in page
    assert f'href="{url(report)}">Keep it</a>' in page
    assert Report.objects.filter(pk=report.pk).exists()


def test_confirming_deletes_the_report(client, editor, org, report) -> None:
    client.force_login(editor)

    response = client.post(url(report, "delete/"), follow=True)

    assert response.redirect_chain == [(f"/orgs/{org.code}/reports/", 302)]
    assert "Report “Patient notes summariser” deleted." in text(response)
    assert not Report.objects.exists()
    assert client.get(url(report)).status_code == 404
