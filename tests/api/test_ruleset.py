"""GET /api/v1/ruleset: the seeded knowledge, versioned, and edits show up at once."""

from __future__ import annotations

import pytest

from advisor.knowledge.models import Rule
from tests.api import RULESET_URL, get_ruleset, recommend

pytestmark = pytest.mark.django_db

SEEDED_QUESTIONS = {
    "data_sensitivity": {"regulated", "sensitive", "non_sensitive"},
    "requests_per_day": set(),
    "team_capacity": {"no_ml_team", "ml_team"},
    "customization": {"standard", "domain_specific"},
    "uptime": {"mission_critical", "tolerant"},
    "frontier_capability": {"needed", "not_needed"},
    "stage": {"prototype", "production"},
    "workload_mix": {"single_task", "mixed_tasks"},
    "jurisdiction": {"eu", "uk", "us", "other"},
    "sector": {"healthcare", "finance", "legal", "public_sector", "other"},
    "modalities": {"text", "image", "audio", "video"},
}
SEEDED_APPROACHES = {
    "closed_api",
    "closed_enterprise",
    "open_api_host",
    "open_self_hosted",
    "open_fine_tuned",
    "hybrid",
}


def test_ruleset_lists_the_seeded_questions_and_options(client) -> None:
    ruleset = get_ruleset(client)
    assert set(ruleset) == {"version", "questions", "approaches", "dimensions", "presets"}
    assert isinstance(ruleset["version"], int)
    options = {
        question["key"]: {option["key"] for option in question["options"]}
        for question in ruleset["questions"]
    }
    assert options == SEEDED_QUESTIONS
    for question in ruleset["questions"]:
        assert set(question) == {
            "key",
            "prompt",
            "help_text",
            "kind",
            "min_value",
            "max_value",
            "unit",
            "show_if",
            "options",
        }
        assert question["prompt"]
        for option in question["options"]:
            assert set(option) == {"key", "label", "help_text"}


def test_number_questions_carry_their_range(client) -> None:
    questions = {q["key"]: q for q in get_ruleset(client)["questions"]}
    volume = questions["requests_per_day"]
    assert volume["kind"] == "number"
    assert (volume["min_value"], volume["max_value"]) == (0, 1_000_000_000)
    assert questions["data_sensitivity"]["kind"] == "choice"


def test_gated_questions_say_when_they_are_asked(client) -> None:
    questions = {q["key"]: q for q in get_ruleset(client)["questions"]}
    assert questions["uptime"]["show_if"] == {"question": "stage", "options": ["production"]}
    assert questions["stage"]["show_if"] is None


def test_ruleset_lists_approaches_dimensions_and_presets(client) -> None:
    ruleset = get_ruleset(client)
    assert {approach["key"] for approach in ruleset["approaches"]} == SEEDED_APPROACHES
    for approach in ruleset["approaches"]:
        assert set(approach) == {"key", "label", "summary"}
    assert ruleset["dimensions"]
    for dimension in ruleset["dimensions"]:
        assert set(dimension) == {"key", "label", "closed_view", "open_view", "ratings"}
        assert set(dimension["ratings"]) == SEEDED_APPROACHES
        assert all(1 <= rating <= 5 for rating in dimension["ratings"].values())
    for preset in ruleset["presets"]:
        assert set(preset) == {"slug", "label", "answers", "expected"}
        assert set(preset["answers"]) <= set(SEEDED_QUESTIONS)
        assert preset["expected"] in SEEDED_APPROACHES


def test_ruleset_is_briefly_cacheable_with_the_version_as_etag(client) -> None:
    response = client.get(RULESET_URL)
    assert response["Cache-Control"] == "max-age=60"
    assert response["ETag"] == f'"ruleset-{response.json()["version"]}"'

    unchanged = client.get(RULESET_URL, HTTP_IF_NONE_MATCH=response["ETag"])
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged["ETag"] == response["ETag"]


def test_an_edit_changes_the_version_and_the_etag(client) -> None:
    before = client.get(RULESET_URL)
    Rule.objects.first().save()
    after = client.get(RULESET_URL, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert after.json()["version"] > before.json()["version"]
    assert after["ETag"] != before["ETag"]


def test_recommend_reports_the_new_version_after_an_edit(client) -> None:
    version = recommend(client, {"stage": "prototype"})["ruleset_version"]
    Rule.objects.first().save()
    assert recommend(client, {"stage": "prototype"})["ruleset_version"] == version + 1


def test_recommend_follows_an_edit_at_once(client) -> None:
    regulated = {"data_sensitivity": "regulated"}

    def closed_api_excluded() -> bool:
        ranking = recommend(client, regulated)["ranking"]
        return next(e for e in ranking if e["approach"] == "closed_api")["excluded"]

    assert closed_api_excluded()  # and the snapshot is now warm
    rule = Rule.objects.get(
        effect=Rule.Effect.EXCLUDE,
        approach__key="closed_api",
        conditions__option__key="regulated",
    )
    rule.enabled = False
    rule.save()
    assert not closed_api_excluded()


def test_a_renamed_option_label_shows_in_the_ruleset(client) -> None:
    from advisor.knowledge.models import Option

    get_ruleset(client)  # warm
    option = Option.objects.get(question__key="stage", key="prototype")
    option.label = "Trying it out"
    option.save()
    stage = next(q for q in get_ruleset(client)["questions"] if q["key"] == "stage")
    assert {"key": "prototype", "label": "Trying it out"}.items() <= stage["options"][0].items()
