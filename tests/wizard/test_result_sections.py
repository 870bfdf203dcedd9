"""What the result page says beyond the ranking: the hybrid's two parts and the way into the
plan, the guide's notes, the changes in words, the head-to-head's leaning, and no signal."""

from __future__ import annotations

from html import unescape
from typing import Any

import pytest
from django.test import Client

from advisor.wizard.models import WizardSession
from tests.wizard.conftest import answer

pytestmark = pytest.mark.django_db

AUTOMATION = {
    "data_sensitivity": "non_sensitive",
    "requests_per_day": "2000",
    "team_capacity": "ml_team",
    "customization": "standard",
    "frontier_capability": "not_needed",
    "stage": "production",
    "uptime": "tolerant",
    "workload_mix": "mixed_tasks",
}


def answer_all(client: Client, answers: dict[str, str]) -> None:
    for key, value in answers.items():
        assert answer(client, key, value).status_code == 302, key


def result_page(client: Client) -> tuple[dict[str, Any], str]:
    response = client.get("/wizard/result/")
    assert response.status_code == 200
    return response.context["outcome"], unescape(response.content.decode())


def test_a_hybrid_result_shows_its_two_parts_with_their_costs(client: Client) -> None:
    answer_all(client, AUTOMATION)
    outcome, html = result_page(client)
    assert outcome["top"]["key"] == "hybrid"
    plan = outcome["plan"]
    assert len(plan["parts"]) == 2
    assert "How the hybrid divides your work" in html
    for part in plan["parts"]:
        assert part["name"] in html
        assert part["approach_label"] in html
        assert f"${part['monthly_usd']:,.2f}" in html
    assert sum(p["requests_per_day"] for p in plan["parts"]) == 2000
    # The parts add up to the hybrid's row in the cost table: one figure, two places.
    hybrid_row = next(r for r in outcome["costs"]["approaches"] if r["approach"] == "hybrid")
    assert plan["monthly_usd"] == hybrid_row["monthly_usd"]
    assert round(sum(p["monthly_usd"] for p in plan["parts"]), 2) == plan["monthly_usd"]


def test_the_hybrid_opens_the_plan_with_its_parts_as_workloads(client: Client) -> None:
    answer_all(client, AUTOMATION)
    outcome, html = result_page(client)
    assert 'action="/plan/from-result/"' in html
    response = client.post("/plan/from-result/")
    assert response.status_code == 302
    assert response["Location"] == "/plan/"
    plan = client.get("/plan/").context["plan"]
    rows = plan["workloads"]
    assert [row["name"] for row in rows] == [p["name"] for p in outcome["plan"]["parts"]]
    # Each workload keeps its share of the volume and goes where the result said.
    session = WizardSession.objects.get()
    volumes = [w["answers"]["requests_per_day"] for w in session.workloads]
    assert volumes == [p["requests_per_day"] for p in outcome["plan"]["parts"]]
    assert session.workloads[0]["answers"]["data_sensitivity"] == "non_sensitive"
    # The visitor's own answers are untouched.
    assert session.answers["workload_mix"] == "mixed_tasks"


def test_a_single_task_result_has_no_hybrid_section(client: Client) -> None:
    answer_all(client, {**AUTOMATION, "workload_mix": "single_task"})
    outcome, html = result_page(client)
    assert outcome["top"]["key"] != "hybrid"
    assert outcome["plan"] is None
    assert "How the hybrid divides your work" not in html
    assert "/plan/from-result/" not in html


def test_the_plan_from_a_result_needs_answers(client: Client) -> None:
    response = client.post("/plan/from-result/")
    assert response.status_code == 302
    assert response["Location"] == "/wizard/"


def test_changes_and_notes_read_in_words(client: Client) -> None:
    answer_all(client, {**AUTOMATION, "workload_mix": "single_task"})
    outcome, html = result_page(client)
    assert outcome["changes"]
    for change in outcome["changes"]:
        assert change["text"] in html
    if outcome["notes"]:
        assert "Worth knowing" in html
        assert all(note["text"] in html for note in outcome["notes"])


def test_the_head_to_head_says_which_approach_each_row_favours(client: Client) -> None:
    answer_all(client, AUTOMATION)
    outcome, html = result_page(client)
    labels = {a["key"]: a["label"] for a in outcome["comparison"]["approaches"]}
    favoured = [row for row in outcome["comparison"]["rows"] if row["favours"]]
    assert favoured
    for row in favoured:
        assert f"favours {labels[row['favours']]}" in html
    for row in outcome["comparison"]["rows"]:
        if row["weight"] == 0:
            assert row["favours"] is None  # a point that does not matter favours no one


def test_no_signal_is_not_presented_as_advice(client: Client) -> None:
    # Only an answer whose question is not asked (uptime is asked in production only).
    answer(client, "stage", "prototype")
    session = WizardSession.objects.get()
    session.answers = {"uptime": "mission_critical"}
    session.save()
    outcome, html = result_page(client)
    assert outcome["top"] is None
    assert outcome["no_signal"]
    assert "<h1>No recommendation yet</h1>" in html
    assert outcome["message"] in html
    assert "We recommend" not in html
    assert 'id="ranking-heading"' not in html
    assert " points<" not in html


def test_a_plan_workload_is_not_priced_against_a_hybrid(client: Client) -> None:
    # A workload is one task: the cost reasons compare it with what it could run on, never
    # with splitting it again.
    answer_all(
        client,
        {
            **AUTOMATION,
            "data_sensitivity": "sensitive",
            "requests_per_day": "20000",
            "frontier_capability": "needed",
        },
    )
    assert result_page(client)[0]["top"]["key"] == "hybrid"
    client.post("/plan/from-result/")
    plan = client.get("/plan/").context["plan"]
    assert len(plan["workloads"]) == 2
    for row in plan["workloads"]:
        assert row["approach"] != "hybrid"
        assert not any("Hybrid" in reason["text"] for reason in row["reasons"]), row["name"]


def test_the_plan_shows_the_results_option_where_it_routes_a_part_otherwise(
    client: Client,
) -> None:
    # Frontier work at 4,000 a day: the result gives the general part a closed frontier
    # model; the plan, routing the workload on its own, may pick an open host. Both figures
    # are then on the plan page, so the two pages never silently disagree.
    answer_all(
        client,
        {
            **AUTOMATION,
            "data_sensitivity": "sensitive",
            "requests_per_day": "20000",
            "frontier_capability": "needed",
        },
    )
    outcome, _ = result_page(client)
    parts = {part["name"]: part for part in outcome["plan"]["parts"]}
    client.post("/plan/from-result/")
    response = client.get("/plan/")
    html = unescape(response.content.decode())
    for row in response.context["plan"]["workloads"]:
        part = parts[row["name"]]
        if row["cost"]["option"] == part["option"]:
            assert row["alternative"] is None
            assert row["cost"]["monthly_usd"] == part["monthly_usd"]
        else:
            assert row["alternative"]["option"] == part["option"]
            assert row["alternative"]["monthly_usd"] == part["monthly_usd"]
            assert f"${part['monthly_usd']:,.2f} a month" in html
    assert any(row["alternative"] for row in response.context["plan"]["workloads"])
