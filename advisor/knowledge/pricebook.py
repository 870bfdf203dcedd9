"""The price book (admin-edited prices and self-hosting profiles) -> the break-even analysis.

Rows become the plain types of ``advisor.costs``; ``cost_analysis`` returns JSON-able data
that the result page renders and a saved report keeps, prices and their dates included, so
later price edits never change a saved report.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from advisor import costs
from advisor.costs.chart import render_chart

CLOSED_APPROACHES = frozenset({"closed_api", "closed_enterprise"})
CHART_CACHE_SECONDS = 24 * 60 * 60
AMORTISATION_MONTHS = 12


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


def _price(amount: Decimal) -> str:
    """A unit price without trailing zeros: 1.25, 10, 0.05."""
    return f"{amount.normalize():f}"


def _cents(amount: Decimal) -> float:
    return float(costs.round_cents(amount))


def cost_analysis(
    book: PriceBook,
    *,
    requests_per_day: int,
    approach: str | None,
    mission_critical: bool,
    offering_key: str | None = None,
    profile_key: str | None = None,
    input_tokens: int | None = None,
    output_tokens: int | None = None,
    today: datetime.date | None = None,
) -> dict[str, Any] | None:
    """Monthly costs at the user's volume, the break-even point and the chart, as plain data.

    Compares the default offering of the recommended kind (closed or open) with the default
    self-hosting profile unless told otherwise. None when the price book is empty.
    """
    openness = "closed" if approach in CLOSED_APPROACHES else "open"
    offering = book.offering(offering_key or book.default_offerings.get(openness))
    offering = offering or (book.offerings[0] if book.offerings else None)
    profile = book.profile(profile_key or book.default_profile)
    if profile_key is None and profile is not None and not _serves(profile, requests_per_day):
        # A capped default (the admin refuses one; an older database may hold it): compare
        # with a profile that can serve the volume; the profile table says which cannot.
        profile = next((p for p in book.profiles if _serves(p, requests_per_day)), None)
    if offering is None or profile is None:
        return None
    today = today or timezone.now().date()
    workload = costs.Workload(
        requests_per_day=requests_per_day,
        input_tokens=book.input_tokens if input_tokens is None else input_tokens,
        output_tokens=book.output_tokens if output_tokens is None else output_tokens,
    )
    fine_tuning = book.fine_tuning_one_off_usd if approach == "open_fine_tuned" else Decimal(0)
    options = costs.CostOptions(
        mission_critical=mission_critical,
        fine_tuning_one_off_usd=fine_tuning,
        amortisation_months=AMORTISATION_MONTHS,
    )

    def stale(as_of: datetime.date) -> bool:
        return costs.is_stale(as_of, today, book.stale_after_days)

    comparison = costs.compare_costs(workload, offering, profile, options)
    be = comparison.break_even
    chart = _chart(workload, offering, profile, options, be)
    return {
        "requests_per_day": requests_per_day,
        "input_tokens": workload.input_tokens,
        "output_tokens": workload.output_tokens,
        "stale_after_days": book.stale_after_days,
        "computed_on": today.isoformat(),
        "api": {
            "label": offering.label,
            "monthly_usd": _cents(comparison.api_monthly_usd),
            "input_usd_per_mtok": _price(offering.input_usd_per_mtok),
            "output_usd_per_mtok": _price(offering.output_usd_per_mtok),
            "as_of": offering.as_of.isoformat(),
            "source": offering.source,
            "stale": stale(offering.as_of),
        },
        "self_hosted": {
            "label": profile.label,
            "monthly_usd": _cents(comparison.self_hosted_monthly_usd),
            "replicas": comparison.replicas,
            "gpus": comparison.replicas * profile.gpus_per_replica,
            "gpu_type": profile.gpu_type,
            "gpu_usd": _cents(comparison.self_hosted.gpu),
            "operations_usd": _cents(comparison.self_hosted.operations),
            "fine_tuning_usd": _cents(comparison.self_hosted.fine_tuning),
            "one_off_usd": _cents(comparison.self_hosted.one_off),
            "spare": mission_critical,
            "as_of": profile.as_of.isoformat(),
            "source": profile.source,
            "stale": stale(profile.as_of),
        },
        "break_even": {"kind": be.kind, "requests_per_day": be.requests_per_day},
        "cheaper": "self_hosted"
        if comparison.self_hosted_monthly_usd <= comparison.api_monthly_usd
        else "api",
        "chart": chart,
        "offerings": [
            {
                "label": o.label,
                "openness": o.openness,
                "access": o.access,
                "input_usd_per_mtok": _price(o.input_usd_per_mtok),
                "output_usd_per_mtok": _price(o.output_usd_per_mtok),
                "monthly_usd": _cents(costs.api_monthly_cost(workload, o)),
                "as_of": o.as_of.isoformat(),
                "source": o.source,
                "stale": stale(o.as_of),
            }
            for o in book.offerings
        ],
        "profiles": [_profile_row(workload, p, options, stale) for p in book.profiles],
        "assumptions": comparison.to_api_dict()["assumptions"],
    }


def _serves(profile: costs.InfraProfile, requests_per_day: int) -> bool:
    cap = profile.max_requests_per_day
    return cap is None or requests_per_day <= cap


def _profile_row(
    workload: costs.Workload,
    profile: costs.InfraProfile,
    options: costs.CostOptions,
    stale: Callable[[datetime.date], bool],
) -> dict[str, Any]:
    try:
        breakdown = costs.self_hosted_monthly_cost(workload, profile, options)
        monthly: float | None = _cents(breakdown.total)
        replicas: int | None = breakdown.replicas
    except costs.CapacityExceeded:
        monthly, replicas = None, None
    return {
        "label": profile.label,
        "gpu_type": profile.gpu_type,
        "gpu_hourly_usd": _price(profile.gpu_hourly_usd),
        "monthly_usd": monthly,
        "replicas": replicas,
        "max_requests_per_day": profile.max_requests_per_day,
        "as_of": profile.as_of.isoformat(),
        "source": profile.source,
        "stale": stale(profile.as_of),
    }


def _chart(
    workload: costs.Workload,
    offering: costs.Offering,
    profile: costs.InfraProfile,
    options: costs.CostOptions,
    be: costs.BreakEven,
) -> dict[str, Any]:
    """The chart as plain data; drawing takes a while, so equal inputs share one drawing."""
    key = (
        "chart:" + hashlib.sha256(repr((workload, offering, profile, options)).encode()).hexdigest()
    )
    cached = cache.get(key)
    if cached is not None:
        return cached
    series = costs.curve(workload, offering, profile, options, be)
    chart = render_chart(
        series,
        workload.requests_per_day,
        be,
        f"Monthly cost by volume: {offering.label} vs {profile.label}",
        api_label="API, pay per token",
        self_hosted_label="Self-hosted",
    )
    data = {
        "data_uri": chart.data_uri,
        "title": chart.title,
        "description": chart.description,
        "table": [
            {
                "requests_per_day": row.requests_per_day,
                "api_usd": _cents(row.api_usd),
                "self_hosted_usd": None
                if row.self_hosted_usd is None
                else _cents(row.self_hosted_usd),
            }
            for row in chart.table
        ],
    }
    cache.set(key, data, CHART_CACHE_SECONDS)
    return data
