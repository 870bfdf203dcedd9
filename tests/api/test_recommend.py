"""POST /api/v1/recommend: the guide's decisions, traceable scores, one query when warm."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api import get_ruleset, post_answers, post_body, recommend

pytestmark = pytest.mark.django_db

GUIDE_PRESETS = {
    "prototyping-quickly",
    "processing-customer-pii",
    "low-volume-non-sensitive",
    "high-volume",
    "healthcare-finance-legal",
    "latest-multimodal-features",
    "domain-specific-fine-tuning",
    "small-team-no-ml-engineers",
    "regulated-strict-data-residency",
    "general-business-automation",
}
FRONTIER = ["needed", "not_needed", None]

REALISTIC = {
    "data_sensitivity": "sensitive",
    "requests_per_day": 5000,
    "team_capacity": "ml_team",
    "customization": "standard",
    "stage": "production",
    "uptime": "mission_critical",
    "frontier_capability": "not_needed",
    "workload_mix": "single_task",
}


def answers(**given: Any) -> dict[str, Any]:
    """The given answers, leaving out the ones passed as ``None`` (unanswered)."""
    return {key: value for key, value in given.items() if value is not None}


# --- the guide's flowchart ----------------------------------------------------------------


@pytest.mark.parametrize("sensitivity", ["regulated", "sensitive"])
@pytest.mark.parametrize("volume", [0, 500, 1000, 1001, 50_000, 1_000_000_000, None])
@pytest.mark.parametrize("frontier", FRONTIER)
def test_sensitive_data_is_self_hosted_whatever_the_volume(
    client, sensitivity: str, volume: int | None, frontier: str | None
) -> None:
    result = recommend(
        client,
        answers(
            data_sensitivity=sensitivity, requests_per_day=volume, frontier_capability=frontier
        ),
    )
    assert result["top"] == "open_self_hosted"


@pytest.mark.parametrize("volume", [1001, 20_000, 100_001, 1_000_000_000])
@pytest.mark.parametrize("frontier", FRONTIER)
def test_high_volume_non_sensitive_goes_to_an_api_host(
    client, volume: int, frontier: str | None
) -> None:
    result = recommend(
        client,
        answers(
            data_sensitivity="non_sensitive", requests_per_day=volume, frontier_capability=frontier
        ),
    )
    assert result["top"] == "open_api_host"


@pytest.mark.parametrize("volume", [0, 1, 300, 1000])
def test_low_volume_non_sensitive_frontier_goes_to_a_closed_api(client, volume: int) -> None:
    result = recommend(
        client,
        answers(
            data_sensitivity="non_sensitive",
            requests_per_day=volume,
            frontier_capability="needed",
        ),
    )
    assert result["top"] == "closed_api"


# --- presets --------------------------------------------------------------------------------


def test_the_guide_presets_are_all_offered(client) -> None:
    slugs = {preset["slug"] for preset in get_ruleset(client)["presets"]}
    assert slugs >= GUIDE_PRESETS


def test_every_preset_recommends_its_expected_approach(client) -> None:
    presets = get_ruleset(client)["presets"]
    assert len(presets) >= len(GUIDE_PRESETS)
    for preset in presets:
        assert preset["expected"], preset["slug"]
        result = recommend(client, preset["answers"])
        assert result["top"] == preset["expected"], preset["slug"]


# --- the shape and arithmetic of a recommendation -----------------------------------------


def test_response_has_the_contract_shape(client) -> None:
    response = post_answers(client, REALISTIC)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    result = response.json()
    assert set(result) == {
        "ruleset_version",
        "top",
        "close_call",
        "ranking",
        "caveats",
        "notes",
        "changes",
        "next_steps",
        "message",
        "obligations",
        "costs",
        "shortlist",
    }
    assert result["message"] == ""  # a pick was made
    assert all(isinstance(note, str) and note for note in result["notes"])
    for change in result["changes"]:
        assert set(change) == {"question", "answer", "new_top", "text"}
        assert change["new_top"] != result["top"]
    assert result["next_steps"]
    for step in result["next_steps"]:
        assert set(step) >= {"title", "kind", "description", "steps", "commands"}
    assert result["ruleset_version"] == get_ruleset(client)["version"]
    assert isinstance(result["close_call"], bool)
    approaches = {approach["key"] for approach in get_ruleset(client)["approaches"]}
    assert {entry["approach"] for entry in result["ranking"]} == approaches
    for entry in result["ranking"]:
        assert set(entry) == {"approach", "label", "score", "excluded", "reasons"}
        for reason in entry["reasons"]:
            assert set(reason) == {"text", "points", "basis", "questions"}
            assert reason["basis"] in {"rule", "cost"}
    assert all(isinstance(caveat, str) for caveat in result["caveats"])
    assert set(result["costs"]) == {"assumptions", "approaches", "cheapest_allowed"}
    for row in result["costs"]["approaches"]:
        assert set(row) >= {
            "approach",
            "allowed",
            "monthly_usd",
            "option",
            "option_label",
            "breakdown",
            "prices_as_of",
        }


def assert_scores_add_up(result: dict[str, Any]) -> None:
    for entry in result["ranking"]:
        assert sum(reason["points"] for reason in entry["reasons"]) == entry["score"]


def assert_excluded_last(result: dict[str, Any]) -> None:
    flags = [entry["excluded"] for entry in result["ranking"]]
    assert flags == sorted(flags)  # False (kept) before True (excluded)
    kept = [entry["score"] for entry in result["ranking"] if not entry["excluded"]]
    assert kept == sorted(kept, reverse=True)
    top = result["ranking"][0]
    if result["top"] is None:
        # Either every approach is excluded, or the answers give no signal: both say why.
        assert result["message"]
        assert top["excluded"] or all(not entry["reasons"] for entry in result["ranking"])
    else:
        assert result["top"] == top["approach"]
        assert not top["excluded"]


def test_every_score_is_the_sum_of_its_reasons(client) -> None:
    for preset in get_ruleset(client)["presets"]:
        assert_scores_add_up(recommend(client, preset["answers"]))
    assert_scores_add_up(recommend(client, REALISTIC))


def test_regulated_data_excludes_the_closed_api_and_ranks_it_last(client) -> None:
    result = recommend(client, {"data_sensitivity": "regulated", "requests_per_day": 100})
    closed = next(entry for entry in result["ranking"] if entry["approach"] == "closed_api")
    assert closed["excluded"] is True
    assert closed["reasons"]
    assert result["ranking"][-1]["approach"] == "closed_api"
    assert_excluded_last(result)


def test_without_regulated_data_nothing_is_excluded(client) -> None:
    result = recommend(client, {"data_sensitivity": "sensitive"})
    assert not any(entry["excluded"] for entry in result["ranking"])


def test_regulated_data_without_an_ml_team_self_hosts_with_a_team_caveat(client) -> None:
    result = recommend(client, {"data_sensitivity": "regulated", "team_capacity": "no_ml_team"})
    assert result["top"] == "open_self_hosted"
    assert any("team" in caveat.lower() for caveat in result["caveats"])


def test_no_caveat_without_a_reason_for_one(client) -> None:
    result = recommend(client, {"data_sensitivity": "non_sensitive", "requests_per_day": 10})
    assert result["caveats"] == []


@pytest.mark.parametrize("body", ["{}", '{"answers": {}}'])
def test_no_answers_still_ranks_every_approach(client, body: str) -> None:
    response = post_body(client, body)
    assert response.status_code == 200
    result = response.json()
    assert len(result["ranking"]) == len(get_ruleset(client)["approaches"])
    assert all(entry["score"] == 0 and not entry["reasons"] for entry in result["ranking"])


def test_null_answers_count_as_unanswered(client) -> None:
    with_nulls = recommend(client, {"data_sensitivity": "regulated", "requests_per_day": None})
    assert with_nulls == recommend(client, {"data_sensitivity": "regulated"})


def test_answers_to_hidden_questions_are_ignored(client) -> None:
    # ``uptime`` is only asked in production.
    hidden = recommend(client, {"stage": "prototype", "uptime": "mission_critical"})
    plain = recommend(client, {"stage": "prototype"})
    assert hidden["ranking"] == plain["ranking"]
    assert hidden["top"] == plain["top"]
    # ... and the caller is told which answer did not count, and why.
    [dropped] = [c for c in hidden["caveats"] if c not in plain["caveats"]]
    assert dropped.startswith("Not counted:")
    assert "uptime" in dropped
    shown = recommend(client, {"stage": "production", "uptime": "mission_critical"})
    assert shown != recommend(client, {"stage": "production"})


def test_recommendations_are_not_cached(client) -> None:
    response = post_answers(client, REALISTIC)
    assert response["Cache-Control"] == "no-store"


def test_csrf_is_not_required(client) -> None:
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert post_answers(strict, REALISTIC).status_code == 200


def test_a_warm_recommendation_makes_at_most_one_query(
    client, django_assert_max_num_queries
) -> None:
    recommend(client, REALISTIC)  # warms the snapshot
    with django_assert_max_num_queries(1):
        response = post_answers(client, {**REALISTIC, "requests_per_day": 20})
    assert response.status_code == 200


# --- properties over random valid answers -------------------------------------------------


def valid_answers(ruleset: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Any subset of the questions, each answered with a valid value or null."""
    per_question = {}
    for question in ruleset["questions"]:
        if question["kind"] == "number":
            value = st.integers(question["min_value"], question["max_value"])
            value = st.one_of(value, st.sampled_from([1000, 1001, 100_000, 100_001]))
        else:
            value = st.sampled_from([option["key"] for option in question["options"]])
        per_question[question["key"]] = st.one_of(st.none(), value)
    return st.fixed_dictionaries({}, optional=per_question)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_valid_answers_give_consistent_rankings(client, data: st.DataObject) -> None:
    given_answers = data.draw(valid_answers(get_ruleset(client)))
    response = post_body(client, json.dumps({"answers": given_answers}))
    assert response.status_code == 200, response.content
    result = response.json()
    assert_scores_add_up(result)
    assert_excluded_last(result)
    excluded = {entry["approach"] for entry in result["ranking"] if entry["excluded"]}
    # The standard closed API is out for regulated data, and for mission-critical work (no
    # SLA), which counts only where the uptime question is asked: in production.
    regulated = given_answers.get("data_sensitivity") == "regulated"
    needs_sla = (
        given_answers.get("uptime") == "mission_critical"
        and given_answers.get("stage") == "production"
    )
    assert ("closed_api" in excluded) == (regulated or needs_sla)
