"""One shared self-hosted platform per approach in a routing plan.

Workloads the plan routes to the same self-hosted approach (open model self-hosted, or
fine-tuned) run on one deployment, as an organisation would run them: GPUs for their
combined volume, one operations line for the deployment, and one spare replica when any of
them is mission-critical. The deployment is priced by ``pricing.approach_cost`` with the
combined answers, so it is the same option and the same arithmetic as a single result; only
the volume and the strictest needs are combined. Fine-tuned workloads each keep their own
fine-tuning (one adapter each), spread over a year as for a single result.

Each workload pays a share of the deployment in proportion to its volume, plus its own
fine-tuning. The saving is what the workloads would cost as separate deployments (each
priced alone, as the result page prices it) less the shared bill.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from advisor import costs
from advisor.advice import pricing
from advisor.knowledge.pricebook import PriceBook

PLATFORM_NAMES = {
    "open_self_hosted": "Shared self-hosted platform",
    "open_fine_tuned": "Shared fine-tuning platform (one adapter per workload)",
}


def combined_answers(members: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The answers a shared deployment is priced for: the combined volume, a spare when any
    workload is mission-critical, the largest model tier any of them needs."""
    volumes = [a["requests_per_day"] for a in members if isinstance(a.get("requests_per_day"), int)]
    combined: dict[str, Any] = {}
    if volumes:
        combined["requests_per_day"] = sum(volumes)
    if any(a.get("uptime") == "mission_critical" for a in members):
        combined["uptime"] = "mission_critical"
    if any(a.get("frontier_capability") == "needed" for a in members):
        combined["frontier_capability"] = "needed"
    return combined


def _shares(total: Decimal, weights: Sequence[int]) -> list[Decimal]:
    """``total`` split in proportion to ``weights`` (evenly when they are all zero)."""
    whole = sum(weights)
    if whole == 0:
        return [total / len(weights)] * len(weights)
    return [total * weight / whole for weight in weights]


def _cents(amounts: Sequence[Decimal], total: Decimal) -> list[float]:
    """Round each amount to cents so that the rounded amounts add up to the rounded total."""
    rounded = [costs.round_cents(amount) for amount in amounts]
    if rounded:
        rounded[-1] += costs.round_cents(total) - sum(rounded, Decimal(0))
    return [float(amount) for amount in rounded]


def shared_platforms(
    book: PriceBook,
    members: Mapping[str, Sequence[tuple[int, Mapping[str, Any], Mapping[str, Any] | None]]],
    assumptions: pricing.Assumptions,
    today: datetime.date,
) -> list[dict[str, Any]]:
    """One platform per self-hosted approach that two or more workloads are routed to.
    ``members``: approach -> (row index, effective
    answers, the workload's own cost priced alone or None) for each workload routed there.

    Returns JSON-able platforms: the option, the bill with its breakdown, the workloads with
    their shares, and what separate deployments would cost. A platform without any volume
    (or with no fitting profile) has ``monthly_usd`` None.
    """
    platforms = []
    for approach, rows in members.items():
        if approach not in pricing.SELF_HOSTED_APPROACHES or len(rows) < 2:
            continue  # a workload alone on its approach is priced as a single result
        answers = combined_answers([answers for _, answers, _ in rows])
        volume = answers.get("requests_per_day")
        bill = (
            pricing.approach_cost(book, approach, answers, assumptions, today=today)
            if isinstance(volume, int)
            else None
        )
        tuned = len(rows) if approach == "open_fine_tuned" else 0
        one_tuning = (
            Decimal(book.fine_tuning_one_off_usd) / pricing.AMORTISATION_MONTHS
            if tuned
            else Decimal(0)
        )
        platform: dict[str, Any] = {
            "approach": approach,
            "name": PLATFORM_NAMES[approach],
            "workloads": [],
            "monthly_usd": None,
            "separate_monthly_usd": None,
            "saving_monthly_usd": None,
        }
        if bill is None:
            platform["workloads"] = [
                {"index": index, "requests_per_day": None, "share_usd": None}
                for index, _, _ in rows
            ]
            platforms.append(platform)
            continue
        breakdown = list(bill["breakdown"])
        total = bill["exact_usd"]
        if tuned > 1:
            extra = one_tuning * (tuned - 1)
            breakdown.append(
                {
                    "item": f"Fine-tuning of {tuned - 1} more workload"
                    f"{'' if tuned == 2 else 's'} (${book.fine_tuning_one_off_usd:,.0f} each), "
                    f"spread over {pricing.AMORTISATION_MONTHS} months",
                    "monthly_usd": float(costs.round_cents(extra)),
                }
            )
            total += extra
        serving = total - one_tuning * tuned
        weights = [
            a["requests_per_day"] if isinstance(a.get("requests_per_day"), int) else 0
            for _, a, _ in rows
        ]
        exact_shares = [share + one_tuning for share in _shares(serving, weights)]
        separate = [cost["exact_usd"] for _, _, cost in rows if cost is not None]
        separate_total = sum(separate, Decimal(0)) if len(separate) == len(rows) else None
        platform.update(
            {
                "option": bill["option"],
                "option_label": bill["option_label"],
                "deployment": bill.get("deployment"),
                "replicas": bill.get("replicas"),
                "gpus": bill.get("gpus"),
                "gpu_type": bill.get("gpu_type"),
                "gpu_busy_percent": bill.get("gpu_busy_percent"),
                "requests_per_day": volume,
                "mission_critical": answers.get("uptime") == "mission_critical",
                "breakdown": breakdown,
                "monthly_usd": float(costs.round_cents(total)),
                "exact_usd": total,
                "prices_as_of": bill["prices_as_of"],
                "source": bill["source"],
                "stale": bill["stale"],
                "workloads": [
                    {"index": index, "requests_per_day": weight, "share_usd": share}
                    for (index, _, _), weight, share in zip(
                        rows, weights, _cents(exact_shares, total), strict=True
                    )
                ],
                "separate_monthly_usd": (
                    float(costs.round_cents(separate_total)) if separate_total is not None else None
                ),
                "saving_monthly_usd": (
                    float(costs.round_cents(separate_total - total))
                    if separate_total is not None
                    else None
                ),
            }
        )
        platforms.append(platform)
    return platforms
