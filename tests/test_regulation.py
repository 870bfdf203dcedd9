"""Regulation-aware advice: which obligations apply and why, what they mean for the pick and
the runner-up, which providers meet them, with sources and check dates, through the API, the
result page, the try-it page and saved reports."""

from __future__ import annotations

import datetime
from html import unescape
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from advisor.knowledge.models import (
    Obligation,
    ObligationTrigger,
    ProviderAssurance,
    RulesetState,
)
from advisor.knowledge.regulation import read_seed
from advisor.reports.models import Report
from advisor.wizard.models import WizardSession
from advisor.wizard.store import COOKIE
from tests.knowledge import changeform_data
from tests.orgs.fixtures import editor, org, owner, viewer  # noqa: F401
from tests.reports.helpers import make_report, text, url

pytestmark = pytest.mark.django_db

EU_PERSONAL = {"data_sensitivity": "sensitive", "jurisdiction": "eu", "requests_per_day": 500}
US_HOSPITAL = {"data_sensitivity": "regulated", "jurisdiction": "us", "sector": "healthcare"}
EU_FINE_TUNER = {
    "data_sensitivity": "non_sensitive",
    "jurisdiction": "eu",
    "customization": "domain_specific",
    "team_capacity": "ml_team",
    "requests_per_day": 20_000,
}


def recommend(client: Client, answers: dict[str, Any]) -> dict[str, Any]:
    response = client.post(
        "/api/v1/recommend", {"answers": answers}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def by_key(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {ob["key"]: ob for ob in result["obligations"]}


def result_page(client: Client, answers: dict[str, Any]) -> tuple[dict[str, Any], str]:
    session = WizardSession.objects.create(answers=answers)
    client.cookies[COOKIE] = session.pk
    response = client.get("/wizard/result/")
    assert response.status_code == 200
    return response.context["outcome"], unescape(response.content.decode())


def test_eu_personal_data_names_the_gdpr_processor_and_transfer_rules(client: Client) -> None:
    obligations = by_key(recommend(client, EU_PERSONAL))
    art28 = obligations["gdpr-processor-agreement"]
    transfers = obligations["gdpr-international-transfers"]
    assert art28["article"] == "Art. 28"
    assert transfers["article"].startswith("Chapter V")
    for ob in (art28, transfers):
        assert ob["url"].startswith("https://eur-lex.europa.eu/")
        assert ob["applies_from"] == "2018-05-25"
        assert set(ob["because"]) == {"jurisdiction", "data_sensitivity"}
        # A provider API is allowed only with conditions; the closed API's condition is named.
        assert ob["effect"]["closed_api"] == "conditional"
        assert ob["conditions"]["closed_api"]
        datetime.date.fromisoformat(ob["checked"])
    # Services with EU processing are named for the transfer rule, each with its source.
    services = {p["service"] for p in transfers["providers"]}
    assert {"Azure OpenAI", "Amazon Bedrock"} <= services
    assert "GroqCloud" not in services  # its regions are not published
    assert all(p["source_url"].startswith("https://") for p in transfers["providers"])


def test_us_health_data_names_hipaa_and_who_signs_a_baa(client: Client) -> None:
    result = recommend(client, US_HOSPITAL)
    hipaa = by_key(result)["hipaa-business-associate"]
    assert "164.504(e)" in hipaa["article"]
    assert hipaa["url"].startswith("https://www.hhs.gov/")
    signers = {p["service"] for p in hipaa["providers"]}
    assert {"Azure OpenAI", "Amazon Bedrock", "Gemini on Vertex AI"} <= signers
    # A service that does not sign, or has not said, is not listed as meeting it.
    refusing = set(
        ProviderAssurance.objects.exclude(baa__in=["yes", "on_request"]).values_list(
            "service", flat=True
        )
    )
    assert refusing
    assert not signers & refusing
    # Every BAA listed says what it covers.
    assert all("BAA" in p["how"] for p in hipaa["providers"])
    # No EU law for a US hospital.
    assert not any(key.startswith(("gdpr", "eu-")) for key in by_key(result))


def test_eu_fine_tuning_shows_when_the_fine_tuner_becomes_a_provider(client: Client) -> None:
    result = recommend(client, EU_FINE_TUNER)
    assert result["top"] == "open_fine_tuned"
    rule = by_key(result)["eu-ai-act-fine-tuner-provider"]
    assert rule["effect"]["open_fine_tuned"] == "conditional"
    assert "third" in rule["condition"]  # the one-third-of-compute line, for the pick
    assert rule["effect"]["closed_api"] == "allowed"  # unlisted approaches are unaffected


def test_non_sensitive_data_elsewhere_shows_no_obligation(client: Client) -> None:
    answers = {"data_sensitivity": "non_sensitive", "jurisdiction": "other"}
    assert recommend(client, answers)["obligations"] == []
    outcome, html = result_page(client, answers)
    assert outcome["obligations"] == []
    assert "compliance-heading" not in html


def test_the_sector_is_asked_only_for_sensitive_or_regulated_data(client: Client) -> None:
    # An answer to a question that is not asked does not trigger anything.
    hidden = {"data_sensitivity": "non_sensitive", "jurisdiction": "us", "sector": "healthcare"}
    assert "hipaa-business-associate" not in by_key(recommend(client, hidden))
    client.post("/wizard/step/data_sensitivity/", {"answer": "non_sensitive"})
    assert client.get("/wizard/step/sector/").status_code == 302
    client.post("/wizard/step/data_sensitivity/", {"answer": "regulated"})
    page = client.get("/wizard/step/sector/")
    assert page.status_code == 200
    assert "Which sector is the data from?" in page.content.decode()


def test_the_result_page_cites_each_obligation_with_its_dates(client: Client) -> None:
    outcome, html = result_page(client, EU_PERSONAL)
    assert "Compliance: what the law asks of this choice" in html
    assert "not legal advice" in html
    top = outcome["top"]["label"]
    for ob in outcome["obligations"]:
        assert ob["title"] in html
        assert f'href="{ob["url"]}"' in html
        assert f"Last checked {ob['checked']}" in html
        assert f"<strong>{top}</strong>: " in html
    # The shipped check dates are older than the threshold: the page says to check them.
    assert "check again" in html
    # The dated proposal is shown as such, not as law.
    assert "proposed, not yet law" in html


def test_the_try_it_page_shows_the_same_obligations(admin_client: Client) -> None:
    response = admin_client.get(
        "/admin/knowledge/rule/try-it/",
        {
            "run": "1",
            "a-data_sensitivity": "regulated",
            "a-jurisdiction": "us",
            "a-sector": "healthcare",
        },
    )
    html = unescape(response.content.decode())
    titles = [ob["title"] for ob in response.context["outcome"]["obligations"]]
    assert titles
    assert all(title in html for title in titles)


def test_every_obligation_and_assurance_has_a_source_and_a_check_date() -> None:
    assert Obligation.objects.count() >= 10
    for ob in Obligation.objects.all():
        assert ob.url.startswith("https://"), ob.key
        assert ob.checked_on is not None
        assert ob.triggers.exists(), ob.key
    for assurance in ProviderAssurance.objects.all():
        assert assurance.source_url.startswith("https://"), assurance.service
        assert assurance.verified_on is not None


def test_the_admin_flags_entries_due_for_a_check(admin_client: Client) -> None:
    fresh = Obligation.objects.get(key="hipaa-business-associate")
    fresh.checked_on = datetime.date.today()
    fresh.save()
    due = admin_client.get("/admin/knowledge/obligation/", {"checked": "stale"})
    shown = {ob.key for ob in due.context["cl"].result_list}
    assert "gdpr-processor-agreement" in shown  # shipped with a 2025 check date
    assert "hipaa-business-associate" not in shown
    recent = admin_client.get("/admin/knowledge/obligation/", {"checked": "fresh"})
    assert [ob.key for ob in recent.context["cl"].result_list] == ["hipaa-business-associate"]
    assert (
        admin_client.get("/admin/knowledge/providerassurance/", {"checked": "stale"}).status_code
        == 200
    )


def test_the_admin_refuses_a_trigger_on_an_unknown_answer(admin_client: Client) -> None:
    ob = Obligation.objects.get(key="hipaa-business-associate")
    page = admin_client.get(f"/admin/knowledge/obligation/{ob.pk}/change/")
    assert page.status_code == 200
    data = changeform_data(page)
    data["triggers-0-option"] = "dentistry"
    response = admin_client.post(f"/admin/knowledge/obligation/{ob.pk}/change/", data)
    assert response.status_code == 200  # re-rendered with the error, not saved
    assert "has no answer &#x27;dentistry&#x27;" in response.content.decode()
    assert ObligationTrigger.objects.filter(obligation=ob, option="healthcare").exists()


def test_an_edit_changes_new_results_but_not_a_saved_report(
    client: Client,
    org,  # noqa: F811
    editor,  # noqa: F811
) -> None:
    report = make_report(org, created_by=editor, answers=US_HOSPITAL)
    before = [ob["summary"] for ob in report.snapshot["obligations"]]
    version = RulesetState.current()[0]
    Obligation.objects.filter(key="hipaa-business-associate").update(summary="Edited.")
    Obligation.objects.get(key="hipaa-business-associate").save()  # the admin's save bumps
    assert RulesetState.current()[0] > version
    assert by_key(recommend(client, US_HOSPITAL))["hipaa-business-associate"]["summary"] == (
        "Edited."
    )
    client.force_login(editor)
    report.refresh_from_db()
    assert [ob["summary"] for ob in report.snapshot["obligations"]] == before
    assert "Edited." not in text(client.get(url(report)))
    # A re-run lists the obligation whose terms changed.
    page = text(client.post(url(report, "rerun/"), follow=True))
    assert "Obligations whose terms changed" in page
    rerun = Report.objects.get(previous=report)
    assert rerun.snapshot["obligations"][0]["summary"] == "Edited."


def test_reset_knowledge_restores_the_shipped_obligations() -> None:
    Obligation.objects.all().delete()
    ProviderAssurance.objects.filter(provider="OpenAI").delete()
    call_command("reset_knowledge", verbosity=0)
    seed = read_seed()
    assert Obligation.objects.count() == len(seed["obligations"])
    assert ProviderAssurance.objects.count() == len(seed["assurances"])


def test_the_markdown_export_cites_the_obligations(
    client: Client,
    org,  # noqa: F811
    editor,  # noqa: F811
) -> None:
    report = make_report(org, created_by=editor, answers=US_HOSPITAL)
    client.force_login(editor)
    markdown = client.get(url(report, "export.md")).content.decode()
    assert "## Compliance" in markdown
    assert "not legal advice" in markdown
    for ob in report.snapshot["obligations"]:
        assert ob["url"] in markdown
        assert f"last checked {ob['checked']}" in markdown


def test_the_summary_names_only_obligations_that_bind_the_pick(client: Client) -> None:
    from advisor.advice.summary import executive_summary

    outcome, html = result_page(client, EU_FINE_TUNER)
    assert outcome["top"]["key"] == "open_fine_tuned"
    risks = [r["text"] for r in executive_summary(outcome)["risks"]]
    titles = {ob["key"]: ob["title"] for ob in outcome["obligations"]}
    # The one-third-of-compute condition binds a fine-tuner: it is a risk of the pick ...
    [binding] = [r for r in risks if r.startswith(titles["eu-ai-act-fine-tuner-provider"])]
    assert binding in html  # the page's summary says it
    # ... the model provider's own duties (allowed as it is) and a proposal are not.
    assert not any(r.startswith(titles["eu-ai-act-gpai-models"]) for r in risks)
    assert not any(r.startswith(titles["eu-ai-act-digital-omnibus"]) for r in risks)
