"""The pay-per-token bill is a straight line through the origin."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from advisor.costs import api_cost_per_daily_request, api_monthly_cost
from tests.costs import make_offering, workload

OFFERING = make_offering("1.25", "10")


def test_known_value() -> None:
    # 30 days x 500 requests x (500 x $1.25 + 300 x $10) / 1e6 = $54.375
    assert api_monthly_cost(workload(500), OFFERING) == Decimal("54.375")


def test_zero_requests_cost_nothing() -> None:
    assert api_monthly_cost(workload(0), OFFERING) == 0


@given(st.integers(min_value=0, max_value=10**9))
def test_doubling_volume_doubles_cost(requests: int) -> None:
    single = api_monthly_cost(workload(requests), OFFERING)
    assert api_monthly_cost(workload(2 * requests), OFFERING) == 2 * single


def test_slope_is_cost_of_one_more_daily_request() -> None:
    slope = api_cost_per_daily_request(workload(0), OFFERING)
    assert slope == Decimal("0.10875")
    assert api_monthly_cost(workload(1), OFFERING) == slope


def test_input_and_output_are_priced_separately() -> None:
    only_output = api_monthly_cost(workload(1000, 0, 300), OFFERING)
    only_input = api_monthly_cost(workload(1000, 500, 0), OFFERING)
    assert only_input == Decimal("18.75")
    assert only_output == Decimal("90")
    assert api_monthly_cost(workload(1000), OFFERING) == only_input + only_output


def test_billion_requests_a_day_is_exact() -> None:
    cost = api_monthly_cost(workload(10**9), OFFERING)
    assert cost == Decimal("108750000")
    assert str(cost.normalize()) == "1.0875E+8"


def test_tiny_prices_keep_every_digit() -> None:
    # Float arithmetic would give 0.30000000000000004-style residue here.
    offering = make_offering("0.1", "0.2")
    cost = api_monthly_cost(workload(1, 1_000_000, 1_000_000), offering)
    assert cost == Decimal("9")
