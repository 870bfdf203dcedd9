"""POST /api/v1/recommend: a cost for every approach at the caller's volume and token shape."""

from __future__ import annotations

import json

import pytest

from tests.api import post_body, recommend

pytestmark = pytest.mark.django_db

HIGH = {"data_sensitivity": "non_sensitive", "requests_per_day": 200_000}


def post(client, body: dict):
    return post_body(client, json.dumps(body))


def costs_of(data: dict) -> dict[str, float]:
    return {row["approach"]: row["monthly_usd"] for row in data["costs"]["approaches"]}


def test_every_approach_is_priced_with_its_option_breakdown_and_date(client) -> None:
    data = recommend(client, HIGH)
    costs = data["costs"]
    assert {row["approach"] for row in costs["approaches"]} == {
        entry["approach"] for entry in data["ranking"]
    }
    for row in costs["approaches"]:
        assert row["option"]
        assert row["option_label"]
        assert row["prices_as_of"][:4].isdigit()
        assert sum(line["monthly_usd"] for line in row["breakdown"]) == pytest.approx(
            row["monthly_usd"], abs=0.02
        )
    allowed = {r["approach"]: r["monthly_usd"] for r in costs["approaches"] if r["allowed"]}
    assert costs["cheapest_allowed"] == min(allowed, key=allowed.get)
    assert costs["assumptions"] == {
        "input_tokens": 500,
        "output_tokens": 300,
        "task_profile": None,
        "tier": "standard",
        "model": None,
        "profile": None,
    }


def test_costs_are_null_without_a_volume(client) -> None:
    assert recommend(client, {"data_sensitivity": "sensitive"})["costs"] is None


def test_token_assumptions_change_the_figures(client) -> None:
    typical = post(client, {"answers": HIGH}).json()
    shaped = post(
        client, {"answers": HIGH, "assumptions": {"input_tokens": 500, "output_tokens": 10}}
    ).json()
    task = post(client, {"answers": HIGH, "assumptions": {"task_profile": "classification"}}).json()
    assert shaped["costs"]["assumptions"]["output_tokens"] == 10
    assert task["costs"]["assumptions"]["task_profile"] == "classification"
    assert task["costs"]["assumptions"]["tier"] == "small"
    for approach in ("closed_api", "open_api_host"):
        assert costs_of(shaped)[approach] < costs_of(typical)[approach] / 2
        assert costs_of(task)[approach] <= costs_of(shaped)[approach]


def test_a_named_model_is_priced_as_asked(client) -> None:
    data = post(client, {"answers": HIGH, "assumptions": {"model": "gpt-5"}}).json()
    closed = next(r for r in data["costs"]["approaches"] if r["approach"] == "closed_api")
    assert closed["option"] == "gpt-5"


@pytest.mark.parametrize(
    ("assumptions", "field"),
    [
        ({"task_profile": "poetry"}, "assumptions.task_profile"),
        ({"model": "gpt-99"}, "assumptions.model"),
        ({"profile": "cray-1"}, "assumptions.profile"),
        ({"input_tokens": -1}, "assumptions.input_tokens"),
        ({"output_tokens": "many"}, "assumptions.output_tokens"),
        ({"surprise": 1}, "assumptions.surprise"),
    ],
)
def test_bad_assumptions_are_a_400_naming_the_field(client, assumptions, field) -> None:
    response = post(client, {"answers": HIGH, "assumptions": assumptions})
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_cost_reasons_say_so_and_follow_the_table(client) -> None:
    data = recommend(client, {**HIGH, "team_capacity": "ml_team"})
    costs = costs_of(data)
    cost_reasons = [
        (entry["approach"], reason)
        for entry in data["ranking"]
        for reason in entry["reasons"]
        if reason["basis"] == "cost"
    ]
    assert cost_reasons
    for approach, reason in cost_reasons:
        assert f"${costs[approach]:,.2f}" in reason["text"]
        assert reason["questions"] == ["requests_per_day"]
