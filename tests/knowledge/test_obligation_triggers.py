"""Obligations' triggers protect the questions and answers they name, as rules protect theirs.

Found in the attack (issue 28): deleting the "sector" question silently took HIPAA and every
other sector obligation out of the results. Triggers name their question and answer by key
(``advisor/knowledge/protection.py``); deleting what they name is now refused in the ORM, the
admin and the importer, and a rename carries them along.
"""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import ProtectedError
from django.test import Client

from advisor.knowledge.loader import export_document
from advisor.knowledge.models import Obligation, ObligationTrigger, Option, Question
from tests.knowledge import admin_url, changeform_data, inline_errors

pytestmark = pytest.mark.django_db

US_HOSPITAL = {"data_sensitivity": "regulated", "jurisdiction": "us", "sector": "healthcare"}
HIPAA = "hipaa-business-associate"


def obligations(client: Client, answers: dict) -> set[str]:
    response = client.post(
        "/api/v1/recommend", {"answers": answers}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return {ob["key"] for ob in response.json()["obligations"]}


def hipaa_title() -> str:
    return Obligation.objects.get(key=HIPAA).title


def option_row(page, key: str):
    formset = page.context["inline_admin_formsets"][0].formset
    (form,) = [f for f in formset.forms if f.instance.key == key]
    return form


def edit_option(admin_client, question: Question, option_key: str, field: str, value: str):
    url = admin_url(question, "change")
    page = admin_client.get(url)
    data = changeform_data(page)
    data[option_row(page, option_key).add_prefix(field)] = value
    return admin_client.post(url, data)


def triggered_question() -> Question:
    """A question outside the code's contract, with an answer that triggers HIPAA too."""
    question = Question.objects.create(key="hosting", prompt="Who hosts it?", order=900)
    Option.objects.create(question=question, key="clinic", label="A clinic")
    Option.objects.create(question=question, key="vendor", label="A vendor")
    ObligationTrigger.objects.create(
        obligation=Obligation.objects.get(key=HIPAA), question="hosting", option="clinic"
    )
    return question


# --- the ORM --------------------------------------------------------------------------------


def test_deleting_the_sector_question_in_the_orm_is_refused(client: Client) -> None:
    assert HIPAA in obligations(client, US_HOSPITAL)
    with pytest.raises(ProtectedError) as raised:
        Question.objects.filter(key="sector").delete()
    assert hipaa_title() in str(raised.value)
    assert Question.objects.filter(key="sector").exists()
    assert HIPAA in obligations(client, US_HOSPITAL)


def test_deleting_a_triggering_answer_in_the_orm_is_refused() -> None:
    healthcare = Option.objects.get(question__key="sector", key="healthcare")
    with pytest.raises(ProtectedError) as raised:
        healthcare.delete()
    assert "'healthcare'" in str(raised.value)
    assert hipaa_title() in str(raised.value)
    assert Option.objects.filter(pk=healthcare.pk).exists()


def test_an_answer_no_trigger_names_can_still_be_deleted() -> None:
    question = triggered_question()
    Option.objects.get(question=question, key="vendor").delete()
    assert not Option.objects.filter(question=question, key="vendor").exists()


def test_once_its_triggers_are_changed_the_question_can_go() -> None:
    question = triggered_question()
    ObligationTrigger.objects.filter(question="hosting").delete()
    question.delete()
    assert not Question.objects.filter(key="hosting").exists()


def test_renaming_a_question_or_an_answer_carries_the_triggers(client: Client) -> None:
    question = triggered_question()
    question.key = "host"
    question.save()
    clinic = Option.objects.get(question=question, key="clinic")
    clinic.key = "hospital"
    clinic.save()
    assert ObligationTrigger.objects.filter(question="host", option="hospital").exists()
    assert not ObligationTrigger.objects.filter(question="hosting").exists()
    healthcare = Option.objects.get(question__key="sector", key="healthcare")
    healthcare.key = "health"
    healthcare.save()
    answers = {**US_HOSPITAL, "sector": "health", "host": "hospital"}
    assert HIPAA in obligations(client, answers)


# --- the admin -------------------------------------------------------------------------------


def test_deleting_a_triggering_question_in_the_admin_is_refused(admin_client) -> None:
    question = triggered_question()
    url = admin_url(question, "delete")
    page = admin_client.get(url).content.decode()
    assert hipaa_title() in page
    assert "change its triggers first" in page
    admin_client.post(url, {"post": "yes"})
    assert Question.objects.filter(pk=question.pk).exists()
    data = {"action": "delete_selected", "_selected_action": [question.pk], "post": "yes"}
    admin_client.post(admin_url(Question), data)
    assert Question.objects.filter(pk=question.pk).exists()


def test_deleting_the_sector_question_in_the_admin_is_refused(admin_client, client) -> None:
    sector = Question.objects.get(key="sector")
    page = admin_client.get(admin_url(sector, "delete")).content.decode()
    assert hipaa_title() in page
    admin_client.post(admin_url(sector, "delete"), {"post": "yes"})
    assert HIPAA in obligations(client, US_HOSPITAL)


def test_deleting_a_triggering_answer_in_the_admin_is_refused(admin_client, client) -> None:
    sector = Question.objects.get(key="sector")
    response = edit_option(admin_client, sector, "healthcare", "DELETE", "on")
    assert response.status_code == 200
    _, formset_errors = inline_errors(response)
    (message,) = formset_errors
    label = Option.objects.get(question=sector, key="healthcare").label
    assert message.startswith(f"The answer '{label}' cannot be deleted:")
    assert hipaa_title() in message
    assert HIPAA in obligations(client, US_HOSPITAL)


def test_renaming_a_triggering_answer_in_the_admin_keeps_the_obligation(
    admin_client, client
) -> None:
    sector = Question.objects.get(key="sector")
    response = edit_option(admin_client, sector, "healthcare", "key", "health")
    assert response.status_code == 302
    assert HIPAA in obligations(client, {**US_HOSPITAL, "sector": "health"})


# --- the importer ----------------------------------------------------------------------------


def test_the_importer_refuses_a_document_without_a_triggering_answer(tmp_path) -> None:
    document = export_document()
    sector = next(q for q in document["questions"] if q["key"] == "sector")
    sector["options"] = [o for o in sector["options"] if o["key"] != "healthcare"]
    path = tmp_path / "ruleset.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(CommandError) as raised:
        call_command("import_ruleset", str(path), stdout=StringIO())
    message = str(raised.value)
    assert "The document has no answer 'healthcare' of the question 'sector'" in message
    assert hipaa_title() in message
    assert Option.objects.filter(question__key="sector", key="healthcare").exists()


def test_an_import_that_keeps_the_triggered_keys_keeps_the_obligations(tmp_path) -> None:
    before = sorted(ObligationTrigger.objects.values_list("question", "option"))
    path = tmp_path / "ruleset.json"
    path.write_text(json.dumps(export_document()), encoding="utf-8")
    call_command("import_ruleset", str(path), stdout=StringIO())
    assert sorted(ObligationTrigger.objects.values_list("question", "option")) == before
    assert Question.objects.filter(key="sector").exists()
