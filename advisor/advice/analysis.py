"""How the costs move: across volumes, at the break-even, and with the two most uncertain
inputs (the GPU's hourly price and the tokens per request).

Every figure comes from ``pricing.approach_cost``, the same function that prices the cost
table, so the chart, the break-even sentence and the table never disagree.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

from advisor import costs
from advisor.advice import pricing
from advisor.knowledge.pricebook import PriceBook

POINTS_PER_DECADE = 8
MAX_VOLUME = 1_000_000_000


def _grid(low: int, high: int) -> list[int]:
    first = math.ceil(POINTS_PER_DECADE * math.log10(max(low, 1)))
    last = math.floor(POINTS_PER_DECADE * math.log10(high))
    return sorted(
        {low, high, *(round(10 ** (j / POINTS_PER_DECADE)) for j in range(first, last + 1))}
    )


def _nice_ceiling(value: float) -> int:
    magnitude = 10 ** max(0, math.floor(math.log10(max(value, 1))))
    for factor in (1, 2, 5, 10):
        if magnitude * factor >= value:
            return int(magnitude * factor)
    return int(magnitude * 10)  # pragma: no cover - factor 10 always suffices


def crossing(
    cost_of: Callable[[str, int], float | None], first: str, second: str, high: int
) -> costs.BreakEven:
    """The smallest volume from which ``second`` costs no more than ``first`` and stays so up
    to ``high`` (checked on a fine grid, then to the request a day by bisection)."""
    grid = _grid(1, high)

    def second_wins(volume: int) -> bool:
        a, b = cost_of(first, volume), cost_of(second, volume)
        return a is not None and b is not None and b <= a

    if not second_wins(high):
        return costs.BreakEven("never", None, high)
    last_loss = next((v for v in reversed(grid) if not second_wins(v)), None)
    if last_loss is None:
        return costs.BreakEven("always", 1, high)
    upper = grid[grid.index(last_loss) + 1]
    lower = last_loss
    while upper - lower > 1:
        middle = (lower + upper) // 2
        if second_wins(middle):
            upper = middle
        else:
            lower = middle
    return costs.BreakEven("at", upper, high)


def cost_analysis(
    book: PriceBook,
    top: str | None,
    allowed: Mapping[str, bool],
    rows: Sequence[Mapping[str, Any]],
    answers: Mapping[str, Any],
    assumptions: pricing.Assumptions,
    *,
    today: datetime.date,
    approach_labels: Mapping[str, str],
    split: pricing.HybridSplit | None = None,
) -> dict[str, Any] | None:
    """The chart, break-even, sensitivity and price tables behind a cost table's ``rows``."""
    volume = answers.get("requests_per_day")
    if not isinstance(volume, int):
        return None
    labels = {row["approach"]: row["option_label"] for row in rows}
    names = dict(approach_labels)
    allowed_rows = sorted(
        (row for row in rows if row["allowed"]), key=lambda row: row["monthly_usd"]
    )
    if not allowed_rows:
        return None
    pick: str = (
        top
        if top is not None and top in labels and allowed.get(top, False)
        else allowed_rows[0]["approach"]
    )
    others = [row["approach"] for row in allowed_rows if row["approach"] != pick]
    other = others[0] if others else None
    memo: dict[tuple[str, int], float | None] = {}

    def cost_of(approach: str, at: int) -> float | None:
        if (approach, at) not in memo:
            row = pricing.approach_cost(
                book,
                approach,
                answers,
                assumptions,
                allowed=allowed,
                today=today,
                volume=at,
                split=split,
            )
            memo[approach, at] = None if row is None else row["monthly_usd"]
        return memo[approach, at]

    analysis: dict[str, Any] = {
        "pick": pick,
        "other": other,
        "self_hosting": self_hosting_break_even(book, allowed, answers, assumptions, today),
        "sensitivity": _sensitivity(
            split, book, [a for a in (pick, other) if a], allowed, answers, assumptions, today
        ),
        "gpu_prices": _gpu_prices(book, rows, today),
        "offerings": _offering_rows(book, volume, assumptions, today),
        "profiles": _profile_rows(book, volume, assumptions, answers, today),
    }
    if other is not None:
        be = crossing(cost_of, pick, other, MAX_VOLUME)
        mark = be.requests_per_day if be.kind == "at" else 0
        # The whole range a reader may grow into: well past today's volume and the crossing.
        high = min(MAX_VOLUME, _nice_ceiling(max(volume * 100, 3 * (mark or 0), 1_000_000)))
        volumes = sorted({*_grid(10 if volume >= 10 else max(volume, 1), high), volume} - {0})
        if mark and mark <= high:
            volumes = sorted({*volumes, mark, mark - 1} - {0})
        series = [
            [v, cost_of(pick, v), cost_of(other, v)]
            for v in volumes
            if cost_of(pick, v) is not None
        ]
        analysis["chart"] = {
            "title": "Monthly cost by volume: "
            f"{names.get(pick, pick)} vs {names.get(other, other)}",
            "first_label": names.get(pick, pick),
            "second_label": names.get(other, other),
            "first_option": labels[pick],
            "second_option": labels[other],
            "user_requests_per_day": volume,
            "break_even": {
                "kind": be.kind,
                "requests_per_day": be.requests_per_day,
                "checked_up_to": be.checked_up_to,
            },
            "series": [
                [v, str(Decimal(str(a))), None if b is None else str(Decimal(str(b)))]
                for v, a, b in series
            ],
        }
        analysis["crossing"] = {"kind": be.kind, "requests_per_day": be.requests_per_day}
    return analysis


def self_hosting_break_even(
    book: PriceBook,
    allowed: Mapping[str, bool],
    answers: Mapping[str, Any],
    assumptions: pricing.Assumptions,
    today: datetime.date,
) -> dict[str, Any] | None:
    """From which volume running your own GPUs costs no more than the cheapest allowed
    per-token option (exact, per candidate profile; the smallest volume wins)."""
    if not allowed.get("open_self_hosted", False):
        return None
    apis = [
        (approach, offering)
        for approach in ("closed_api", "open_api_host", "closed_enterprise")
        if allowed.get(approach, False)
        for offering in pricing.offering_candidates(book, approach, answers, assumptions)
    ]
    if not apis:
        return None
    shape = costs.Workload(0, assumptions.input_tokens, assumptions.output_tokens)
    uplift = 1 + book.enterprise_uplift_percent / 100
    apis = [
        (
            approach,
            replace(
                offering,
                input_usd_per_mtok=offering.input_usd_per_mtok * uplift,
                output_usd_per_mtok=offering.output_usd_per_mtok * uplift,
            )
            if approach == "closed_enterprise"
            else offering,
        )
        for approach, offering in apis
    ]
    approach, offering = min(
        apis, key=lambda pair: costs.api_cost_per_daily_request(shape, pair[1])
    )
    options = pricing.cost_options(book, "open_self_hosted", answers)
    best: tuple[int, costs.InfraProfile] | None = None
    unbounded = {**answers, "requests_per_day": None}
    for profile in pricing.profile_candidates(book, "open_self_hosted", unbounded, assumptions):
        be = costs.break_even(shape, offering, profile, options)
        volume = be.requests_per_day
        if volume is not None and (best is None or volume < best[0]):
            best = (volume, profile)
    return {
        "api_approach": approach,
        "api_option": offering.key,
        "api_label": offering.label,
        "profile": best[1].key if best else None,
        "profile_label": best[1].label if best else None,
        "requests_per_day": best[0] if best else None,
        "kind": "at" if best else "never",
        "checked_up_to": costs.breakeven.DEFAULT_MAX_REQUESTS_PER_DAY,
    }


def _sensitivity(
    split: pricing.HybridSplit | None,
    book: PriceBook,
    approaches: Sequence[str],
    allowed: Mapping[str, bool],
    answers: Mapping[str, Any],
    assumptions: pricing.Assumptions,
    today: datetime.date,
) -> list[dict[str, Any]]:
    """Each approach's monthly cost when the tokens per request halve or double and, where
    it runs on rented GPUs, at the cheapest and dearest listed price for its GPU."""
    rows = []
    for approach in approaches:
        base = pricing.approach_cost(
            book, approach, answers, assumptions, allowed=allowed, today=today, split=split
        )
        if base is None:
            continue
        low = pricing.approach_cost(
            book,
            approach,
            answers,
            assumptions.scaled(0.5),
            allowed=allowed,
            today=today,
            split=split,
        )
        high = pricing.approach_cost(
            book,
            approach,
            answers,
            assumptions.scaled(2),
            allowed=allowed,
            today=today,
            split=split,
        )
        entry: dict[str, Any] = {
            "approach": approach,
            "option_label": base["option_label"],
            "monthly_usd": base["monthly_usd"],
            "inputs": [
                {
                    "input": "Tokens per request",
                    "low_label": "half as many",
                    "high_label": "twice as many",
                    "low_usd": low["monthly_usd"] if low else None,
                    "high_usd": high["monthly_usd"] if high else None,
                }
            ],
        }
        gpu = _gpu_band(book, base, answers, assumptions, today)
        if gpu is not None:
            entry["inputs"].insert(0, gpu)
        rows.append(entry)
    return rows


def _gpu_band(
    book: PriceBook,
    base: Mapping[str, Any],
    answers: Mapping[str, Any],
    assumptions: pricing.Assumptions,
    today: datetime.date,
) -> dict[str, Any] | None:
    if base["kind"] != "profile":
        return None
    profile = book.profile(base["option"])
    if profile is None:
        return None
    prices = [g for g in book.gpu_prices if g.gpu_type == profile.gpu_type]
    if not prices:
        return None
    cheap = min(prices, key=lambda g: g.usd_per_gpu_hour)
    dear = max(prices, key=lambda g: g.usd_per_gpu_hour)
    volume = answers["requests_per_day"]
    workload = costs.Workload(volume, assumptions.input_tokens, assumptions.output_tokens)
    options = pricing.cost_options(book, base["approach"], answers)

    def at(price: Decimal) -> float:
        bill = costs.self_hosted_monthly_cost(
            workload, replace(profile, gpu_hourly_usd=price), options
        )
        return float(costs.round_cents(bill.total))

    return {
        "input": f"GPU price per hour ({profile.gpu_type})",
        "low_label": f"${cheap.usd_per_gpu_hour.normalize():f} at {cheap.provider}",
        "high_label": f"${dear.usd_per_gpu_hour.normalize():f} at {dear.provider}",
        "low_usd": at(cheap.usd_per_gpu_hour),
        "high_usd": at(dear.usd_per_gpu_hour),
    }


def _gpu_prices(
    book: PriceBook, rows: Sequence[Mapping[str, Any]], today: datetime.date
) -> list[dict[str, Any]]:
    """Hyperscaler and tier-2 prices side by side, the GPUs the table's profiles use first."""
    used = {row.get("gpu_type") for row in rows if row.get("kind") == "profile"}
    ordered = sorted(book.gpu_prices, key=lambda g: g.gpu_type not in used)
    return [
        {
            "gpu_type": g.gpu_type,
            "provider": g.provider,
            "kind": g.kind,
            "usd_per_gpu_hour": f"{g.usd_per_gpu_hour.normalize():f}",
            "offer": g.offer,
            "as_of": g.as_of.isoformat(),
            "source": g.source,
            "stale": costs.is_stale(g.as_of, today, book.stale_after_days),
        }
        for g in ordered
    ]


def _offering_rows(
    book: PriceBook, volume: int, assumptions: pricing.Assumptions, today: datetime.date
) -> list[dict[str, Any]]:
    workload = costs.Workload(volume, assumptions.input_tokens, assumptions.output_tokens)
    return [
        {
            "key": o.key,
            "label": o.label,
            "openness": o.openness,
            "access": o.access,
            "tier": o.tier,
            "input_usd_per_mtok": f"{o.input_usd_per_mtok.normalize():f}",
            "output_usd_per_mtok": f"{o.output_usd_per_mtok.normalize():f}",
            "monthly_usd": float(costs.round_cents(costs.api_monthly_cost(workload, o))),
            "as_of": o.as_of.isoformat(),
            "source": o.source,
            "stale": costs.is_stale(o.as_of, today, book.stale_after_days),
        }
        for o in book.offerings
    ]


def _profile_rows(
    book: PriceBook,
    volume: int,
    assumptions: pricing.Assumptions,
    answers: Mapping[str, Any],
    today: datetime.date,
) -> list[dict[str, Any]]:
    workload = costs.Workload(volume, assumptions.input_tokens, assumptions.output_tokens)
    options = pricing.cost_options(book, "open_self_hosted", answers)
    rows = []
    for profile in book.profiles:
        try:
            bill = costs.self_hosted_monthly_cost(workload, profile, options)
            monthly: float | None = float(costs.round_cents(bill.total))
            replicas: int | None = bill.replicas
        except costs.CapacityExceeded:
            monthly, replicas = None, None
        rows.append(
            {
                "key": profile.key,
                "label": profile.label,
                "deployment": profile.deployment,
                "model_size": profile.model_size,
                "gpu_type": profile.gpu_type,
                "gpu_hourly_usd": f"{profile.gpu_hourly_usd.normalize():f}",
                "monthly_usd": monthly,
                "replicas": replicas,
                "max_requests_per_day": profile.max_requests_per_day,
                "throughput": f"{profile.prefill_tokens_per_second.normalize():f} in / "
                f"{profile.decode_tokens_per_second.normalize():f} out tokens a second",
                "throughput_source": profile.throughput_source,
                "throughput_as_of": (
                    profile.throughput_as_of.isoformat() if profile.throughput_as_of else None
                ),
                "as_of": profile.as_of.isoformat(),
                "source": profile.source,
                "stale": costs.is_stale(profile.as_of, today, book.stale_after_days),
            }
        )
    return rows
