"""POST /api/v1/break-even and POST /api/v1/route."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from advisor.knowledge.models import InfraProfile, Offering

pytestmark = pytest.mark.django_db

BREAK_EVEN = "/api/v1/break-even"
ROUTE = "/api/v1/route"


def post(client: Client, url: str, body: object):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_break_even_with_defaults(client: Client) -> None:
    response = post(client, BREAK_EVEN, {"requests_per_day": 500})
    assert response.status_code == 200
    data = response.json()
    assert set(data) >= {"monthly_cost", "break_even_requests_per_day", "assumptions"}
    # Llama 3.3 70B on Groq: 500 x 30 x (500 x 0.59 + 300 x 0.79) / 1e6 = $7.98
    assert data["monthly_cost"]["api"] == 7.98
    # One H100 at $2.49/h for 720 h, plus $800 for the deployment and $800 a replica
    assert data["monthly_cost"]["self_hosted"] == 3392.8
    assert data["offering"] == "llama-3-3-70b-groq"
    assert data["infrastructure"] == "h100-70b-fp8"


def test_break_even_against_a_frontier_model_is_exact(client: Client) -> None:
    data = post(
        client,
        BREAK_EVEN,
        {
            "requests_per_day": 500,
            "input_tokens": 500,
            "output_tokens": 300,
            "offering": "gpt-5",
            "infrastructure": "l4-8b",
        },
    ).json()
    volume = data["break_even_requests_per_day"]
    assert isinstance(volume, int)

    def monthly(requests: int) -> dict:
        body = {"requests_per_day": requests, "offering": "gpt-5", "infrastructure": "l4-8b"}
        return post(client, BREAK_EVEN, body).json()["monthly_cost"]

    at, below = monthly(volume), monthly(volume - 1)
    assert at["self_hosted"] <= at["api"]
    assert below["self_hosted"] > below["api"]


def test_the_api_cost_grows_linearly_and_zero_volume_costs_nothing(client: Client) -> None:
    one = post(client, BREAK_EVEN, {"requests_per_day": 1000}).json()["monthly_cost"]["api"]
    two = post(client, BREAK_EVEN, {"requests_per_day": 2000}).json()["monthly_cost"]["api"]
    assert two == pytest.approx(2 * one)
    zero = post(client, BREAK_EVEN, {"requests_per_day": 0}).json()["monthly_cost"]
    assert zero["api"] == 0
    assert zero["self_hosted"] > 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "requests_per_day"),
        ({"requests_per_day": "500"}, "requests_per_day"),
        ({"requests_per_day": True}, "requests_per_day"),
        ({"requests_per_day": -1}, "requests_per_day"),
        ({"requests_per_day": 1_000_000_001}, "requests_per_day"),
        ({"requests_per_day": 5, "input_tokens": 1.5}, "input_tokens"),
        ({"requests_per_day": 5, "offering": "no-such-model"}, "offering"),
        ({"requests_per_day": 5, "infrastructure": "no-such-gpu"}, "infrastructure"),
        ({"requests_per_day": 5, "colour": "blue"}, "colour"),
        ({"requests_per_day": 30000, "infrastructure": "workstation-8b"}, "requests_per_day"),
    ],
)
def test_bad_break_even_input_is_a_400_naming_the_field(client: Client, body, field) -> None:
    response = post(client, BREAK_EVEN, body)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_price_edits_reach_the_break_even_endpoint(client: Client) -> None:
    Offering.objects.filter(key="llama-3-3-70b-groq").update(output_usd_per_mtok=0)
    InfraProfile.objects.first().save()  # an edit through the ORM bumps the version
    data = post(client, BREAK_EVEN, {"requests_per_day": 500}).json()
    assert data["monthly_cost"]["api"] == 4.43  # 500 x 30 x 500 x 0.59 / 1e6


def test_route_plans_the_financial_services_example(client: Client) -> None:
    workloads = [
        {
            "name": "Drafting client communications",
            "answers": {
                "data_sensitivity": "non_sensitive",
                "requests_per_day": 300,
                "frontier_capability": "needed",
            },
        },
        {
            "name": "Analysing client portfolios",
            "answers": {
                "data_sensitivity": "regulated",
                "requests_per_day": 400,
                "team_capacity": "ml_team",
                "customization": "domain_specific",
            },
        },
        {
            "name": "Classifying documents",
            "answers": {"data_sensitivity": "non_sensitive", "requests_per_day": 20000},
        },
    ]
    response = post(client, ROUTE, {"workloads": workloads})
    assert response.status_code == 200
    data = response.json()
    assert [row["approach"] for row in data["plan"]] == [
        "closed_api",
        "open_fine_tuned",
        "open_api_host",
    ]
    assert data["hybrid"] is True
    assert isinstance(data["ruleset_version"], int)
    assert all(row["reasons"] for row in data["plan"])
    # Llama 4 Maverick on Together: 20,000 x 30 x (500 x 0.27 + 300 x 0.85) / 1e6
    assert data["plan"][2]["monthly_cost_usd"] == 234.0


def test_one_kind_of_workload_is_not_hybrid(client: Client) -> None:
    same = {"answers": {"data_sensitivity": "sensitive"}}
    data = post(client, ROUTE, {"workloads": [{"name": "a", **same}, {"name": "b", **same}]}).json()
    assert data["hybrid"] is False


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "workloads"),
        ({"workloads": []}, "workloads"),
        ({"workloads": [{"answers": {}}]}, "workloads.0.name"),
        ({"workloads": [{"name": "x", "answers": {"nope": 1}}]}, "workloads.0.nope"),
        (
            {"workloads": [{"name": "x"}, {"name": "y", "answers": {"requests_per_day": -5}}]},
            "workloads.1.requests_per_day",
        ),
    ],
)
def test_bad_route_input_is_a_400_naming_the_field(client: Client, body, field) -> None:
    response = post(client, ROUTE, body)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_the_openapi_document_lists_the_new_endpoints(client: Client) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/break-even" in paths
    assert "/api/v1/route" in paths


def test_route_returns_the_gateway_exports(client: Client) -> None:
    import yaml

    workloads = [
        {
            "name": f"Notes {n}",
            "answers": {"data_sensitivity": "sensitive", "requests_per_day": 1000},
        }
        for n in range(3)
    ] + [
        {
            "name": "Letters",
            "answers": {
                "data_sensitivity": "non_sensitive",
                "requests_per_day": 300,
                "frontier_capability": "needed",
            },
        }
    ]
    data = post(client, ROUTE, {"workloads": workloads}).json()
    config = yaml.safe_load(data["exports"]["litellm"])
    names = [entry["model_name"] for entry in config["model_list"]]
    assert names == ["task/notes-0", "task/notes-1", "task/notes-2", "task/letters"]
    assert [row["model_names"] for row in data["plan"]] == [[name] for name in names]
    assert data["exports"]["portkey"]["strategy"]["mode"] == "conditional"
    # The three sensitive workloads share one platform, counted once in the total.
    assert {row["shared_platform"] for row in data["plan"][:3]} == {"open_self_hosted"}
    assert data["shared_saving_monthly_usd"] > 0
    total = sum(row["monthly_cost_usd"] for row in data["plan"])
    assert data["total_monthly_usd"] == pytest.approx(total)
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert "exports" in schema["RouteOut"]["required"]
