"""The price book (admin-edited prices and self-hosting profiles) as part of the snapshot.

Rows become the plain types of ``advisor.costs``; what they cost for given answers is decided
in ``advisor.advice.pricing``.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from advisor import costs


def _date(value: Any) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def _money(value: Any) -> Decimal:
    if isinstance(value, float):
        raise TypeError("prices must be given as strings or whole numbers, not floats")
    return Decimal(str(value))


def offering_from(item: Mapping[str, Any]) -> costs.Offering:
    return costs.Offering(
        key=item["key"],
        label=item["label"],
        provider=item["provider"],
        model=item["model"],
        openness=item["openness"],
        access=item["access"],
        input_usd_per_mtok=_money(item["input_usd_per_mtok"]),
        output_usd_per_mtok=_money(item["output_usd_per_mtok"]),
        as_of=_date(item["as_of"]),
        source=item["source"],
        tier=item.get("tier", "standard"),
    )


def profile_from(item: Mapping[str, Any]) -> costs.InfraProfile:
    return costs.InfraProfile(
        key=item["key"],
        label=item["label"],
        gpu_type=item["gpu_type"],
        gpu_hourly_usd=_money(item["gpu_hourly_usd"]),
        gpus_per_replica=int(item["gpus_per_replica"]),
        prefill_tokens_per_second=_money(item["prefill_tokens_per_second"]),
        decode_tokens_per_second=_money(item["decode_tokens_per_second"]),
        utilisation=_money(item["utilisation"]),
        ops_per_deployment_usd=_money(item["ops_per_deployment_usd"]),
        ops_per_replica_usd=_money(item.get("ops_per_replica_usd", 0)),
        as_of=_date(item["as_of"]),
        source=item["source"],
        max_requests_per_day=item.get("max_requests_per_day"),
        hardware_usd_per_replica=_money(item.get("hardware_usd_per_replica", 0)),
        deployment=item.get("deployment", "cloud"),
        model_size=item.get("model_size", "medium"),
        throughput_source=item.get("throughput_source", ""),
        throughput_as_of=_date(item["throughput_as_of"]) if item.get("throughput_as_of") else None,
    )


@dataclass(frozen=True, slots=True)
class GpuPriceInfo:
    gpu_type: str
    provider: str
    kind: str  # "hyperscaler" or "tier2"
    usd_per_gpu_hour: Decimal
    offer: str
    as_of: datetime.date
    source: str


def gpu_price_from(item: Mapping[str, Any]) -> GpuPriceInfo:
    if item["kind"] not in {"hyperscaler", "tier2"}:
        raise ValueError(f"kind must be 'hyperscaler' or 'tier2', got {item['kind']!r}")
    price = _money(item["usd_per_gpu_hour"])
    if price < 0:
        raise ValueError("usd_per_gpu_hour must be >= 0")
    return GpuPriceInfo(
        gpu_type=item["gpu_type"],
        provider=item["provider"],
        kind=item["kind"],
        usd_per_gpu_hour=price,
        offer=item.get("offer", ""),
        as_of=_date(item["as_of"]),
        source=item["source"],
    )


@dataclass(frozen=True, slots=True)
class TaskProfileInfo:
    key: str
    label: str
    description: str
    input_tokens: int
    output_tokens: int
    min_tier: str


def task_profile_from(item: Mapping[str, Any]) -> TaskProfileInfo:
    if item.get("min_tier", "standard") not in costs.TIERS:
        raise ValueError(f"min_tier must be one of {costs.TIERS}, got {item.get('min_tier')!r}")
    tokens = (int(item["input_tokens"]), int(item["output_tokens"]))
    if min(tokens) < 0 or max(tokens) > 2_000_000:
        raise ValueError("tokens per request must be between 0 and 2,000,000")
    return TaskProfileInfo(
        key=item["key"],
        label=item["label"],
        description=item.get("description", ""),
        input_tokens=tokens[0],
        output_tokens=tokens[1],
        min_tier=item.get("min_tier", "standard"),
    )


@dataclass(frozen=True, slots=True)
class PriceBook:
    offerings: tuple[costs.Offering, ...]
    profiles: tuple[costs.InfraProfile, ...]
    default_offerings: dict[str, str]  # openness -> offering key
    default_profile: str | None
    stale_after_days: int
    input_tokens: int
    output_tokens: int
    fine_tuning_one_off_usd: Decimal
    gpu_prices: tuple[GpuPriceInfo, ...] = ()
    task_profiles: tuple[TaskProfileInfo, ...] = ()
    hardware_amortisation_months: int = 36
    enterprise_uplift_percent: Decimal = Decimal(10)
    enterprise_minimum_monthly_usd: Decimal = Decimal(0)
    hybrid_closed_share_percent: int = 20

    def offering(self, key: str | None) -> costs.Offering | None:
        return next((o for o in self.offerings if o.key == key), None)

    def profile(self, key: str | None) -> costs.InfraProfile | None:
        return next((p for p in self.profiles if p.key == key), None)

    def task_profile(self, key: str | None) -> TaskProfileInfo | None:
        return next((t for t in self.task_profiles if t.key == key), None)


SETTINGS_FIELDS = (
    "price_stale_after_days",
    "input_tokens",
    "output_tokens",
    "fine_tuning_one_off_usd",
    "hardware_amortisation_months",
    "enterprise_uplift_percent",
    "enterprise_minimum_monthly_usd",
    "hybrid_closed_share_percent",
)


def load_rows() -> dict[str, Any]:
    """Five queries: offerings, profiles, GPU prices, task profiles and the settings."""
    from advisor.knowledge.models import (
        GpuPrice,
        InfraProfile,
        Offering,
        RulesetState,
        TaskProfile,
    )

    def fields(model: Any) -> list[str]:
        return [f.name for f in model._meta.fields if f.name not in {"id", "order"}]

    return {
        "offerings": list(Offering.objects.order_by("order", "key").values(*fields(Offering))),
        "profiles": list(
            InfraProfile.objects.order_by("order", "key").values(*fields(InfraProfile))
        ),
        "gpu_prices": list(GpuPrice.objects.order_by("gpu_type", "order", "provider").values()),
        "task_profiles": list(TaskProfile.objects.order_by("order", "key").values()),
        "settings": RulesetState.objects.values(*SETTINGS_FIELDS).first() or {},
    }


def build(rows: dict[str, Any]) -> PriceBook:
    settings = rows["settings"]
    defaults = {o["openness"]: o["key"] for o in reversed(rows["offerings"]) if o["is_default"]}
    default_profile = next((p["key"] for p in rows["profiles"] if p["is_default"]), None)
    uncapped = [p["key"] for p in rows["profiles"] if p["max_requests_per_day"] is None]
    return PriceBook(
        offerings=tuple(offering_from(o) for o in rows["offerings"]),
        profiles=tuple(profile_from(p) for p in rows["profiles"]),
        default_offerings=defaults,
        default_profile=default_profile or (uncapped[0] if uncapped else None),
        stale_after_days=settings.get("price_stale_after_days", 90),
        input_tokens=settings.get("input_tokens", 500),
        output_tokens=settings.get("output_tokens", 300),
        fine_tuning_one_off_usd=Decimal(settings.get("fine_tuning_one_off_usd", 0)),
        gpu_prices=tuple(gpu_price_from(g) for g in rows.get("gpu_prices", [])),
        task_profiles=tuple(task_profile_from(t) for t in rows.get("task_profiles", [])),
        hardware_amortisation_months=settings.get("hardware_amortisation_months", 36),
        enterprise_uplift_percent=Decimal(settings.get("enterprise_uplift_percent", 10)),
        enterprise_minimum_monthly_usd=Decimal(settings.get("enterprise_minimum_monthly_usd", 0)),
        hybrid_closed_share_percent=settings.get("hybrid_closed_share_percent", 20),
    )
