"""The points behind the chart."""

from __future__ import annotations

import itertools

from advisor.costs import CurvePoint, api_monthly_cost, break_even, curve, self_hosted_monthly_cost
from tests.costs import PLAIN, make_offering, make_profile, workload

OFFERING = make_offering()
PROFILE = make_profile()


def volumes(points: list[CurvePoint]) -> list[int]:
    return [p.requests_per_day for p in points]


def test_range_and_marks() -> None:
    points = curve(workload(500), OFFERING, PROFILE, PLAIN)
    found = volumes(points)
    assert found == sorted(set(found))
    assert found[0] == 10
    # a bit beyond max(500 x 10, 21,738 x 3) = 65,214, rounded up to a 1-2-5 number
    assert found[-1] == 100_000
    assert {500, 21_737, 21_738, 10, 100, 1000, 10_000} <= set(found)


def test_costs_match_the_cost_functions() -> None:
    for point in curve(workload(500), OFFERING, PROFILE, PLAIN):
        shaped = workload(point.requests_per_day)
        assert point.api_usd == api_monthly_cost(shaped, OFFERING)
        assert point.self_hosted_usd == self_hosted_monthly_cost(shaped, PROFILE, PLAIN).total


def test_step_boundaries_are_included() -> None:
    # One replica serves 162,000 a day; at 100,000 a day the range reaches 1,000,000.
    points = curve(workload(100_000), OFFERING, PROFILE, PLAIN)
    found = set(volumes(points))
    for k in range(1, 6):
        assert {162_000 * k, 162_000 * k + 1} <= found


def test_log_spacing() -> None:
    found = volumes(curve(workload(500), OFFERING, PROFILE, PLAIN))
    ratios = [b / a for a, b in itertools.pairwise(found)]
    assert max(ratios) < 1.5  # about eight points a decade, never a big gap


def test_low_user_volume_extends_the_range_down() -> None:
    assert volumes(curve(workload(3), OFFERING, PROFILE, PLAIN))[0] == 3


def test_capped_profile_has_no_self_hosted_cost_beyond_its_cap() -> None:
    local = make_profile(hourly="0", fixed="100", cap=2000)
    points = curve(workload(500), OFFERING, local, PLAIN)
    by_volume = {p.requests_per_day: p for p in points}
    assert by_volume[2000].self_hosted_usd is not None
    assert by_volume[2001].self_hosted_usd is None
    assert all(p.self_hosted_usd is None for p in points if p.requests_per_day > 2000)


def test_billion_requests_a_day_stays_small() -> None:
    shape = workload(10**9)
    be = break_even(shape, OFFERING, PROFILE, PLAIN)
    points = curve(shape, OFFERING, PROFILE, PLAIN, be, max_steps=50)
    assert points[-1].requests_per_day == 20_000_000_000
    assert len(points) < 300
