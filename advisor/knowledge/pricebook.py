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
    )


def profile_from(item: Mapping[str, Any]) -> costs.InfraProfile:
    return costs.InfraProfile(
        key=item["key"],
        label=item["label"],
        gpu_type=item["gpu_type"],
        gpu_hourly_usd=_money(item["gpu_hourly_usd"]),
        gpus_per_replica=int(item["gpus_per_replica"]),
        tokens_per_second=_money(item["tokens_per_second"]),
        utilisation=_money(item["utilisation"]),
        fixed_monthly_usd=_money(item["fixed_monthly_usd"]),
        as_of=_date(item["as_of"]),
        source=item["source"],
        max_requests_per_day=item.get("max_requests_per_day"),
        one_off_usd=_money(item.get("one_off_usd", 0)),
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

    def offering(self, key: str | None) -> costs.Offering | None:
        return next((o for o in self.offerings if o.key == key), None)

    def profile(self, key: str | None) -> costs.InfraProfile | None:
        return next((p for p in self.profiles if p.key == key), None)


def load_rows() -> dict[str, Any]:
    """Three queries: offerings, profiles and the price settings."""
    from advisor.knowledge.models import InfraProfile, Offering, RulesetState

    offering_fields = [f.name for f in Offering._meta.fields if f.name not in {"id", "order"}]
    profile_fields = [f.name for f in InfraProfile._meta.fields if f.name not in {"id", "order"}]
    return {
        "offerings": list(Offering.objects.order_by("order", "key").values(*offering_fields)),
        "profiles": list(InfraProfile.objects.order_by("order", "key").values(*profile_fields)),
        "settings": RulesetState.objects.values(
            "price_stale_after_days", "input_tokens", "output_tokens", "fine_tuning_one_off_usd"
        ).first()
        or {},
    }


def build(rows: dict[str, Any]) -> PriceBook:
    settings = rows["settings"]
    defaults = {o["openness"]: o["key"] for o in reversed(rows["offerings"]) if o["is_default"]}
    default_profile = next((p["key"] for p in rows["profiles"] if p["is_default"]), None)
    return PriceBook(
        offerings=tuple(offering_from(o) for o in rows["offerings"]),
        profiles=tuple(profile_from(p) for p in rows["profiles"]),
        default_offerings=defaults,
        default_profile=default_profile
        or (rows["profiles"][0]["key"] if rows["profiles"] else None),
        stale_after_days=settings.get("price_stale_after_days", 90),
        input_tokens=settings.get("input_tokens", 500),
        output_tokens=settings.get("output_tokens", 300),
        fine_tuning_one_off_usd=settings.get("fine_tuning_one_off_usd", Decimal(0)),
    )
