"""Saving the wizard's result as a report in one of the user's organisations."""

from __future__ import annotations

import pytest

from advisor.knowledge.ruleset import current_knowledge
from advisor.orgs.models import Membership, Role
from advisor.reports.models import Report
from tests.orgs.fixtures import make_org, make_user
from tests.reports.helpers import DATA_QUESTION, SELF_HOST_REASON, TOP, start_wizard, text

pytestmark = pytest.mark.django_db

SAVE = "/reports/save/"


def test_the_result_page_offers_to_save(client, editor) -> None:
    start_wizard(client)
    assert "Log in to save this as a report" in client.get("/wizard/result/").content.decode()
    client.force_login(editor)
    page = client.get("/wizard/result/").content.decode()
    assert f'href="{SAVE}">Save as a report</a>' in page


def test_it_needs_login(client) -> None:
    start_wizard(client)
    for response in (client.get(SAVE), client.post(SAVE, {"title": "x"})):
        assert response.status_code == 302
        assert response.headers["Location"] == f"/accounts/login/?next={SAVE}"
    assert not Report.objects.exists()


def test_it_needs_answers_first(client, org, editor) -> None:
    client.force_login(editor)
    response = client.get(SAVE, follow=True)
    assert response.redirect_chain[0] == ("/wizard/", 302)
    assert "Answer the questions first" in response.content.decode()
    assert client.post(SAVE, {"org": org.code, "title": "x"}).status_code == 302
    assert not Report.objects.exists()


def test_a_viewer_only_user_is_asked_to_create_an_organisation(client, org, viewer) -> None:
    client.force_login(viewer)
    start_wizard(client)

    response = client.get(SAVE)
    assert response.status_code == 200
    assert "Where should the report go?" in response.content.decode()
    assert 'href="/orgs/new/?next=/reports/save/"' in response.content.decode()

    response = client.post(SAVE, {"org": org.code, "title": "Sneaky"})
    assert "Where should the report go?" in response.content.decode()
    assert not Report.objects.exists()


def test_only_organisations_the_user_can_edit_are_offered(client, org, editor) -> None:
    owned = make_org("Zed Partners", owner=editor)
    read_only = make_org("Read Only Co", viewer=editor)
    unrelated = make_org("Unrelated Inc", owner=make_user("ursula"))
    client.force_login(editor)
    start_wizard(client)

    response = client.get(SAVE)

    assert response.status_code == 200
    assert response.context["form"].fields["org"].choices == [
        (org.code, "Acme Ltd"),
        (owned.code, "Zed Partners"),
    ]
    page = response.content.decode()
    assert f'value="{org.code}"' in page
    assert f'value="{owned.code}"' in page
    assert read_only.code not in page
    assert unrelated.code not in page
    assert response.context["form"].initial["title"] == f"AI sourcing: {TOP}"


@pytest.mark.parametrize("which", ["read_only", "unrelated", "missing"])
def test_posting_another_organisations_code_is_a_form_error(client, org, editor, which) -> None:
    read_only = make_org("Read Only Co", viewer=editor)
    unrelated = make_org("Unrelated Inc", owner=make_user("ursula"))
    code = {"read_only": read_only.code, "unrelated": unrelated.code, "missing": "NoSuchOrg1"}
    client.force_login(editor)
    start_wizard(client)

    response = client.post(SAVE, {"org": code[which], "title": "Misplaced"})

    assert response.status_code == 200
    assert "org" in response.context["form"].errors
    assert "Select a valid choice" in text(response)
    assert not Report.objects.exists()


@pytest.mark.parametrize("title", ["", "   "])
def test_an_empty_title_re_renders_with_a_message(client, org, editor, title) -> None:
    client.force_login(editor)
    start_wizard(client)

    response = client.post(SAVE, {"org": org.code, "title": title, "notes": "Kept"})

    assert response.status_code == 200
    assert response.context["form"].errors["title"] == ["Give the report a title."]
    assert "Give the report a title." in response.content.decode()
    assert "Kept" in response.content.decode()  # what was typed is not lost
    assert not Report.objects.exists()


def test_saving_snapshots_the_result_and_opens_the_report(client, org, editor) -> None:
    client.force_login(editor)
    start_wizard(client)

    response = client.post(
        SAVE, {"org": org.code, "title": "  Patient notes  ", "notes": "For the clinic."}
    )

    report = Report.objects.get()
    assert response.status_code == 302
    assert response.headers["Location"] == f"/orgs/{org.code}/reports/{report.code}/"
    assert report.org == org
    assert report.title == "Patient notes"
    assert report.notes == "For the clinic."
    assert report.created_by == editor
    assert report.previous is None
    assert report.inputs["answers"] == {"data_sensitivity": "regulated"}
    assert report.ruleset_version == current_knowledge().version
    snapshot = report.snapshot
    assert snapshot["ruleset_version"] == report.ruleset_version
    assert snapshot["top"]["label"] == TOP
    assert snapshot["ranking"][0]["score"] == 100
    assert snapshot["ranking"][0]["reasons"][0]["text"] == SELF_HOST_REASON
    assert snapshot["answers"][0] == {
        "key": "data_sensitivity",
        "question": DATA_QUESTION,
        "value": "regulated",
        "answer": "Regulated",
    }
    for part in ("caveats", "comparison", "next_steps", "changes"):
        assert part in snapshot

    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    assert "Report saved." in page.content.decode()
    assert SELF_HOST_REASON in text(page)


def test_an_owner_can_save_too(client, org, owner) -> None:
    client.force_login(owner)
    start_wizard(client)
    response = client.post(SAVE, {"org": org.code, "title": "By the owner"})
    assert response.status_code == 302
    assert Report.objects.get().created_by == owner


def test_a_demoted_editor_can_no_longer_save_there(client, org, editor) -> None:
    client.force_login(editor)
    start_wizard(client)
    Membership.objects.filter(org=org, user=editor).update(role=Role.VIEWER)

    response = client.post(SAVE, {"org": org.code, "title": "Too late"})

    assert "Where should the report go?" in response.content.decode()
    assert not Report.objects.exists()
