"""The same answers give the same advice wherever it is shown: the result page, the plan page
(as one workload), a saved report with its Markdown and JSON exports, the API and the
admin's try-it page all name the same approach, priced option and monthly figure."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from advisor.reports.models import Report
from tests.orgs.fixtures import editor, org, owner, viewer  # noqa: F401

pytestmark = pytest.mark.django_db

ANSWER_SETS = {
    "closed API at low volume": {
        "data_sensitivity": "non_sensitive",
        "requests_per_day": 300,
        "team_capacity": "no_ml_team",
        "frontier_capability": "needed",
    },
    "API host at high volume": {"data_sensitivity": "non_sensitive", "requests_per_day": 20_000},
    "self-hosted, mission-critical": {
        "data_sensitivity": "regulated",
        "requests_per_day": 5_000,
        "team_capacity": "ml_team",
        "stage": "production",
        "uptime": "mission_critical",
    },
    "fine-tuned": {
        "data_sensitivity": "sensitive",
        "requests_per_day": 800,
        "team_capacity": "ml_team",
        "customization": "domain_specific",
    },
    "hybrid": {
        "data_sensitivity": "non_sensitive",
        "requests_per_day": 500,
        "workload_mix": "mixed_tasks",
    },
}


def priced(costs: dict, approach: str) -> tuple[str, str, float]:
    row = next(row for row in costs["approaches"] if row["approach"] == approach)
    return approach, row["option"], row["monthly_usd"]


def money(amount: float) -> str:
    return f"${amount:,.2f}"


@pytest.mark.parametrize("answers", ANSWER_SETS.values(), ids=ANSWER_SETS.keys())
def test_every_page_names_the_same_approach_option_and_figure(
    client: Client,
    admin_client: Client,
    editor,  # noqa: F811 - the fixture
    org,  # noqa: F811 - the fixture
    answers: dict,
) -> None:
    api = client.post(
        "/api/v1/recommend", json.dumps({"answers": answers}), content_type="application/json"
    ).json()
    top = api["top"]
    expected = priced(api["costs"], top)
    figure = money(expected[2])

    client.force_login(editor)
    for key, value in answers.items():
        client.post(f"/wizard/step/{key}/", {"answer": value})
    result = client.get("/wizard/result/")
    assert result.context["outcome"]["top"]["key"] == top
    assert priced(result.context["outcome"]["costs"], top) == expected
    assert figure in result.content.decode()

    plan = client.post("/plan/add/", {"name": "The task", **answers}, follow=True)
    row = plan.context["plan"]["workloads"][0]
    if answers.get("workload_mix") == "mixed_tasks":
        # A plan's workload is one task by definition ("one task or many?" is not asked
        # there): mixed tasks are what the plan splits into workloads.
        assert row["answers"]["workload_mix"] == "single_task"
    else:
        assert (row["approach"], row["cost"]["option"], row["cost"]["monthly_usd"]) == expected
        assert figure in plan.content.decode()

    client.post("/reports/save/", {"org": org.code, "title": "The decision"})
    report = Report.objects.get(title="The decision")
    assert report.snapshot["top"]["key"] == top
    assert priced(report.snapshot["costs"], top) == expected
    assert figure in client.get(report.get_absolute_url()).content.decode()
    assert figure in client.get(report.get_absolute_url() + "export.md").content.decode()
    exported = json.loads(client.get(report.get_absolute_url() + "export.json").content)
    assert priced(exported["result"]["costs"], top) == expected

    try_it = admin_client.get(
        "/admin/knowledge/rule/try-it/",
        {"run": "1", **{f"a-{key}": value for key, value in answers.items()}},
    )
    assert try_it.context["outcome"]["top"]["key"] == top
    assert priced(try_it.context["outcome"]["costs"], top) == expected
    assert figure in try_it.content.decode()
