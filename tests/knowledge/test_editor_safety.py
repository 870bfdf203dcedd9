"""Ordinary editor actions never take a page down.

Found in the attack: a capped self-hosting profile made the default (``CapacityExceeded``
on the result page, on saving a report and on re-running one), a ``$`` in an offering's
label (matplotlib read it as mathtext), and ``import_ruleset`` with a zero-capacity default
profile, a negative fine-tuning cost or a question maximum of 10^18. Each is refused where
an editor makes it (the admin and the importer), and the result page degrades when a
database still holds such a value.
"""

from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO
from xml.sax.saxutils import escape as xml_escape

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from advisor.costs.breakeven import BreakEven, CurvePoint
from advisor.costs.chart import render_chart
from advisor.knowledge.loader import export_document
from advisor.knowledge.models import (
    InfraProfile,
    Offering,
    Question,
    Rule,
    RuleCondition,
    RulesetState,
)
from advisor.reports.models import Report
from tests.knowledge import admin_url, changeform_data, form_errors
from tests.orgs.fixtures import make_org, make_user

pytestmark = pytest.mark.django_db

CAPPED = "workstation-8b"  # the shipped profile with a hard cap (20,000 a day)


def edit(admin_client, obj, **changes):
    url = admin_url(obj, "change")
    data = changeform_data(admin_client.get(url))
    data.update(changes)
    return admin_client.post(url, data)


def import_document(tmp_path, document) -> str:
    path = tmp_path / "ruleset.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(CommandError) as raised:
        call_command("import_ruleset", str(path), stdout=StringIO())
    return str(raised.value)


def version() -> int:
    return RulesetState.objects.get().version


def answer_all(client: Client, volume: int) -> None:
    client.post("/wizard/step/data_sensitivity/", {"answer": "sensitive"})
    client.post("/wizard/step/requests_per_day/", {"answer": str(volume)})


# --- capped profiles ------------------------------------------------------------------------


def test_the_admin_refuses_to_make_a_capped_profile_the_default(admin_client) -> None:
    profile = InfraProfile.objects.get(key=CAPPED)
    response = edit(admin_client, profile, is_default="on")
    assert response.status_code == 200
    assert "capacity" in " ".join(form_errors(response)["is_default"])
    profile.refresh_from_db()
    assert not profile.is_default


def test_the_admin_refuses_a_zero_capacity(admin_client) -> None:
    profile = InfraProfile.objects.get(key=CAPPED)
    response = edit(admin_client, profile, max_requests_per_day="0")
    assert response.status_code == 200
    assert form_errors(response)["max_requests_per_day"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"is_default": True, "max_requests_per_day": 20000}, "is_default"),
        ({"is_default": True, "max_requests_per_day": 0}, "max_requests_per_day"),
    ],
)
def test_the_importer_refuses_a_capped_default_profile(tmp_path, change, field) -> None:
    document = export_document()
    for profile in document["infrastructure"]:
        profile["is_default"] = False
    document["infrastructure"][0].update(change)
    before = version()
    message = import_document(tmp_path, document)
    assert message.startswith("Nothing was changed.")
    assert field in message
    assert version() == before


@pytest.fixture
def capped_default() -> None:
    """A database from before the check: the capped profile is the default."""
    InfraProfile.objects.update(is_default=False)
    InfraProfile.objects.filter(key=CAPPED).update(is_default=True)
    RulesetState.bump()


def test_the_result_page_degrades_past_a_capped_default(capped_default) -> None:
    client = Client()
    answer_all(client, 500_000)
    response = client.get("/wizard/result/")
    assert response.status_code == 200
    assert "over capacity" in response.content.decode()


def test_saving_and_rerunning_work_past_a_capped_default(capped_default) -> None:
    user = make_user("edith")
    org = make_org(editor=user)
    client = Client()
    client.force_login(user)
    answer_all(client, 500_000)

    saved = client.post("/reports/save/", {"org": org.code, "title": "Big"})
    assert saved.status_code == 302
    report = Report.objects.get()
    rerun = client.post(f"/orgs/{org.code}/reports/{report.code}/rerun/")
    assert rerun.status_code == 302


# --- labels with dollar signs ---------------------------------------------------------------


@pytest.mark.parametrize("label", ["Budget $_$ plan", "x $\\frac$ y", "Pay $$ per $", "$a^$"])
def test_a_dollar_in_a_label_is_drawn_as_plain_text(label) -> None:
    series = [CurvePoint(10**n, Decimal(10**n), Decimal(2 * 10**n)) for n in range(1, 6)]
    chart = render_chart(series, 1000, BreakEven("never", None, 10**5), f"{label} vs GPUs")
    assert xml_escape(f"{label} vs GPUs") in chart.svg


def test_the_result_page_survives_a_dollar_in_an_offering_label() -> None:
    for offering in Offering.objects.all():
        offering.label = "Budget $_$ plan"
        offering.save()
    client = Client()
    answer_all(client, 5000)
    response = client.get("/wizard/result/")
    assert response.status_code == 200
    assert "Budget $_$ plan" in response.content.decode()


# --- numbers out of range -------------------------------------------------------------------


def test_the_admin_refuses_a_question_maximum_of_ten_to_the_eighteen(admin_client) -> None:
    question = Question.objects.get(key="requests_per_day")
    response = edit(admin_client, question, max_value=str(10**18))
    assert response.status_code == 200
    assert form_errors(response)["max_value"]


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (("questions", "requests_per_day", "max_value"), 10**18, "max_value"),
        (("questions", "requests_per_day", "min_value"), -(10**18), "min_value"),
        (("settings", "fine_tuning_one_off_usd"), -100, "fine_tuning_one_off_usd"),
        (("settings", "close_call_margin"), 10_000, "close_call_margin"),
        (("settings", "close_call_margin"), -1, "close_call_margin"),
        (("settings", "input_tokens"), -5, "input_tokens"),
        (("settings", "price_stale_after_days"), 10**20, "price_stale_after_days"),
    ],
)
def test_the_importer_validates_numbers_through_the_model(tmp_path, path, value, field) -> None:
    document = export_document()
    if path[0] == "questions":
        target = next(q for q in document["questions"] if q["key"] == path[1])
        target[path[2]] = value
    else:
        document["settings"][path[1]] = value
    before, pristine = version(), export_document()
    message = import_document(tmp_path, document)
    assert message.startswith("Nothing was changed.")
    assert field in message
    assert version() == before
    assert export_document() == pristine


def test_after_a_refused_margin_the_knowledge_still_loads(tmp_path) -> None:
    """A margin of 10,000 used to be stored past the column's limits; every read of the
    row then raised and ``reset_knowledge`` itself crashed."""
    document = export_document()
    document["settings"]["close_call_margin"] = 10_000
    import_document(tmp_path, document)
    call_command("reset_knowledge", stdout=StringIO())
    assert RulesetState.current()[1] == 5.0


# --- deleting a question that rules test ----------------------------------------------------


def test_deleting_a_tested_question_is_refused_and_names_the_rules(admin_client) -> None:
    """Found in the attack: deleting a question silently deleted the conditions testing it,
    so every such rule applied more widely than written."""
    question = Question.objects.get(key="workload_mix")
    rules = list(Rule.objects.filter(conditions__question=question).distinct())
    assert rules
    url = admin_url(question, "delete")

    page = admin_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    for rule in rules:
        assert rule.name in html
    assert "change or delete that rule first" in html

    admin_client.post(url, {"post": "yes"})
    assert Question.objects.filter(key="workload_mix").exists()
    assert RuleCondition.objects.filter(question=question).count() >= len(rules)


def test_the_bulk_delete_action_refuses_too(admin_client) -> None:
    question = Question.objects.get(key="workload_mix")
    data = {"action": "delete_selected", "_selected_action": [question.pk], "post": "yes"}
    admin_client.post(admin_url(Question), data)
    assert Question.objects.filter(pk=question.pk).exists()


def test_an_untested_question_can_still_be_deleted(admin_client) -> None:
    question = Question.objects.create(key="spare", prompt="Spare?", order=999)
    admin_client.post(admin_url(question, "delete"), {"post": "yes"})
    assert not Question.objects.filter(key="spare").exists()
