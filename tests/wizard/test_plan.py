"""The hybrid routing plan: workloads routed one by one, with flowchart paths and costs."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from advisor.advice import build_plan, flowchart_path
from advisor.knowledge.ruleset import current_knowledge
from advisor.wizard.models import WizardSession
from tests.wizard.conftest import HTMX

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("answers", "end"),
    [
        ({"data_sensitivity": "regulated", "requests_per_day": 50_000}, "self_hosted"),
        ({"data_sensitivity": "sensitive"}, "self_hosted"),
        ({"data_sensitivity": "non_sensitive", "requests_per_day": 1001}, "api_host"),
        ({"data_sensitivity": "non_sensitive", "requests_per_day": 1000}, "either"),
        (
            {"requests_per_day": 1000, "frontier_capability": "needed"},
            "closed_api",
        ),
        ({}, "either"),
    ],
)
def test_the_flowchart_path_follows_the_guide(answers, end) -> None:
    path = flowchart_path(answers)
    assert path[:2] == ["task", "sensitive"]
    assert path[-1] == end


def test_the_financial_services_example_is_a_three_way_hybrid() -> None:
    preset = current_knowledge().catalogue.plan("financial-services")
    assert preset is not None
    plan = build_plan(current_knowledge(), preset.workloads)
    routes = {row["name"]: row["approach"] for row in plan["workloads"]}
    assert routes == {
        "Drafting client communications": "closed_api",
        "Analysing client portfolios": "open_fine_tuned",
        "Classifying documents": "open_api_host",
    }
    assert plan["hybrid"] is True
    total = sum(row["cost"]["monthly_usd"] for row in plan["workloads"])
    assert plan["total_monthly_usd"] == pytest.approx(total)
    classifying = plan["workloads"][2]
    # The guide's own example uses Gemini Flash here; the plan shows it beside its choice.
    assert classifying["alternative"]["option_label"] == "Gemini 2.5 Flash (Google API)"
    # 20,000 x 30 x (500 x 0.30 + 300 x 2.5) / 1e6
    assert classifying["alternative"]["monthly_usd"] == 540.0
    # Llama 4 Maverick on Together: 20,000 x 30 x (500 x 0.27 + 300 x 0.85) / 1e6
    assert classifying["cost"]["monthly_usd"] == 234.0
    assert classifying["alternative"]["cheaper"] is True
    assert classifying["path"][-1] == "api_host"


def test_the_plan_page_loads_the_preset_and_shows_the_routing(client: Client) -> None:
    response = client.get("/plan/?preset=financial-services")
    assert response.status_code == 302
    html = client.get("/plan/").content.decode()
    assert "Routing table" in html
    assert "Fine-tuned open model" in html
    assert "The other choice for “Classifying documents”" in html
    assert html.count('<svg class="flow"') == 3
    assert "Combined monthly cost" in html


def test_adding_a_workload_routes_it(client: Client) -> None:
    response = client.post(
        "/plan/add/",
        {"name": "Support chatbot", "data_sensitivity": "sensitive", "requests_per_day": "3000"},
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "Support chatbot" in html
    assert "Open model, self-hosted" in html
    session = WizardSession.objects.get()
    assert session.workloads == [
        {
            "name": "Support chatbot",
            "answers": {"data_sensitivity": "sensitive", "requests_per_day": 3000},
        }
    ]


def test_a_bad_workload_is_refused_with_messages_and_nothing_saved(client: Client) -> None:
    response = client.post(
        "/plan/add/", {"name": "", "requests_per_day": "lots", "stage": "nope"}, **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "This field is required." in html
    assert "Enter a whole number, such as 500." in html
    assert "Select a valid choice." in html
    assert not WizardSession.objects.exists()


def test_removing_a_workload(client: Client) -> None:
    client.get("/plan/?preset=financial-services")
    client.post("/plan/remove/0/")
    names = [w["name"] for w in WizardSession.objects.get().workloads]
    assert names == ["Analysing client portfolios", "Classifying documents"]
    assert client.post("/plan/remove/99/").status_code == 302  # nothing to remove: no error


def test_the_routing_policy_download(client: Client) -> None:
    assert client.get("/plan/policy.json").status_code == 302  # no plan yet
    client.get("/plan/?preset=financial-services")
    response = client.get("/plan/policy.json")
    assert response["Content-Disposition"] == 'attachment; filename="routing-policy.json"'
    policy = json.loads(response.content)
    assert policy["format"] == "sourcing-advisor-routing-policy"
    assert [route["route_to"] for route in policy["routes"]] == [
        "closed_api",
        "open_fine_tuned",
        "open_api_host",
    ]
    assert policy["routes"][2]["when"]["requests_per_day"] == 20000
