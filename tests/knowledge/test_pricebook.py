"""The price book: seeded prices, staleness, the cost section of a result, and snapshots."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from advisor.advice import build_result
from advisor.knowledge.models import InfraProfile, Offering, RulesetState
from advisor.knowledge.ruleset import current_knowledge

pytestmark = pytest.mark.django_db


def test_the_price_book_ships_the_major_models_and_self_hosting_profiles() -> None:
    models = set(Offering.objects.values_list("model", flat=True))
    for expected in [
        "GPT-5",
        "GPT-5 mini",
        "Claude Opus 4.1",
        "Claude Sonnet 4",
        "Gemini 2.5 Pro",
        "Gemini 2.5 Flash",
        "Llama 3.3 70B",
        "Mistral Small 3 (24B)",
        "DeepSeek-R1",
    ]:
        assert expected in models
    assert Offering.objects.filter(openness="open", access="api_host").count() >= 3
    assert InfraProfile.objects.filter(gpus_per_replica=1).exists()
    assert InfraProfile.objects.filter(gpus_per_replica__gt=1).exists()
    assert InfraProfile.objects.filter(max_requests_per_day__isnull=False).exists()  # local tier
    assert all(o.as_of and o.source for o in Offering.objects.all())


def outcome_for(answers: dict) -> dict:
    return build_result(current_knowledge(), answers, {})


def analysis(answers: dict) -> dict:
    return outcome_for(answers)["costs"]["break_even"]


def test_the_analysis_compares_the_recommended_kind_with_self_hosting() -> None:
    closed = outcome_for({"data_sensitivity": "non_sensitive", "requests_per_day": 500})
    assert closed["top"]["key"] == "closed_api"
    assert closed["costs"]["break_even"]["api"]["label"] == "GPT-5 mini (OpenAI API)"
    # 500 requests x 30 days x (500 x 0.25 + 300 x 2) / 1e6 = $10.875
    assert closed["costs"]["break_even"]["api"]["monthly_usd"] == 10.88
    assert closed["costs"]["break_even"]["self_hosted"]["monthly_usd"] == 9600.0

    open_ = outcome_for({"data_sensitivity": "non_sensitive", "requests_per_day": 50_000})
    assert open_["top"]["key"] == "open_api_host"
    assert open_["costs"]["break_even"]["api"]["label"] == "Llama 3.3 70B on Groq"


def test_the_full_cost_of_self_hosting_counts_a_spare_and_fine_tuning() -> None:
    plain = outcome_for({"requests_per_day": 5000, "stage": "production", "uptime": "tolerant"})
    spare = outcome_for(
        {"requests_per_day": 5000, "stage": "production", "uptime": "mission_critical"}
    )
    replicas = plain["costs"]["break_even"]["self_hosted"]["replicas"]
    assert spare["costs"]["break_even"]["self_hosted"]["replicas"] == replicas + 1
    tuned = outcome_for(
        {
            "data_sensitivity": "sensitive",
            "requests_per_day": 500,
            "team_capacity": "ml_team",
            "customization": "domain_specific",
        }
    )
    assert tuned["top"]["key"] == "open_fine_tuned"
    assert tuned["costs"]["break_even"]["self_hosted"]["fine_tuning_usd"] == pytest.approx(
        5000 / 12, abs=0.01
    )


def test_prices_older_than_the_admin_set_age_are_flagged() -> None:
    today = timezone.now().date()
    Offering.objects.update(as_of=today - datetime.timedelta(days=90))
    Offering.objects.filter(key="gpt-5-mini").update(as_of=today - datetime.timedelta(days=91))
    RulesetState.bump()
    rows = {o["label"]: o for o in analysis({"requests_per_day": 500})["offerings"]}
    assert rows["GPT-5 mini (OpenAI API)"]["stale"] is True
    assert rows["GPT-5 (OpenAI API)"]["stale"] is False

    state = RulesetState.objects.get()
    state.price_stale_after_days = 30
    state.save()
    rows = {o["label"]: o for o in analysis({"requests_per_day": 500})["offerings"]}
    assert rows["GPT-5 (OpenAI API)"]["stale"] is True


def test_a_price_edit_applies_on_the_next_request() -> None:
    before = outcome_for({"data_sensitivity": "non_sensitive", "requests_per_day": 500})
    offering = Offering.objects.get(key="gpt-5-mini")
    offering.output_usd_per_mtok = Decimal("4")
    offering.save()
    after = outcome_for({"data_sensitivity": "non_sensitive", "requests_per_day": 500})
    assert after["ruleset_version"] > before["ruleset_version"]
    assert (
        after["costs"]["break_even"]["api"]["monthly_usd"]
        > before["costs"]["break_even"]["api"]["monthly_usd"]
    )


def test_no_cost_analysis_without_a_volume() -> None:
    assert outcome_for({"data_sensitivity": "sensitive"})["costs"] is None


def test_the_result_page_shows_the_chart_with_text_alternatives(client: Client) -> None:
    client.post("/wizard/?preset=high-volume")
    html = client.get("/wizard/result/").content.decode()
    assert "Pay per token or run your own GPUs?" in html
    assert 'src="data:image/svg+xml;base64,' in html
    assert "At 20,000 requests a day the API costs $319.20 a month" in html
    assert "The figures behind the chart" in html
    assert "possibly out of date" in html  # the shipped prices are from 2025
    assert "<script" not in html.split("break-even-heading")[1]
