"""The comparison object, its public-API shape, and price staleness."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest

from advisor.costs import CapacityExceeded, CostOptions, compare_costs, is_stale
from tests.costs import AS_OF, CRITICAL, PLAIN, make_offering, make_profile, workload


def test_comparison_figures() -> None:
    comparison = compare_costs(workload(500), make_offering(), make_profile(), PLAIN)
    assert comparison.api_monthly_usd == Decimal("54.375")
    assert comparison.self_hosted_monthly_usd == Decimal("2364")
    assert comparison.replicas == 1
    assert comparison.break_even.requests_per_day == 21_738


def test_api_dict_shape_and_rounding() -> None:
    data = compare_costs(workload(500), make_offering(), make_profile(), PLAIN).to_api_dict()
    assert set(data) == {"monthly_cost", "break_even_requests_per_day", "assumptions"}
    assert data["monthly_cost"] == {"api": 54.38, "self_hosted": 2364.0}
    assert all(type(v) is float for v in data["monthly_cost"].values())  # type: ignore[union-attr]
    assert data["break_even_requests_per_day"] == 21_738
    assert json.loads(json.dumps(data)) == data


def test_cents_round_half_up() -> None:
    # API: 1 request x 30 x 1000 tokens x $1.50 / 1e6 = $0.045 exactly; banker's rounding
    # would give 0.04. Self-hosted: $100.005 of operations.
    offering = make_offering("0", "1.5")
    profile = make_profile(hourly="0", fixed="100.005")
    data = compare_costs(workload(1, 0, 1000), offering, profile, PLAIN).to_api_dict()
    assert data["monthly_cost"] == {"api": 0.05, "self_hosted": 100.01}


def test_never_is_null_in_the_api_dict() -> None:
    cheap_api = make_offering("0.0125", "0.1")
    data = compare_costs(workload(500), cheap_api, make_profile(), PLAIN).to_api_dict()
    assert data["break_even_requests_per_day"] is None
    assert data["assumptions"]["break_even"]["kind"] == "never"  # type: ignore[index]


def test_assumptions_record_every_input() -> None:
    options = CostOptions(
        mission_critical=True, fine_tuning_one_off_usd=Decimal("1200"), amortisation_months=6
    )
    comparison = compare_costs(workload(500), make_offering(), make_profile(gpus=2), options)
    assumptions = comparison.to_api_dict()["assumptions"]
    assert isinstance(assumptions, dict)
    assert assumptions["days_per_month"] == 30
    assert assumptions["input_tokens_per_request"] == 500
    assert assumptions["output_tokens_per_request"] == 300
    assert assumptions["amortisation_months"] == 6
    assert assumptions["fine_tuning"] == {"one_off_usd": 1200.0, "monthly_usd": 200.0}
    api = assumptions["api"]
    assert api["input_usd_per_mtok"] == 1.25
    assert api["output_usd_per_mtok"] == 10.0
    assert api["price_as_of"] == AS_OF.isoformat()
    assert api["price_source"] == "https://example.com/pricing"
    hosted = assumptions["self_hosted"]
    assert hosted["gpu_type"] == "NVIDIA L4"
    assert hosted["gpu_hourly_usd"] == 1.2
    assert hosted["gpus_per_replica"] == 2
    assert hosted["replicas"] == 2
    assert hosted["gpus"] == 4
    assert hosted["spare_replica"] is True
    assert hosted["utilisation"] == 0.6
    assert hosted["price_as_of"] == AS_OF.isoformat()
    json.dumps(assumptions)  # plain values only


def test_api_dict_is_a_copy() -> None:
    comparison = compare_costs(workload(500), make_offering(), make_profile(), CRITICAL)
    data = comparison.to_api_dict()
    data["assumptions"]["api"]["price_source"] = "changed"  # type: ignore[index]
    assert comparison.to_api_dict()["assumptions"]["api"]["price_source"] != "changed"  # type: ignore[index]


def test_extreme_volume_without_overflow() -> None:
    data = compare_costs(workload(10**9), make_offering(), make_profile(), PLAIN).to_api_dict()
    assert data["monthly_cost"] == {"api": 108_750_000.0, "self_hosted": 5_334_972.0}


def test_zero_volume() -> None:
    data = compare_costs(workload(0), make_offering(), make_profile(), PLAIN).to_api_dict()
    assert data["monthly_cost"] == {"api": 0.0, "self_hosted": 2364.0}


def test_over_capacity_profile_raises() -> None:
    local = make_profile(hourly="0", fixed="50", cap=1000)
    with pytest.raises(CapacityExceeded, match="1000"):
        compare_costs(workload(1001), make_offering(), local, PLAIN)


@pytest.mark.parametrize(("age", "stale"), [(0, False), (90, False), (91, True), (400, True)])
def test_staleness(age: int, stale: bool) -> None:
    today = datetime.date(2026, 3, 1)
    assert is_stale(today - datetime.timedelta(days=age), today) is stale


def test_staleness_threshold_is_configurable() -> None:
    today = datetime.date(2026, 3, 1)
    assert is_stale(today - datetime.timedelta(days=31), today, max_age_days=30)
    assert not is_stale(today - datetime.timedelta(days=30), today, max_age_days=30)
