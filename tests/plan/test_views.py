"""The hybrid routing plan: workloads routed one by one, with flowchart paths and costs."""

from __future__ import annotations

import json

import pytest
import yaml
from django.test import Client

from advisor.knowledge.ruleset import current_knowledge
from advisor.plan.building import build_plan, flowchart_path
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
    response = client.post("/plan/?preset=financial-services")
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
    client.post("/plan/?preset=financial-services")
    client.post("/plan/remove/0/")
    names = [w["name"] for w in WizardSession.objects.get().workloads]
    assert names == ["Analysing client portfolios", "Classifying documents"]
    assert client.post("/plan/remove/99/").status_code == 302  # nothing to remove: no error


def test_the_routing_policy_download(client: Client) -> None:
    assert client.get("/plan/policy.json").status_code == 302  # no plan yet
    client.post("/plan/?preset=financial-services")
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


# Presets, editing, the shared platform on the page, the gateway downloads -------------------


def test_following_a_plan_preset_link_writes_nothing(client: Client) -> None:
    for _ in range(3):
        response = client.get("/plan/?preset=financial-services")
        assert response.status_code == 200
    html = response.content.decode()
    assert 'action="/plan/?preset=financial-services"' in html
    assert "csrfmiddlewaretoken" in html
    assert "Analysing client portfolios" in html
    assert not WizardSession.objects.exists()
    assert client.post("/plan/").status_code == 405  # a POST needs a preset
    assert client.get("/plan/?preset=no-such-plan").status_code == 404


def test_a_preset_link_does_not_replace_a_plan_until_confirmed(client: Client) -> None:
    client.post("/plan/add/", {"name": "Mine", "requests_per_day": "10"})
    html = client.get("/plan/?preset=financial-services").content.decode()
    assert "replace the workloads" in html
    assert [w["name"] for w in WizardSession.objects.get().workloads] == ["Mine"]


def test_a_workload_is_edited_in_place_with_htmx(client: Client) -> None:
    client.post("/plan/?preset=financial-services")
    form = client.get("/plan/edit/2/", **HTMX)
    assert form.status_code == 200
    assert "HX-Request" in form["Vary"]
    html = form.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith('<li class="list-group-item workload-row" id="workload-2"')
    assert 'value="Classifying documents"' in html
    assert 'name="workload_mix"' not in html  # each workload is one task
    assert 'name="team_capacity"' not in html  # asked once for the plan

    response = client.post(
        "/plan/edit/2/",
        {"name": "Classifying letters", "data_sensitivity": "regulated", "requests_per_day": "900"},
        **HTMX,
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#plan-body"
    assert response["HX-Reswap"] == "outerHTML"
    assert 'id="plan-body"' in response.content.decode()
    edited = WizardSession.objects.get().workloads[2]
    assert edited["name"] == "Classifying letters"
    assert edited["note"] == "High volume, routine labels."
    assert edited["answers"]["data_sensitivity"] == "regulated"
    assert edited["answers"]["team_capacity"] == "ml_team"  # the plan-wide answer is kept


def test_a_workload_is_edited_without_javascript(client: Client) -> None:
    client.post("/plan/?preset=financial-services")
    page = client.get("/plan/edit/0/")
    assert page.status_code == 200
    assert "<html" in page.content.decode()
    response = client.post("/plan/edit/0/", {"name": "Letters", "requests_per_day": "50"})
    assert response.status_code == 302
    assert response["Location"] == "/plan/"
    assert WizardSession.objects.get().workloads[0]["answers"]["requests_per_day"] == 50


@pytest.mark.parametrize("htmx", [False, True])
def test_a_bad_edit_shows_its_errors_and_changes_nothing(client: Client, htmx: bool) -> None:
    client.post("/plan/?preset=financial-services")
    before = WizardSession.objects.get().workloads
    extra = HTMX if htmx else {}
    response = client.post(
        "/plan/edit/1/", {"name": "", "requests_per_day": "-4", "stage": "nope"}, **extra
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "This field is required." in html
    assert "Select a valid choice." in html
    assert ("<html" in html) is not htmx
    assert WizardSession.objects.get().workloads == before
    assert client.post("/plan/edit/99/", {"name": "x"}).status_code == 302


def test_a_workload_shows_its_caveats(client: Client) -> None:
    knowledge = current_knowledge()
    answers = {"stage": "prototype", "requests_per_day": 200, "data_sensitivity": "sensitive"}
    plan = build_plan(knowledge, [{"name": "Prototype", "answers": answers}])
    caveats = plan["workloads"][0]["caveats"]
    assert caveats  # the engine's caveats for these answers
    client.post("/plan/add/", {"name": "Prototype", **answers})
    html = client.get("/plan/").content.decode()
    assert html.count(caveats[0]) >= 2  # in the routing table and with the workload
    assert caveats[0] in client.get("/plan/edit/0/", **HTMX).content.decode()


def test_the_plan_wide_answers_apply_to_every_workload(client: Client) -> None:
    client.post("/plan/?preset=financial-services")
    response = client.post("/plan/organisation/", {"team_capacity": "no_ml_team"}, **HTMX)
    assert response.status_code == 200
    workloads = WizardSession.objects.get().workloads
    assert {w["answers"]["team_capacity"] for w in workloads} == {"no_ml_team"}
    client.post("/plan/add/", {"name": "New one", "requests_per_day": "5"})
    assert WizardSession.objects.get().workloads[-1]["answers"]["team_capacity"] == "no_ml_team"
    bad = client.post("/plan/organisation/", {"team_capacity": "robots"})
    assert bad.status_code == 200
    assert "Select a valid choice." in bad.content.decode()


def test_the_page_shows_the_shared_platform_and_its_saving(client: Client) -> None:
    for name in ("Notes", "Claims", "Emails"):
        client.post(
            "/plan/add/",
            {"name": name, "data_sensitivity": "sensitive", "requests_per_day": "1000"},
        )
    response = client.get("/plan/")
    plan = response.context["plan"]
    (platform,) = plan["platforms"]
    html = response.content.decode()
    assert "Shared self-hosted platform" in html
    assert f"a saving of <strong>${platform['saving_monthly_usd']:,.2f} a month" in html
    assert plan["total_monthly_usd"] < 2 * plan["workloads"][0]["cost"]["separate_monthly_usd"]


@pytest.mark.parametrize(
    ("url", "filename"),
    [
        ("/plan/litellm.yaml", "litellm-config.yaml"),
        ("/plan/portkey.json", "portkey-config.json"),
    ],
)
def test_the_gateway_downloads(client: Client, url: str, filename: str) -> None:
    assert client.get(url).status_code == 302  # no plan yet
    client.post("/plan/?preset=financial-services")
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    text = response.content.decode()
    if filename.endswith(".yaml"):
        config = yaml.safe_load(text)
        assert [e["model_name"] for e in config["model_list"]] == [
            "task/drafting-client-communications",
            "task/analysing-client-portfolios",
            "task/classifying-documents",
        ]
    else:
        assert json.loads(text)["strategy"]["mode"] == "conditional"
    assert f'href="{url}"' in client.get("/plan/").content.decode()


def test_the_routing_policy_gains_model_ids_and_fallbacks(client: Client) -> None:
    client.post("/plan/?preset=financial-services")
    policy = json.loads(client.get("/plan/policy.json").content)
    classifying = policy["routes"][2]
    (target,) = classifying["targets"]
    assert target["model_name"] == "task/classifying-documents"
    assert target["model_id"].startswith("together_ai/")
    assert target["fallbacks"]
    portfolios = policy["routes"][1]["targets"][0]
    assert portfolios["data_class"] == "own_infrastructure"
    assert portfolios["fallbacks"] == []  # regulated: nowhere outside its own infrastructure


def test_a_workload_shows_the_obligations_its_answers_trigger(client: Client) -> None:
    answers = {"data_sensitivity": "regulated", "requests_per_day": "500"}
    client.post("/plan/add/", {"name": "Patient letters", **answers})
    # Where the organisation is and its sector are asked once, for the whole plan.
    client.post("/plan/organisation/", {"jurisdiction": "eu", "sector": "healthcare"})
    response = client.get("/plan/")
    (row,) = response.context["plan"]["workloads"]
    assert row["obligations"]
    html = response.content.decode()
    for obligation in row["obligations"]:
        assert f'href="{obligation["url"]}"' in html
    form = client.get("/plan/edit/0/", **HTMX).content.decode()
    assert row["obligations"][0]["url"] in form
