"""What each approach costs at the user's volume: the one place that decides which priced
option (an offering sold per token, or a self-hosting profile) an approach stands for.

The result page, the routing plan, reports and the API all price through here, so the same
answers give the same option and the same monthly figure wherever they are shown.
Everything returned is plain JSON-able data (money rounded to cents), so a saved report
keeps the prices and their dates as they were.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from advisor import costs
from advisor.knowledge.pricebook import PriceBook

#: Approaches paid per token, and the kind of offering each is priced with.
API_APPROACHES: Mapping[str, str] = {
    "closed_api": "closed",
    "closed_enterprise": "closed",
    "open_api_host": "open",
    "hybrid": "closed",
}
#: Approaches that run an open model on the organisation's own (rented or bought) GPUs.
SELF_HOSTED_APPROACHES = frozenset({"open_self_hosted", "open_fine_tuned"})
AMORTISATION_MONTHS = 12


@dataclass(frozen=True, slots=True)
class Assumptions:
    """The shape of one request: tokens in and out."""

    input_tokens: int
    output_tokens: int

    def to_dict(self) -> dict[str, int]:
        return {"input_tokens": self.input_tokens, "output_tokens": self.output_tokens}


def default_assumptions(book: PriceBook) -> Assumptions:
    return Assumptions(book.input_tokens, book.output_tokens)


def cost_options(book: PriceBook, approach: str, answers: Mapping[str, Any]) -> costs.CostOptions:
    """What changes a self-hosted bill besides the volume: a spare replica, fine-tuning."""
    fine_tuning = book.fine_tuning_one_off_usd if approach == "open_fine_tuned" else Decimal(0)
    return costs.CostOptions(
        mission_critical=answers.get("uptime") == "mission_critical",
        fine_tuning_one_off_usd=Decimal(fine_tuning),
        amortisation_months=AMORTISATION_MONTHS,
    )


def offering_for(book: PriceBook, approach: str | None) -> costs.Offering | None:
    """The offering an API approach is priced with: the price book's default of its kind."""
    kind = API_APPROACHES.get(approach or "")
    if kind is None:
        return None
    return book.offering(book.default_offerings.get(kind)) or next(
        (o for o in book.offerings if o.openness == kind), None
    )


def profile_for(
    book: PriceBook, approach: str | None, requests_per_day: int
) -> costs.InfraProfile | None:
    """The self-hosting profile a self-hosted approach is priced with: the default one when it
    can serve the volume, else the first in the book that can."""
    if approach not in SELF_HOSTED_APPROACHES:
        return None
    candidates = [book.profile(book.default_profile), *book.profiles]
    return next(
        (
            profile
            for profile in candidates
            if profile is not None
            and (
                profile.max_requests_per_day is None
                or requests_per_day <= profile.max_requests_per_day
            )
        ),
        None,
    )


def _cents(amount: Decimal) -> float:
    return float(costs.round_cents(amount))


def _price(amount: Decimal) -> str:
    """A unit price without trailing zeros: 1.25, 10, 0.05."""
    return f"{amount.normalize():f}"


def approach_cost(
    book: PriceBook,
    approach: str,
    answers: Mapping[str, Any],
    assumptions: Assumptions,
    *,
    allowed: bool = True,
) -> dict[str, Any] | None:
    """One approach's monthly cost at the answered volume, or None without a volume or a
    priced option. The ``option`` is an offering key or a self-hosting profile key."""
    volume = answers.get("requests_per_day")
    if not isinstance(volume, int):
        return None
    workload = costs.Workload(volume, assumptions.input_tokens, assumptions.output_tokens)
    offering = offering_for(book, approach)
    if offering is not None:
        total = costs.api_monthly_cost(workload, offering)
        return {
            "approach": approach,
            "allowed": allowed,
            "monthly_usd": _cents(total),
            "option": offering.key,
            "option_label": offering.label,
            "kind": "offering",
            "breakdown": [
                {
                    "item": f"{volume:,} requests a day, {assumptions.input_tokens:,} tokens in "
                    f"at ${_price(offering.input_usd_per_mtok)} and "
                    f"{assumptions.output_tokens:,} out at ${_price(offering.output_usd_per_mtok)}"
                    " per million",
                    "monthly_usd": _cents(total),
                }
            ],
            "prices_as_of": offering.as_of.isoformat(),
            "source": offering.source,
        }
    profile = profile_for(book, approach, volume)
    if profile is None:
        return None
    bill = costs.self_hosted_monthly_cost(workload, profile, cost_options(book, approach, answers))
    gpus = bill.replicas * profile.gpus_per_replica
    breakdown = [
        {
            "item": f"{gpus} x {profile.gpu_type} ({bill.replicas} replica"
            f"{'' if bill.replicas == 1 else 's'}"
            f"{', one of them a spare' if answers.get('uptime') == 'mission_critical' else ''})",
            "monthly_usd": _cents(bill.gpu),
        },
        {
            "item": "Operations (engineering time, monitoring)",
            "monthly_usd": _cents(bill.operations),
        },
    ]
    if bill.fine_tuning:
        breakdown.append(
            {
                "item": f"Fine-tuning, spread over {AMORTISATION_MONTHS} months",
                "monthly_usd": _cents(bill.fine_tuning),
            }
        )
    if bill.one_off:
        breakdown.append(
            {
                "item": f"Hardware bought up front, spread over {AMORTISATION_MONTHS} months",
                "monthly_usd": _cents(bill.one_off),
            }
        )
    return {
        "approach": approach,
        "allowed": allowed,
        "monthly_usd": _cents(bill.total),
        "option": profile.key,
        "option_label": profile.label,
        "kind": "profile",
        "breakdown": breakdown,
        "prices_as_of": profile.as_of.isoformat(),
        "source": profile.source,
    }


def cost_table(
    book: PriceBook,
    ranking: list[tuple[str, bool]],
    answers: Mapping[str, Any],
    assumptions: Assumptions,
) -> dict[str, Any] | None:
    """Every approach's cost (``ranking``: approach keys with their exclusion), the cheapest
    allowed one, and the assumptions; None when the volume is unanswered."""
    if not isinstance(answers.get("requests_per_day"), int):
        return None
    rows = []
    for approach, excluded in ranking:
        row = approach_cost(book, approach, answers, assumptions, allowed=not excluded)
        if row is not None:
            rows.append(row)
    allowed = [row for row in rows if row["allowed"]]
    cheapest = min(allowed, key=lambda row: row["monthly_usd"], default=None)
    return {
        "requests_per_day": answers["requests_per_day"],
        "assumptions": assumptions.to_dict(),
        "approaches": rows,
        "cheapest_allowed": cheapest["approach"] if cheapest else None,
    }


def break_even_analysis(
    book: PriceBook,
    top: str | None,
    answers: Mapping[str, Any],
    assumptions: Assumptions,
    *,
    today: datetime.date,
) -> dict[str, Any] | None:
    """Paying per token against running your own GPUs, at the user's volume and across all
    volumes: the offering and profile come from the same rule as every other figure."""
    volume = answers.get("requests_per_day")
    if not isinstance(volume, int):
        return None
    api_side = top if top in API_APPROACHES else "open_api_host"
    hosted_side = top if top in SELF_HOSTED_APPROACHES else "open_self_hosted"
    offering = offering_for(book, api_side)
    profile = profile_for(book, hosted_side, volume)
    if offering is None or profile is None:
        return None
    workload = costs.Workload(volume, assumptions.input_tokens, assumptions.output_tokens)
    options = cost_options(book, hosted_side, answers)
    comparison = costs.compare_costs(workload, offering, profile, options)
    be = comparison.break_even

    def stale(as_of: datetime.date) -> bool:
        return costs.is_stale(as_of, today, book.stale_after_days)

    series = costs.curve(workload, offering, profile, options, be)
    return {
        "requests_per_day": volume,
        "input_tokens": assumptions.input_tokens,
        "output_tokens": assumptions.output_tokens,
        "stale_after_days": book.stale_after_days,
        "computed_on": today.isoformat(),
        "api": {
            "approach": api_side,
            "option": offering.key,
            "label": offering.label,
            "monthly_usd": _cents(comparison.api_monthly_usd),
            "input_usd_per_mtok": _price(offering.input_usd_per_mtok),
            "output_usd_per_mtok": _price(offering.output_usd_per_mtok),
            "as_of": offering.as_of.isoformat(),
            "source": offering.source,
            "stale": stale(offering.as_of),
        },
        "self_hosted": {
            "approach": hosted_side,
            "option": profile.key,
            "label": profile.label,
            "monthly_usd": _cents(comparison.self_hosted_monthly_usd),
            "replicas": comparison.replicas,
            "gpus": comparison.replicas * profile.gpus_per_replica,
            "gpu_type": profile.gpu_type,
            "gpu_usd": _cents(comparison.self_hosted.gpu),
            "operations_usd": _cents(comparison.self_hosted.operations),
            "fine_tuning_usd": _cents(comparison.self_hosted.fine_tuning),
            "one_off_usd": _cents(comparison.self_hosted.one_off),
            "spare": options.mission_critical,
            "as_of": profile.as_of.isoformat(),
            "source": profile.source,
            "stale": stale(profile.as_of),
        },
        "break_even": {"kind": be.kind, "requests_per_day": be.requests_per_day},
        "cheaper": "self_hosted"
        if comparison.self_hosted_monthly_usd <= comparison.api_monthly_usd
        else "api",
        "chart": {
            "title": f"Monthly cost by volume: {offering.label} vs {profile.label}",
            "user_requests_per_day": volume,
            "break_even": {
                "kind": be.kind,
                "requests_per_day": be.requests_per_day,
                "checked_up_to": be.checked_up_to,
            },
            "series": [
                [
                    point.requests_per_day,
                    str(point.api_usd),
                    None if point.self_hosted_usd is None else str(point.self_hosted_usd),
                ]
                for point in series
            ],
        },
        "offerings": [
            {
                "key": o.key,
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
    }


def _profile_row(
    workload: costs.Workload,
    profile: costs.InfraProfile,
    options: costs.CostOptions,
    stale: Any,
) -> dict[str, Any]:
    try:
        bill = costs.self_hosted_monthly_cost(workload, profile, options)
        monthly: float | None = _cents(bill.total)
        replicas: int | None = bill.replicas
    except costs.CapacityExceeded:
        monthly, replicas = None, None
    return {
        "key": profile.key,
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


def offering_cost(
    book: PriceBook, offering_key: str, answers: Mapping[str, Any], assumptions: Assumptions
) -> dict[str, Any] | None:
    """A named offering's monthly cost at the answered volume (a plan's "other choice")."""
    volume = answers.get("requests_per_day")
    offering = book.offering(offering_key)
    if offering is None or not isinstance(volume, int):
        return None
    workload = costs.Workload(volume, assumptions.input_tokens, assumptions.output_tokens)
    return {
        "option": offering.key,
        "option_label": offering.label,
        "monthly_usd": _cents(costs.api_monthly_cost(workload, offering)),
        "prices_as_of": offering.as_of.isoformat(),
    }
