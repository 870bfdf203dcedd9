"""Workloads routed to the same self-hosted approach share one platform."""

from __future__ import annotations

import pytest

from advisor.knowledge.ruleset import current_knowledge
from advisor.plan.building import build_plan

pytestmark = pytest.mark.django_db

SENSITIVE = {"data_sensitivity": "sensitive", "requests_per_day": 1000, "stage": "production"}


def workloads(count: int, **answers: object) -> list[dict]:
    return [{"name": f"Task {n}", "answers": {**SENSITIVE, **answers}} for n in range(count)]


def test_three_self_hosted_workloads_cost_well_under_three_times_one() -> None:
    knowledge = current_knowledge()
    one = build_plan(knowledge, workloads(1))
    three = build_plan(knowledge, workloads(3))
    assert {row["approach"] for row in three["workloads"]} == {"open_self_hosted"}
    single = one["total_monthly_usd"]
    assert three["total_monthly_usd"] < 2 * single
    (platform,) = three["platforms"]
    assert platform["monthly_usd"] == three["total_monthly_usd"]
    assert platform["requests_per_day"] == 3000
    assert platform["separate_monthly_usd"] == pytest.approx(3 * single)
    saving = platform["saving_monthly_usd"]
    assert saving == pytest.approx(3 * single - three["total_monthly_usd"])
    assert three["shared_saving_monthly_usd"] == saving
    # One operations line for the one deployment, not three.
    operations = [i for i in platform["breakdown"] if i["item"].startswith("Operations")]
    assert len(operations) == 1
    # Equal volumes, equal shares; the shares add up to the bill.
    shares = [row["cost"]["monthly_usd"] for row in three["workloads"]]
    assert shares[0] == shares[1]
    assert sum(shares) == pytest.approx(platform["monthly_usd"])
    assert all(row["cost"]["separate_monthly_usd"] == single for row in three["workloads"])


def test_one_spare_when_any_workload_is_mission_critical() -> None:
    knowledge = current_knowledge()
    tolerant = build_plan(knowledge, workloads(3, uptime="tolerant"))
    mixed = workloads(3, uptime="tolerant")
    mixed[1]["answers"]["uptime"] = "mission_critical"
    critical = build_plan(knowledge, mixed)
    (calm,) = tolerant["platforms"]
    (shared,) = critical["platforms"]
    assert shared["mission_critical"] is True
    assert calm["mission_critical"] is False
    assert shared["deployment"] != "local"  # a workstation is not mission-critical
    assert "one of them a spare" in shared["breakdown"][0]["item"]
    assert shared["breakdown"][0]["item"].count("spare") == 1


def test_closed_and_hosted_workloads_are_priced_one_by_one() -> None:
    knowledge = current_knowledge()
    plan = build_plan(
        knowledge,
        [
            {
                "name": "Letters",
                "answers": {
                    "data_sensitivity": "non_sensitive",
                    "requests_per_day": 300,
                    "frontier_capability": "needed",
                },
            },
            *workloads(2),
        ],
    )
    letters = plan["workloads"][0]
    assert letters["approach"] == "closed_api"
    assert letters["cost"]["tier"] == "frontier"  # a frontier model for frontier work
    assert "shared_platform" not in letters["cost"]
    (platform,) = plan["platforms"]
    assert [m["index"] for m in platform["workloads"]] == [1, 2]
    total = letters["cost"]["monthly_usd"] + platform["monthly_usd"]
    assert plan["total_monthly_usd"] == pytest.approx(total)


def test_fine_tuned_workloads_share_the_gpus_but_each_pays_its_own_tuning() -> None:
    knowledge = current_knowledge()
    tuned = {
        "data_sensitivity": "regulated",
        "team_capacity": "ml_team",
        "customization": "domain_specific",
        "requests_per_day": 400,
    }
    plan = build_plan(knowledge, [{"name": f"T{n}", "answers": dict(tuned)} for n in range(2)])
    assert {row["approach"] for row in plan["workloads"]} == {"open_fine_tuned"}
    (platform,) = plan["platforms"]
    items = [item["item"] for item in platform["breakdown"]]
    assert any("Fine-tuning of 1 more workload" in item for item in items)
    assert platform["saving_monthly_usd"] > 0
    # Each workload is its own adapter on the shared deployment.
    models = [row["targets"][0]["model"] for row in plan["workloads"]]
    assert len(set(models)) == 2
    assert len({row["targets"][0]["api_base"] for row in plan["workloads"]}) == 1


def test_a_shared_workloads_cost_reason_says_it_priced_the_workload_alone() -> None:
    three = build_plan(current_knowledge(), workloads(3))
    assert any(r["basis"] == "cost" for row in three["workloads"] for r in row["reasons"])
    for row in three["workloads"]:
        share = f"${row['cost']['monthly_usd']:,.2f} a month"
        for reason in row["reasons"]:
            if reason["basis"] == "cost":
                assert reason["text"].startswith("On its own: ")
                assert reason["text"].endswith(f"its share is {share}.")
        # No figure on the row quotes the stand-alone price as if it were the row's cost.
        standalone = f"${row['cost']['separate_monthly_usd']:,.2f}"
        assert all(
            reason["text"].startswith("On its own: ")
            for reason in row["reasons"]
            if standalone in reason["text"]
        )
