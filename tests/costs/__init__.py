"""Tests of the break-even cost model; factories shared by the test modules."""

from __future__ import annotations

import datetime
from decimal import Decimal

from advisor.costs import CostOptions, InfraProfile, Offering, Workload

AS_OF = datetime.date(2025, 11, 1)


def make_offering(input_price: str = "1.25", output_price: str = "10") -> Offering:
    """A closed API priced per million tokens (defaults: $1.25 in, $10 out)."""
    return Offering(
        key="frontier",
        label="Frontier API",
        provider="Example AI",
        model="frontier-1",
        openness="closed",
        access="api",
        input_usd_per_mtok=Decimal(input_price),
        output_usd_per_mtok=Decimal(output_price),
        as_of=AS_OF,
        source="https://example.com/pricing",
    )


def make_profile(
    hourly: str = "1.20",
    tokens_per_second: str = "2500",
    utilisation: str = "0.6",
    fixed: str = "1500",
    *,
    gpus: int = 1,
    cap: int | None = None,
    hardware: str = "0",
    per_replica_ops: str = "0",
    prefill: str | None = None,
    decode: str | None = None,
) -> InfraProfile:
    """A GPU profile (defaults: one $1.20/h GPU reading and writing 2,500 tok/s at 60 %,
    $1,500/month operations).

    With the default 500-in/300-out workload one replica serves 162,000 requests a day.
    """
    return InfraProfile(
        key="gpu",
        label="One rented GPU",
        gpu_type="NVIDIA L4",
        gpu_hourly_usd=Decimal(hourly),
        gpus_per_replica=gpus,
        prefill_tokens_per_second=Decimal(prefill or tokens_per_second),
        decode_tokens_per_second=Decimal(decode or tokens_per_second),
        utilisation=Decimal(utilisation),
        ops_per_deployment_usd=Decimal(fixed),
        ops_per_replica_usd=Decimal(per_replica_ops),
        as_of=AS_OF,
        source="https://example.com/gpus",
        max_requests_per_day=cap,
        hardware_usd_per_replica=Decimal(hardware),
    )


def workload(requests_per_day: int, input_tokens: int = 500, output_tokens: int = 300) -> Workload:
    return Workload(requests_per_day, input_tokens, output_tokens)


PLAIN = CostOptions()
CRITICAL = CostOptions(mission_critical=True)
