"""Self-hosting is a staircase: whole replicas, at least one, plus a spare when critical."""

from __future__ import annotations

from decimal import Decimal

import pytest

from advisor.costs import (
    CapacityExceeded,
    CostOptions,
    replicas_needed,
    self_hosted_monthly_cost,
)
from tests.costs import CRITICAL, PLAIN, make_profile, workload

PROFILE = make_profile()  # one replica serves exactly 162,000 requests a day of 800 tokens
PER_REPLICA = 162_000
GPU_MONTH = Decimal("864")  # $1.20 x 24 x 30


def test_one_replica_even_at_zero_volume() -> None:
    assert replicas_needed(workload(0), PROFILE, PLAIN) == 1
    cost = self_hosted_monthly_cost(workload(0), PROFILE, PLAIN)
    assert cost.total == GPU_MONTH + 1500


def test_zero_token_requests_need_one_replica() -> None:
    assert replicas_needed(workload(10**6, 0, 0), PROFILE, PLAIN) == 1


@pytest.mark.parametrize("requests", [1, 500, 80_000, PER_REPLICA])
def test_cost_is_constant_within_the_first_step(requests: int) -> None:
    assert self_hosted_monthly_cost(workload(requests), PROFILE, PLAIN).total == Decimal("2364")


def test_cost_jumps_by_one_replica_at_the_capacity_boundary() -> None:
    at_edge = self_hosted_monthly_cost(workload(PER_REPLICA), PROFILE, PLAIN)
    past_edge = self_hosted_monthly_cost(workload(PER_REPLICA + 1), PROFILE, PLAIN)
    assert (at_edge.replicas, past_edge.replicas) == (1, 2)
    assert past_edge.total - at_edge.total == GPU_MONTH


def test_replicas_are_ceiling_of_load_over_usable_capacity() -> None:
    assert replicas_needed(workload(2 * PER_REPLICA), PROFILE, PLAIN) == 2
    assert replicas_needed(workload(2 * PER_REPLICA + 1), PROFILE, PLAIN) == 3
    # Utilisation matters: at 30 % the same replica serves half as much.
    half = make_profile(utilisation="0.3")
    assert replicas_needed(workload(PER_REPLICA), half, PLAIN) == 2


def test_mission_critical_adds_one_spare_replica() -> None:
    for requests in (0, PER_REPLICA, PER_REPLICA + 1):
        plain = replicas_needed(workload(requests), PROFILE, PLAIN)
        assert replicas_needed(workload(requests), PROFILE, CRITICAL) == plain + 1
    cost = self_hosted_monthly_cost(workload(0), PROFILE, CRITICAL)
    assert cost.gpu == 2 * GPU_MONTH


def test_gpus_per_replica_multiply_the_gpu_bill() -> None:
    cost = self_hosted_monthly_cost(workload(1), make_profile(gpus=4), PLAIN)
    assert cost.gpu == 4 * GPU_MONTH


def test_breakdown_parts_and_amortisation() -> None:
    options = CostOptions(
        fine_tuning_one_off_usd=Decimal("6000"),
        amortisation_months=12,
        hardware_amortisation_months=24,
    )
    profile = make_profile(hardware="2400")
    cost = self_hosted_monthly_cost(workload(100), profile, options)
    assert cost.gpu == GPU_MONTH
    assert cost.operations == Decimal("1500")
    assert cost.fine_tuning == Decimal("500")
    assert cost.hardware == Decimal("100")  # over the hardware's 24 months
    assert cost.total == Decimal("2964")


def test_operations_and_hardware_grow_with_the_replicas() -> None:
    """A fleet costs more to run than one box: per-replica operations and hardware scale."""
    profile = make_profile(tokens_per_second="50", per_replica_ops="200", hardware="3600")
    one = self_hosted_monthly_cost(workload(3_000), profile, PLAIN)
    three = self_hosted_monthly_cost(workload(9_000), profile, PLAIN)
    assert (one.replicas, three.replicas) == (1, 3)
    assert one.operations == Decimal("1700")
    assert three.operations == Decimal("2100")
    assert three.hardware == 3 * one.hardware == Decimal("300")


def test_output_tokens_weigh_by_the_decode_speed() -> None:
    """Input and output tokens do not count the same against a GPU: writing is slower."""
    profile = make_profile(tokens_per_second="2500", prefill="10000", decode="500")
    chat = self_hosted_monthly_cost(workload(1_000_000, 500, 300), profile, PLAIN)
    classify = self_hosted_monthly_cost(workload(1_000_000, 500, 10), profile, PLAIN)
    # 500/10,000 + 300/500 = 0.65 s a request, against 0.05 + 0.02 = 0.07 s.
    assert chat.replicas == 13  # 1e6 x 0.65 / (0.6 x 86,400) = 12.5
    assert classify.replicas == 2  # 1e6 x 0.07 / 51,840 = 1.35


def test_uneven_amortisation_is_not_rounded_early() -> None:
    options = CostOptions(fine_tuning_one_off_usd=Decimal("1000"), amortisation_months=3)
    cost = self_hosted_monthly_cost(workload(1), PROFILE, options)
    assert abs(cost.fine_tuning * 3 - 1000) < Decimal("1e-50")
    assert cost.fine_tuning != Decimal("333.33")


def test_local_tier_cap() -> None:
    local = make_profile(hourly="0", fixed="50", cap=2000, hardware="10800")  # 36 months
    assert replicas_needed(workload(2000), local, PLAIN) == 1
    assert self_hosted_monthly_cost(workload(2000), local, PLAIN).total == Decimal("350")
    with pytest.raises(CapacityExceeded) as raised:
        self_hosted_monthly_cost(workload(2001), local, PLAIN)
    assert (raised.value.limit, raised.value.requests_per_day) == (2000, 2001)
    with pytest.raises(CapacityExceeded):
        replicas_needed(workload(2001), local, PLAIN)


def test_billion_requests_a_day_is_exact() -> None:
    cost = self_hosted_monthly_cost(workload(10**9), PROFILE, PLAIN)
    # 1e9 x 800 tokens / 129.6e6 tokens per replica-day = 6172.8... -> 6173 replicas
    assert cost.replicas == 6173
    assert cost.total == 6173 * GPU_MONTH + 1500 == Decimal("5334972")
