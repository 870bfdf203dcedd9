"""The break-even: smallest volume from which self-hosting is, and stays, no dearer."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.costs import (
    BreakEven,
    CostOptions,
    InfraProfile,
    Offering,
    Workload,
    api_monthly_cost,
    break_even,
    self_hosted_monthly_cost,
)
from tests.costs import CRITICAL, PLAIN, make_offering, make_profile, workload

SHAPE = workload(0)


def self_hosting_wins(
    requests: int, offering: Offering, profile: InfraProfile, options: CostOptions, shape: Workload
) -> bool:
    """The definition, from the public cost functions: self-hosted <= API at this volume."""
    volume = Workload(requests, shape.input_tokens, shape.output_tokens)
    api = api_monthly_cost(volume, offering)
    return self_hosted_monthly_cost(volume, profile, options).total <= api


def brute_force(
    offering: Offering, profile: InfraProfile, options: CostOptions, shape: Workload, limit: int
) -> int | None:
    """One past the last volume in 1..limit where the API is cheaper (1 if none, None if limit)."""
    last_api_win = 0
    for requests in range(1, limit + 1):
        if not self_hosting_wins(requests, offering, profile, options, shape):
            last_api_win = requests
    return None if last_api_win == limit else last_api_win + 1


def test_realistic_example() -> None:
    # Self-hosting: $864 GPU + $1,500 ops = $2,364; API slope $0.10875 per daily request.
    result = break_even(SHAPE, make_offering(), make_profile(), PLAIN)
    assert result == BreakEven("at", 21_738, 1_000_000_000)  # ceil(2364 / 0.10875)
    assert not self_hosting_wins(21_737, make_offering(), make_profile(), PLAIN, SHAPE)
    assert self_hosting_wins(21_738, make_offering(), make_profile(), PLAIN, SHAPE)


def test_exact_tie_counts_as_break_even() -> None:
    # Slope $0.1 per daily request (in 1000 tokens at $3.333.. is awkward, so: 1000 out at $10/3).
    offering = make_offering("0", "2")  # 1000 output tokens: 30 x 1000 x 2 / 1e6 = $0.06
    profile = make_profile(hourly="0", fixed="60")
    assert break_even(workload(0, 0, 1000), offering, profile, PLAIN).requests_per_day == 1000


def test_spare_replica_moves_break_even_up() -> None:
    result = break_even(SHAPE, make_offering(), make_profile(), CRITICAL)
    assert result.requests_per_day == 29_683  # ceil((2 x 864 + 1500) / 0.10875)


def test_staircase_crossing_back_above_the_api_line() -> None:
    # A replica serves 86.4 requests a day at $90 a month; the API costs $1.20 per daily
    # request. The lines first cross at 75, but every new replica makes self-hosting dearer
    # again until the 7th replica's step, where the API is last cheaper at 524.
    offering = make_offering("40", "0")
    profile = make_profile(hourly="0.125", tokens_per_second="1", utilisation="1", fixed="0")
    shape = workload(0, 1000, 0)
    assert self_hosting_wins(75, offering, profile, PLAIN, shape)
    assert not self_hosting_wins(87, offering, profile, PLAIN, shape)
    result = break_even(shape, offering, profile, PLAIN)
    assert result.requests_per_day == 525
    assert result.requests_per_day == brute_force(offering, profile, PLAIN, shape, 3000)


def test_tie_at_the_bottom_of_a_step_counts_as_cheaper() -> None:
    # A replica serves 86.4 requests a day for $36 + $32.40 fixed; the API costs $1.20 per
    # daily request. At 87, the first volume needing two replicas, both bills are $104.40.
    offering = make_offering("40", "0")
    profile = make_profile(hourly="0.05", tokens_per_second="1", utilisation="1", fixed="32.4")
    shape = workload(0, 1000, 0)
    volume = workload(87, 1000, 0)
    assert self_hosted_monthly_cost(volume, profile, PLAIN).total == Decimal("104.4")
    assert api_monthly_cost(volume, offering) == Decimal("104.4")
    result = break_even(shape, offering, profile, PLAIN)
    assert result.requests_per_day == 57  # ceil(68.4 / 1.2), the one-replica crossing
    assert result.requests_per_day == brute_force(offering, profile, PLAIN, shape, 1000)


def test_never_when_each_replica_costs_more_than_the_api_for_its_load() -> None:
    # One replica: $864 + $1,500 for at most 162,000 requests, which the API sells for
    # $17,617.50; at 0.01 of those prices the API is always cheaper.
    offering = make_offering("0.0125", "0.1")
    result = break_even(SHAPE, offering, make_profile(), PLAIN)
    assert result.kind == "never"
    assert result.requests_per_day is None
    assert not self_hosting_wins(10**9, offering, make_profile(), PLAIN, SHAPE)


def test_never_within_a_lower_maximum() -> None:
    result = break_even(SHAPE, make_offering(), make_profile(), PLAIN, max_requests_per_day=21_737)
    assert result == BreakEven("never", None, 21_737)
    assert break_even(SHAPE, make_offering(), make_profile(), PLAIN, 21_738).kind == "at"


def test_always_when_self_hosting_is_cheaper_from_one_request() -> None:
    # A workstation already owned (no GPU rent, no ops) against a paid API.
    free_local = make_profile(hourly="0", fixed="0", cap=5000)
    result = break_even(SHAPE, make_offering(), free_local, PLAIN)
    assert result == BreakEven("always", 1, 5000)


def test_cheaper_at_one_request_means_always() -> None:
    # The staircase is sub-additive (cost(r) <= r x cost(1)) while the API line is exactly
    # additive, so winning at one request a day means winning at every volume.
    profile = make_profile(hourly="0.001", fixed="0", tokens_per_second="0.01")
    offering = make_offering("125", "1000")
    assert self_hosting_wins(1, offering, profile, PLAIN, SHAPE)
    assert break_even(SHAPE, offering, profile, PLAIN, 10_000) == BreakEven("always", 1, 10_000)


def test_capped_profile_is_checked_up_to_its_cap() -> None:
    local = make_profile(hourly="0", fixed="100", cap=2000)  # slope 0.10875 -> 920 a day
    result = break_even(SHAPE, make_offering(), local, PLAIN)
    assert result == BreakEven("at", 920, 2000)
    dear_local = make_profile(hourly="0", fixed="1000", cap=2000)
    assert break_even(SHAPE, make_offering(), dear_local, PLAIN) == BreakEven("never", None, 2000)


def test_zero_capacity_cap_never_breaks_even() -> None:
    closed = make_profile(hourly="0", fixed="0", cap=0)
    assert break_even(SHAPE, make_offering(), closed, PLAIN) == BreakEven("never", None, 0)


def test_free_api_is_never_beaten_by_paid_hosting() -> None:
    free = make_offering("0", "0")
    assert break_even(SHAPE, free, make_profile(), PLAIN).kind == "never"
    gratis = make_profile(hourly="0", fixed="0")
    assert break_even(SHAPE, free, gratis, PLAIN).kind == "always"


def test_bills_equal_at_every_volume_answers_always_without_walking() -> None:
    # 86,400 tokens a request at 1 token/s: one replica ($2.592 a month) per request a day,
    # exactly the API's $2.592 per daily request. Walking a billion one-request steps would
    # hang; the answer must come directly.
    offering = make_offering("1", "0")
    profile = make_profile(hourly="0.0036", tokens_per_second="1", utilisation="1", fixed="0")
    shape = workload(0, 86_400, 0)
    assert break_even(shape, offering, profile, PLAIN) == BreakEven("always", 1, 10**9)
    assert brute_force(offering, profile, PLAIN, shape, 50) == 1


def test_bills_equal_only_at_full_replicas() -> None:
    # Same, but a replica serves two requests a day for twice the price: the bills are equal
    # at even volumes only, so self-hosting is never cheaper from some volume onwards,
    # except at the very top of an even range.
    offering = make_offering("1", "0")
    profile = make_profile(hourly="0.0072", tokens_per_second="2", utilisation="1", fixed="0")
    shape = workload(0, 86_400, 0)
    assert break_even(shape, offering, profile, PLAIN, 10**9) == BreakEven("at", 10**9, 10**9)
    assert break_even(shape, offering, profile, PLAIN, 10**9 - 1).kind == "never"
    assert brute_force(offering, profile, PLAIN, shape, 50) == 50


def test_large_range_is_fast_and_exact() -> None:
    # 1e9 a day means 6,173 replicas; the answer must not come from looping over volumes.
    profile = make_profile(tokens_per_second="50")  # one replica: 3,240 requests a day
    offering = make_offering("12.5", "100")
    result = break_even(SHAPE, offering, profile, CRITICAL, 10**9)
    assert result.kind == "at"
    be = result.requests_per_day
    assert be is not None
    assert not self_hosting_wins(be - 1, offering, profile, CRITICAL, SHAPE)
    for requests in (be, 10**9, 10**9 - 1, 5 * 10**8):
        assert self_hosting_wins(requests, offering, profile, CRITICAL, SHAPE)


def test_requests_per_day_of_the_shape_is_ignored() -> None:
    assert break_even(workload(7), make_offering(), make_profile(), PLAIN) == break_even(
        workload(10**6), make_offering(), make_profile(), PLAIN
    )


def test_maximum_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_requests_per_day"):
        break_even(SHAPE, make_offering(), make_profile(), PLAIN, 0)


# --- Property tests ----------------------------------------------------------------------


def amount(low_exponent: int, high_exponent: int) -> st.SearchStrategy[Decimal]:
    """1-999 times a power of ten, or now and then zero: prices spread over orders of
    magnitude, so that the API and the GPUs each come out cheaper often enough."""
    return st.builds(
        lambda digits, exponent, zero: Decimal(0) if zero else Decimal(digits).scaleb(exponent),
        st.integers(1, 999),
        st.integers(low_exponent, high_exponent),
        st.integers(0, 9).map(lambda n: n == 0),
    )


@st.composite
def scenarios(
    draw: st.DrawFn, *, slow_gpus: bool
) -> tuple[Offering, InfraProfile, CostOptions, Workload]:
    """Random prices and profiles; most of them tuned so the two bills are comparable.

    Tuned draws set the API price from rho, the API price of a replica's full load over
    the replica's GPU price, and the fixed costs as a multiple of a replica's price, so
    that "at" answers, and crossings back above the API line, are common.
    """
    shape = workload(0, draw(st.integers(0, 4000)), draw(st.integers(0, 2000)))
    throughput = draw(
        st.decimals(min_value=Decimal("0.01"), max_value=Decimal("2"), places=2)
        if slow_gpus
        else st.decimals(min_value=Decimal("1"), max_value=Decimal("5000"), places=1)
    )
    utilisation = draw(st.decimals(min_value=Decimal("0.05"), max_value=1, places=2))
    hourly = draw(amount(-5, -1) if slow_gpus else amount(-3, -1))
    gpus = draw(st.integers(1, 8))
    gpu_month = hourly * gpus * 720
    tuned = gpu_month > 0 and shape.tokens_per_request > 0 and draw(st.integers(0, 3)) > 0
    if tuned:
        rho = draw(st.decimals(min_value=Decimal("0.5"), max_value=6, places=3))
        daily_tokens = throughput * utilisation * 86_400
        price = (rho * gpu_month * 1_000_000 / (30 * daily_tokens)).quantize(Decimal("1e-6"))
        offering = make_offering(str(price), str(price))
        fixed = draw(st.decimals(min_value=0, max_value=10, places=2)) * gpu_month
        fixed = fixed.quantize(Decimal("0.01"))
    else:
        offering = make_offering(str(draw(amount(-3, 0))), str(draw(amount(-3, 1))))
        fixed = draw(amount(-4, 1) if slow_gpus else amount(-2, 1))
    profile = make_profile(
        str(hourly),
        str(throughput),
        str(utilisation),
        str(fixed),
        gpus=gpus,
        cap=draw(st.sampled_from([None, None, None, 0]) | st.integers(1, 10**6)),
        hardware=str(draw(amount(-3, 1))),
        per_replica_ops=str(draw(st.sampled_from([Decimal(0), draw(amount(-3, 1))]))),
        # Output tokens are usually slower than input ones; sometimes equally fast.
        decode=str(throughput / draw(st.sampled_from([1, 1, 3, 10]))),
    )
    options = CostOptions(
        mission_critical=draw(st.booleans()),
        fine_tuning_one_off_usd=draw(amount(-3, 1)),
        amortisation_months=draw(st.integers(1, 36)),
        hardware_amortisation_months=draw(st.integers(1, 60)),
    )
    return offering, profile, options, shape


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(slow_gpus=False), st.integers(1, 10**8), st.data())
def test_boundary_is_exact(
    scenario: tuple[Offering, InfraProfile, CostOptions, Workload], limit: int, data: st.DataObject
) -> None:
    offering, profile, options, shape = scenario
    result = break_even(shape, offering, profile, options, limit)
    top = result.checked_up_to

    def wins(requests: int) -> bool:
        return self_hosting_wins(requests, offering, profile, options, shape)

    if result.kind == "never":
        assert top < 1 or not wins(top)
        return
    be = result.requests_per_day
    assert be is not None
    assert 1 <= be <= top
    assert wins(be)
    assert wins(top)
    if result.kind == "at":
        assert be > 1
        assert not wins(be - 1)
    for requests in data.draw(st.lists(st.integers(be, top), max_size=20)):
        assert wins(requests)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(slow_gpus=True), st.integers(1, 1500))
def test_matches_brute_force_on_many_small_steps(
    scenario: tuple[Offering, InfraProfile, CostOptions, Workload], limit: int
) -> None:
    # Slow replicas give dozens of steps within the range, where crossings back happen.
    offering, profile, options, shape = scenario
    result = break_even(shape, offering, profile, options, limit)
    top = result.checked_up_to
    expected = brute_force(offering, profile, options, shape, top) if top >= 1 else None
    assert result.requests_per_day == expected
    if expected == 1:
        assert result.kind == "always"
