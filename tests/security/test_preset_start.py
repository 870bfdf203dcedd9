"""Starting from a preset changes nothing until the visitor confirms (a POST with CSRF), and
abandoned wizard sessions are purged.

Found in the attack: every cookie-less ``GET /wizard/?preset=...`` inserted a row that was
never purged, and a link on another site could reset a visitor's answers.
"""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from advisor.wizard.models import WizardSession
from advisor.wizard.store import COOKIE
from tests.orgs.fixtures import make_user

pytestmark = pytest.mark.django_db

START = "/wizard/?preset=high-volume"


def test_following_a_preset_link_writes_nothing() -> None:
    client = Client()
    for _ in range(5):
        response = client.get(START)
        assert response.status_code == 200
    assert WizardSession.objects.count() == 0
    assert COOKIE not in response.cookies


def test_the_confirmation_page_shows_the_preset_and_posts_with_csrf() -> None:
    response = Client().get(START)
    html = response.content.decode()
    assert "High volume" in html or "high volume" in html.lower()
    assert 'method="post"' in html
    assert 'action="/wizard/?preset=high-volume"' in html
    assert "csrfmiddlewaretoken" in html


def test_a_cross_site_link_does_not_reset_the_answers() -> None:
    client = Client()
    client.post("/wizard/step/data_sensitivity/", {"answer": "regulated"})
    client.get(START)
    assert WizardSession.objects.get().answers == {"data_sensitivity": "regulated"}
    assert "replace" in client.get(START).content.decode()


def test_a_post_without_a_csrf_token_is_refused() -> None:
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(START).status_code == 403
    assert WizardSession.objects.count() == 0


def test_confirming_starts_from_the_preset() -> None:
    client = Client()
    response = client.post(START)
    assert response.status_code == 302
    assert response["Location"] == "/wizard/review/"
    session = WizardSession.objects.get(pk=client.cookies[COOKIE].value)
    assert session.preset == "high-volume"
    assert session.answers


def test_an_unknown_preset_is_still_a_helpful_404() -> None:
    assert Client().get("/wizard/?preset=no-such-thing").status_code == 404
    assert Client().post("/wizard/?preset=no-such-thing").status_code == 404
    assert WizardSession.objects.count() == 0


def test_a_post_without_a_preset_is_not_allowed() -> None:
    assert Client().post("/wizard/").status_code == 405


# Purging abandoned sessions ----------------------------------------------------------------


def aged(days: int, **fields) -> WizardSession:
    session = WizardSession.objects.create(answers={"stage": "prototype"}, **fields)
    WizardSession.objects.filter(pk=session.pk).update(
        updated_at=timezone.now() - timedelta(days=days)
    )
    return session


def test_the_purge_deletes_anonymous_sessions_past_the_cookies_life() -> None:
    old = aged(91)
    recent = aged(89)
    owned = aged(400, user=make_user("keeps"))
    out = StringIO()

    call_command("purge_wizard_sessions", stdout=out)

    assert not WizardSession.objects.filter(pk=old.pk).exists()
    assert WizardSession.objects.filter(pk=recent.pk).exists()
    assert WizardSession.objects.filter(pk=owned.pk).exists()
    assert "Deleted 1 " in out.getvalue()


def test_the_purge_takes_a_number_of_days() -> None:
    aged(10)
    aged(3)
    call_command("purge_wizard_sessions", "--days", "7", stdout=StringIO())
    assert WizardSession.objects.count() == 1
