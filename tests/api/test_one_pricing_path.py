"""One pricing path: every cost setting an editor changes in the admin (the ruleset settings
and the price book's self-hosting profiles and priced models) moves every surface that
shows a cost, by the same amount: the result page's cost table, ``POST /api/v1/recommend``,
a saved report's re-run, ``/plan/``, ``POST /api/v1/route`` and ``POST /api/v1/break-even``
(which the advice's pricing prices too: it once ignored the hardware write-off period)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from advisor.advice import pricing
from advisor.knowledge.models import InfraProfile, Offering, RulesetState
from advisor.knowledge.ruleset import current_knowledge
from advisor.reports.models import Report
from tests.orgs.fixtures import editor, org, owner, viewer  # noqa: F401

pytestmark = pytest.mark.django_db

SELF_HOSTED = {  # routed to the on-premises server (hardware bought up front), with a spare
    "data_sensitivity": "regulated",
    "requests_per_day": 5_000,
    "team_capacity": "ml_team",
    "stage": "production",
    "uptime": "mission_critical",
}
FINE_TUNED = {
    "data_sensitivity": "sensitive",
    "requests_per_day": 800,
    "team_capacity": "ml_team",
    "customization": "domain_specific",
}
API_HOST = {"data_sensitivity": "non_sensitive", "requests_per_day": 20_000}
ENTERPRISE = {  # routed to the enterprise tier, at its monthly minimum
    "data_sensitivity": "non_sensitive",
    "requests_per_day": 300,
    "team_capacity": "no_ml_team",
    "stage": "production",
    "uptime": "mission_critical",
    "frontier_capability": "needed",
}
BUSY_ENTERPRISE = {**ENTERPRISE, "requests_per_day": 100_000}  # well above the minimum
HYBRID = {
    "data_sensitivity": "non_sensitive",
    "requests_per_day": 500,
    "workload_mix": "mixed_tasks",
}

ONPREM = "onprem-2xl40s-70b"
HOSTED = "llama-4-maverick-together"
SELF_HOSTING = {"open_self_hosted", "open_fine_tuned"}


def settings(**fields: Any):
    def change() -> None:
        RulesetState.objects.update(**fields)
        RulesetState.bump()

    return change


def profile(key: str, **fields: Any):
    def change() -> None:
        row = InfraProfile.objects.get(key=key)
        for name, value in fields.items():
            setattr(row, name, value)
        row.save()

    return change


def offering(key: str, **fields: Any):
    def change() -> None:
        row = Offering.objects.get(key=key)
        for name, value in fields.items():
            setattr(row, name, value)
        row.save()

    return change


#: id -> (the edit, the answers, the approaches whose cost must move, the break-even request
#: or None where the setting is not part of an offering-against-profile comparison).
CHANGES = {
    "hardware written off over 60 months": (
        settings(hardware_amortisation_months=60),
        SELF_HOSTED,
        SELF_HOSTING,
        {"requests_per_day": 5_000, "infrastructure": ONPREM},
    ),
    "typical input tokens": (
        settings(input_tokens=4_000),
        API_HOST,
        {"open_api_host", "closed_api"},
        {"requests_per_day": 20_000, "offering": HOSTED, "infrastructure": ONPREM},
    ),
    "typical output tokens": (
        settings(output_tokens=3_000),
        API_HOST,
        {"open_api_host", "closed_api"},
        {"requests_per_day": 20_000, "offering": HOSTED, "infrastructure": ONPREM},
    ),
    "fine-tuning one-off": (
        settings(fine_tuning_one_off_usd=Decimal("20000")),
        FINE_TUNED,
        {"open_fine_tuned"},
        None,
    ),
    "enterprise minimum": (
        settings(enterprise_minimum_monthly_usd=Decimal("2500")),
        ENTERPRISE,
        {"closed_enterprise"},
        None,
    ),
    "enterprise uplift": (
        settings(enterprise_uplift_percent=Decimal("50")),
        BUSY_ENTERPRISE,
        {"closed_enterprise"},
        None,
    ),
    "hybrid closed share": (
        settings(hybrid_closed_share_percent=60),
        HYBRID,
        {"hybrid"},
        None,
    ),
    "profile utilisation": (
        profile(ONPREM, utilisation=Decimal("0.05")),
        SELF_HOSTED,
        SELF_HOSTING,
        {"requests_per_day": 5_000, "infrastructure": ONPREM, "mission_critical": True},
    ),
    "profile operations per deployment": (
        profile(ONPREM, ops_per_deployment_usd=Decimal("4000")),
        SELF_HOSTED,
        SELF_HOSTING,
        {"requests_per_day": 5_000, "infrastructure": ONPREM},
    ),
    "profile operations per replica": (
        profile(ONPREM, ops_per_replica_usd=Decimal("3000")),
        SELF_HOSTED,
        SELF_HOSTING,
        {"requests_per_day": 5_000, "infrastructure": ONPREM},
    ),
    "profile hardware price": (
        profile(ONPREM, hardware_usd_per_replica=Decimal("70000")),
        SELF_HOSTED,
        SELF_HOSTING,
        {"requests_per_day": 5_000, "infrastructure": ONPREM},
    ),
    "profile GPU hourly price": (
        profile(ONPREM, gpu_hourly_usd=Decimal("0.90")),
        SELF_HOSTED,
        SELF_HOSTING,
        {"requests_per_day": 5_000, "infrastructure": ONPREM},
    ),
    "offering price per token": (
        offering(HOSTED, input_usd_per_mtok=Decimal("0.50"), output_usd_per_mtok=Decimal("1.50")),
        API_HOST,
        {"open_api_host"},
        {"requests_per_day": 20_000, "offering": HOSTED, "infrastructure": ONPREM},
    ),
}


def post(client: Client, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(path, json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


def table(costs: dict[str, Any]) -> dict[str, float]:
    return {row["approach"]: row["monthly_usd"] for row in costs["approaches"]}


def surfaces(
    client: Client, answers: dict[str, Any], report: Report, break_even: dict[str, Any] | None
) -> dict[str, Any]:
    """Every cost surface's figures for ``answers`` (the session holds them and one plan
    workload with them; ``report`` was saved from them)."""
    page = client.get("/wizard/result/")
    plan = client.get("/plan/").context["plan"]["workloads"][0]
    route = post(
        client, "/api/v1/route", {"workloads": [{"name": "T", "answers": plan["answers"]}]}
    )
    client.post(report.get_absolute_url() + "rerun/")
    rerun = Report.objects.filter(previous=report).order_by("-pk").first()
    found = {
        "result page": table(page.context["outcome"]["costs"]),
        "recommend": table(post(client, "/api/v1/recommend", {"answers": answers})["costs"]),
        "re-run": table(rerun.snapshot["costs"]) if rerun else table(report.snapshot["costs"]),
        "plan": (plan["approach"], plan["cost"]["monthly_usd"] if plan["cost"] else None),
        "route": (route["plan"][0]["approach"], route["plan"][0]["monthly_cost_usd"]),
        "plan answers": plan["answers"],
    }
    if break_even is not None:
        found["break-even"] = post(client, "/api/v1/break-even", break_even)["monthly_cost"]
    return found


def advice_break_even(body: dict[str, Any]) -> dict[str, float]:
    """What the advice's own pricing (the result page's cost table) says the break-even's
    two options cost at that volume."""
    book = current_knowledge().prices
    answers: dict[str, Any] = {"requests_per_day": body["requests_per_day"]}
    if body.get("mission_critical"):
        answers["uptime"] = "mission_critical"
    shape = pricing.default_assumptions(book)
    key = body.get("offering") or book.default_offerings["open"]
    hosted = pricing.Assumptions(
        shape.input_tokens, shape.output_tokens, profile=body["infrastructure"]
    )
    own = pricing.approach_cost(book, "open_self_hosted", answers, hosted)
    api = pricing.offering_cost(book, key, answers, shape)
    assert own is not None
    assert own["option"] == body["infrastructure"]
    assert api is not None
    return {"api": api["monthly_usd"], "self_hosted": own["monthly_usd"]}


@pytest.mark.parametrize(
    ("change", "answers", "moving", "break_even"), CHANGES.values(), ids=CHANGES.keys()
)
def test_every_cost_surface_follows_each_admin_cost_setting(
    client: Client,
    editor,  # noqa: F811 - the fixture
    org,  # noqa: F811 - the fixture
    change,
    answers: dict[str, Any],
    moving: set[str],
    break_even: dict[str, Any] | None,
) -> None:
    client.force_login(editor)
    for key, value in answers.items():
        client.post(f"/wizard/step/{key}/", {"answer": value})
    client.post("/plan/add/", {"name": "The task", **answers})
    client.post("/reports/save/", {"org": org.code, "title": "Before the edit"})
    report = Report.objects.get(title="Before the edit")
    before = surfaces(client, answers, report, break_even)

    change()
    after = surfaces(client, answers, report, break_even)

    # One figure wherever it is shown.
    assert after["result page"] == after["recommend"] == after["re-run"]
    assert after["plan"] == after["route"]
    approach, monthly = after["plan"]
    if "workload_mix" not in answers and monthly is not None:
        # (a plan's workload is one task, so a mixed one is not comparable: test_one_advice)
        assert after["recommend"][approach] == monthly
    if break_even is not None:
        assert after["break-even"] == advice_break_even(break_even)
    # ... and it moved where the edit prices something.
    for approach in moving:
        assert after["recommend"][approach] != before["recommend"][approach], approach
    assert after["result page"] != before["result page"]
    assert after["re-run"] != before["re-run"]
    if after["plan"][0] in moving:
        assert after["plan"] != before["plan"]
        assert after["route"] != before["route"]
    if break_even is not None:
        assert after["break-even"] != before["break-even"]


def test_the_break_even_api_follows_the_hardware_write_off(client: Client) -> None:
    """The issue's case: 60 months instead of 36 for the on-premises server."""
    body = {"requests_per_day": 5_000, "infrastructure": ONPREM}
    at_36 = post(client, "/api/v1/break-even", body)
    settings(hardware_amortisation_months=60)()
    at_60 = post(client, "/api/v1/break-even", body)

    assert at_60["monthly_cost"] == advice_break_even(body)
    assert at_60["monthly_cost"]["self_hosted"] < at_36["monthly_cost"]["self_hosted"]
    assert at_60["assumptions"]["hardware_amortisation_months"] == 60
