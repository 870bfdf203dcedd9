"""What each approach costs at the user's volume: the one place that decides which priced
option (an offering sold per token, or a self-hosting profile) an approach stands for.

Every approach is priced with the cheapest option that fits the answers:
- closed API: the cheapest closed model of the tier the work needs (frontier work: a
  frontier model);
- closed enterprise tier: the same, with the enterprise uplift, and at least the
  enterprise minimum a month;
- open model on an API host: the cheapest hosted open model of that tier, or, when the
  data is sensitive or regulated, a dedicated (unshared) endpoint at a host;
- self-hosted and fine-tuned: the cheapest profile that runs a model of that size and
  serves the volume (a workstation only when uptime is not mission-critical), with its
  replicas, a spare when uptime is mission-critical, operations that grow with the fleet,
  hardware spread over its life and, for fine-tuning, the training spread over a year;
- hybrid: a share of the requests on the closed option, the rest on the cheapest allowed
  open option.

The result page, the routing plan, reports and the API all price through here, so the same
answers give the same option and the same monthly figure wherever they are shown.
Everything returned is plain JSON-able data (money rounded to cents).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from advisor import costs
from advisor.knowledge.pricebook import PriceBook

CLOSED_APPROACHES = ("closed_api", "closed_enterprise")
OPEN_APPROACHES = ("open_api_host", "open_self_hosted", "open_fine_tuned")
SELF_HOSTED_APPROACHES = frozenset({"open_self_hosted", "open_fine_tuned"})
API_PRICED = frozenset({"closed_api", "closed_enterprise", "open_api_host"})
SENSITIVE = frozenset({"sensitive", "regulated"})
SIZE_FOR_TIER = {"small": "small", "standard": "medium", "frontier": "large"}
SIZES = ("small", "medium", "large")
AMORTISATION_MONTHS = 12
MAX_TOKENS = 2_000_000
#: The names the result page's form, its address and the save form use for assumptions.
ASSUMPTION_FIELDS = ("task_profile", "input_tokens", "output_tokens", "model", "profile")


class InvalidAssumptions(ValueError):
    """``errors`` maps each bad assumption to its messages (the API's 400 shape)."""

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        self.errors = {key: list(value) for key, value in errors.items()}
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in self.errors.items()))


@dataclass(frozen=True, slots=True)
class Assumptions:
    """The shape of one request (tokens in and out, the model tier the task needs), and
    the user's own choice of model or self-hosting profile, if any."""

    input_tokens: int
    output_tokens: int
    task_profile: str | None = None
    min_tier: str = "standard"
    model: str | None = None
    profile: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "task_profile": self.task_profile,
            "min_tier": self.min_tier,
            "model": self.model,
            "profile": self.profile,
        }

    def scaled(self, factor: float) -> Assumptions:
        return replace(
            self,
            input_tokens=max(0, round(self.input_tokens * factor)),
            output_tokens=max(0, round(self.output_tokens * factor)),
        )


def default_assumptions(book: PriceBook) -> Assumptions:
    return Assumptions(book.input_tokens, book.output_tokens)


def assumptions_from(book: PriceBook, given: Mapping[str, Any]) -> Assumptions:
    """The assumptions a page or API caller gave (any of ``task_profile``, ``input_tokens``,
    ``output_tokens``, ``model``, ``profile``); raises ``InvalidAssumptions``.

    A task profile sets the tokens and the tier; tokens given beside it override its
    tokens. Unknown keys are the caller's business to refuse.
    """
    errors: dict[str, list[str]] = {}
    base = default_assumptions(book)
    tokens = {"input_tokens": base.input_tokens, "output_tokens": base.output_tokens}
    task_key = given.get("task_profile") or None
    min_tier = "standard"
    if task_key is not None:
        task = book.task_profile(str(task_key))
        if task is None:
            known = ", ".join(t.key for t in book.task_profiles)
            errors["task_profile"] = [f"Unknown task profile {task_key!r}. Known: {known}."]
        else:
            tokens = {"input_tokens": task.input_tokens, "output_tokens": task.output_tokens}
            min_tier = task.min_tier
    for name in ("input_tokens", "output_tokens"):
        value = given.get(name)
        if value is None or value == "":
            continue
        number = _whole_number(value)
        if number is None:
            errors[name] = ["Enter a whole number of tokens, such as 500."]
        elif not 0 <= number <= MAX_TOKENS:
            errors[name] = [f"Enter a number from 0 to {MAX_TOKENS:,}."]
        else:
            tokens[name] = number
    model = given.get("model") or None
    if model is not None and book.offering(str(model)) is None:
        errors["model"] = [f"Unknown model {model!r}: choose one from the price table."]
    profile = given.get("profile") or None
    if profile is not None and book.profile(str(profile)) is None:
        errors["profile"] = [f"Unknown self-hosting profile {profile!r}."]
    if errors:
        raise InvalidAssumptions(errors)
    return Assumptions(
        tokens["input_tokens"],
        tokens["output_tokens"],
        task_profile=str(task_key) if task_key else None,
        min_tier=min_tier,
        model=str(model) if model else None,
        profile=str(profile) if profile else None,
    )


def given_assumptions(book: PriceBook, data: Mapping[str, Any]) -> Assumptions | None:
    """The assumptions in request data (a query string, a form), or None when none are given
    or they are not valid (then the typical request is used, as the result page does)."""
    if not any(data.get(name) not in (None, "") for name in ASSUMPTION_FIELDS):
        return None
    try:
        return assumptions_from(book, {name: data.get(name) for name in ASSUMPTION_FIELDS})
    except InvalidAssumptions:
        return None


def _whole_number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def needed_tier(answers: Mapping[str, Any], assumptions: Assumptions) -> str:
    """The model tier the work needs: frontier when the answers say so, else the task's."""
    if answers.get("frontier_capability") == "needed":
        return "frontier"
    return assumptions.min_tier


def _tier_ok(tier: str, needed: str) -> bool:
    return costs.TIERS.index(tier) >= costs.TIERS.index(needed)


def _size_ok(size: str, needed_tier_: str) -> bool:
    return SIZES.index(size) >= SIZES.index(SIZE_FOR_TIER[needed_tier_])


def cost_options(book: PriceBook, approach: str, answers: Mapping[str, Any]) -> costs.CostOptions:
    """What changes a self-hosted bill besides the volume: a spare, fine-tuning, hardware."""
    fine_tuning = book.fine_tuning_one_off_usd if approach == "open_fine_tuned" else Decimal(0)
    return costs.CostOptions(
        mission_critical=answers.get("uptime") == "mission_critical",
        fine_tuning_one_off_usd=Decimal(fine_tuning),
        amortisation_months=AMORTISATION_MONTHS,
        hardware_amortisation_months=book.hardware_amortisation_months,
    )


def _cents(amount: Decimal) -> float:
    return float(costs.round_cents(amount))


def _price(amount: Decimal) -> str:
    """A unit price without trailing zeros: 1.25, 10, 0.05."""
    return f"{amount.normalize():f}"


def _stale(book: PriceBook, as_of: datetime.date, today: datetime.date) -> bool:
    return costs.is_stale(as_of, today, book.stale_after_days)


# --- options -------------------------------------------------------------------------------


def offering_candidates(
    book: PriceBook, approach: str, answers: Mapping[str, Any], assumptions: Assumptions
) -> list[costs.Offering]:
    """The per-token offerings that may price ``approach`` for these answers."""
    if approach in CLOSED_APPROACHES:
        openness, access = "closed", "api"
    elif approach == "open_api_host" and not _needs_dedicated_host(answers):
        openness, access = "open", "api_host"
    else:
        return []
    kind = [o for o in book.offerings if o.openness == openness and o.access == access]
    if assumptions.model is not None:
        chosen = [o for o in kind if o.key == assumptions.model]
        if chosen:
            return chosen
    tier = needed_tier(answers, assumptions)
    return [o for o in kind if _tier_ok(o.tier, tier)]


def profile_candidates(
    book: PriceBook, approach: str, answers: Mapping[str, Any], assumptions: Assumptions
) -> list[costs.InfraProfile]:
    """The self-hosting profiles that may price ``approach`` at the answered volume."""
    volume = answers.get("requests_per_day")
    if approach in SELF_HOSTED_APPROACHES:
        deployments = {"local", "cloud", "on_prem"}
        if answers.get("uptime") == "mission_critical":
            deployments.discard("local")  # a workstation under a desk is not mission-critical
    elif approach == "open_api_host" and _needs_dedicated_host(answers):
        # Sensitive data, or an SLA: a dedicated endpoint under contract, not a shared one.
        deployments = {"managed"}
    else:
        return []
    fitting = [
        p
        for p in book.profiles
        if p.deployment in deployments
        and (
            p.max_requests_per_day is None
            or not isinstance(volume, int)
            or volume <= p.max_requests_per_day
        )
    ]
    if assumptions.profile is not None:
        chosen = [p for p in fitting if p.key == assumptions.profile]
        if chosen:
            return chosen
    tier = needed_tier(answers, assumptions)
    return [p for p in fitting if _size_ok(p.model_size, tier)]


def _needs_dedicated_host(answers: Mapping[str, Any]) -> bool:
    return (
        answers.get("data_sensitivity") in SENSITIVE or answers.get("uptime") == "mission_critical"
    )


# --- one approach --------------------------------------------------------------------------


def _offering_cost(
    book: PriceBook,
    approach: str,
    offering: costs.Offering,
    workload: costs.Workload,
    assumptions: Assumptions,
    today: datetime.date,
) -> dict[str, Any]:
    tokens = costs.api_monthly_cost(workload, offering)
    volume = workload.requests_per_day
    breakdown = [
        {
            "item": f"{volume:,} requests a day: {assumptions.input_tokens:,} tokens in at "
            f"${_price(offering.input_usd_per_mtok)} and {assumptions.output_tokens:,} out at "
            f"${_price(offering.output_usd_per_mtok)} per million",
            "monthly_usd": _cents(tokens),
        }
    ]
    total = tokens
    if approach == "closed_enterprise":
        uplift = tokens * book.enterprise_uplift_percent / 100
        breakdown.append(
            {
                "item": f"Enterprise tier: {_price(book.enterprise_uplift_percent)} % above the "
                "standard price (regional processing, support)",
                "monthly_usd": _cents(uplift),
            }
        )
        total = tokens + uplift
        if total < book.enterprise_minimum_monthly_usd:
            breakdown.append(
                {
                    "item": "Up to the enterprise agreement's monthly minimum of "
                    f"${book.enterprise_minimum_monthly_usd:,.2f}",
                    "monthly_usd": _cents(book.enterprise_minimum_monthly_usd - total),
                }
            )
            total = book.enterprise_minimum_monthly_usd
    return {
        "approach": approach,
        "monthly_usd": _cents(total),
        "exact_usd": total,
        "base_usd": tokens,
        "option": offering.key,
        "option_label": offering.label,
        "kind": "offering",
        "tier": offering.tier,
        "breakdown": breakdown,
        "prices_as_of": offering.as_of.isoformat(),
        "source": offering.source,
        "stale": _stale(book, offering.as_of, today),
    }


def _profile_cost(
    book: PriceBook,
    approach: str,
    profile: costs.InfraProfile,
    workload: costs.Workload,
    answers: Mapping[str, Any],
    today: datetime.date,
) -> dict[str, Any]:
    options = cost_options(book, approach, answers)
    if profile.deployment == "managed":
        # The host's contract carries the uptime: no spare replica of your own.
        options = replace(options, mission_critical=False)
    bill = costs.self_hosted_monthly_cost(workload, profile, options)
    gpus = bill.replicas * profile.gpus_per_replica
    serving = bill.replicas - (1 if options.mission_critical else 0)
    # How busy the serving GPUs are on average: seconds of work a day over seconds in a day.
    busy = float(workload.requests_per_day * workload.gpu_seconds(profile) / (serving * 86_400))
    spare = ", one of them a spare" if options.mission_critical else ""
    owned = profile.deployment in {"local", "on_prem"}
    breakdown = [
        {
            "item": f"{gpus} x {profile.gpu_type} ({bill.replicas} replica"
            f"{'' if bill.replicas == 1 else 's'}{spare}): "
            + ("power and hosting" if owned else f"${_price(profile.gpu_hourly_usd)} an hour each"),
            "monthly_usd": _cents(bill.gpu),
        },
        {
            "item": "Operations: "
            + (
                "the host runs it; your review"
                if profile.deployment == "managed"
                else f"${profile.ops_per_deployment_usd:,.0f} for the deployment and "
                f"${profile.ops_per_replica_usd:,.0f} a replica"
            ),
            "monthly_usd": _cents(bill.operations),
        },
    ]
    if bill.hardware:
        breakdown.append(
            {
                "item": f"Hardware bought up front (${profile.hardware_usd_per_replica:,.0f} a "
                f"replica), spread over {options.hardware_amortisation_months} months",
                "monthly_usd": _cents(bill.hardware),
            }
        )
    if bill.fine_tuning:
        breakdown.append(
            {
                "item": f"Fine-tuning (${options.fine_tuning_one_off_usd:,.0f}), spread over "
                f"{options.amortisation_months} months",
                "monthly_usd": _cents(bill.fine_tuning),
            }
        )
    return {
        "approach": approach,
        "monthly_usd": _cents(bill.total),
        "exact_usd": bill.total,
        "base_usd": bill.total,
        "option": profile.key,
        "option_label": profile.label,
        "kind": "profile",
        "deployment": profile.deployment,
        "replicas": bill.replicas,
        "gpus": gpus,
        "gpu_type": profile.gpu_type,
        "gpu_busy_percent": round(min(busy, 1.0) * 100, 2),
        "breakdown": breakdown,
        "prices_as_of": profile.as_of.isoformat(),
        "source": profile.source,
        "throughput_source": profile.throughput_source,
        "throughput_as_of": (
            profile.throughput_as_of.isoformat() if profile.throughput_as_of else None
        ),
        "stale": _stale(book, profile.as_of, today),
    }


def _single_cost(
    book: PriceBook,
    approach: str,
    answers: Mapping[str, Any],
    assumptions: Assumptions,
    volume: int,
    today: datetime.date,
) -> dict[str, Any] | None:
    """The cheapest fitting option for one non-hybrid approach at ``volume``."""
    workload = costs.Workload(volume, assumptions.input_tokens, assumptions.output_tokens)
    priced = [
        _offering_cost(book, approach, o, workload, assumptions, today)
        for o in offering_candidates(book, approach, answers, assumptions)
    ] + [
        _profile_cost(book, approach, p, workload, answers, today)
        for p in profile_candidates(
            book, approach, {**answers, "requests_per_day": volume}, assumptions
        )
    ]
    # Equal bills (an enterprise minimum) go to the cheaper price per token.
    return min(priced, key=lambda row: (row["exact_usd"], row["base_usd"]), default=None)


def approach_cost(
    book: PriceBook,
    approach: str,
    answers: Mapping[str, Any],
    assumptions: Assumptions,
    *,
    allowed: Mapping[str, bool] | None = None,
    today: datetime.date | None = None,
    volume: int | None = None,
    split: HybridSplit | None = None,
) -> dict[str, Any] | None:
    """One approach's monthly cost at the answered volume (or ``volume``), or None without
    a volume or a fitting option. ``allowed`` (approach -> allowed) marks the row; ``split``
    says how a hybrid divides the work."""
    volume = volume if volume is not None else answers.get("requests_per_day")
    if not isinstance(volume, int):
        return None
    today = today or datetime.date.today()
    allowed = allowed or {}
    if approach != "hybrid":
        row = _single_cost(book, approach, answers, assumptions, volume, today)
    else:
        row = _hybrid_cost(book, answers, assumptions, volume, today, split)
    if row is not None:
        row["allowed"] = allowed.get(approach, True)
    return row


@dataclass(frozen=True, slots=True)
class HybridSplit:
    """How a hybrid divides one set of answers: general work (no sensitive data) on a
    closed model, sensitive or high-volume work on an open one. The advice decides the two
    approaches with the knowledge's rules (``advice.result.hybrid_split``)."""

    closed: str | None
    open: str | None
    general_answers: Mapping[str, Any]
    bulk_answers: Mapping[str, Any]


def split_volumes(book: PriceBook, volume: object) -> tuple[int | None, int | None]:
    """The requests a day a hybrid sends to its closed part and to its open part."""
    if not isinstance(volume, int):
        return None, None
    closed = volume * book.hybrid_closed_share_percent // 100
    return closed, volume - closed


PART_NAMES = {
    "closed": "General work (no sensitive data in the prompts)",
    "open": "Sensitive or high-volume work",
}


def _hybrid_cost(
    book: PriceBook,
    answers: Mapping[str, Any],
    assumptions: Assumptions,
    volume: int,
    today: datetime.date,
    split: HybridSplit | None,
) -> dict[str, Any] | None:
    """A share of the requests (general work) on the split's closed approach, the rest
    (sensitive or high-volume work) on its open one."""
    if split is None:
        split = HybridSplit("closed_api", "open_api_host", answers, answers)
    share = (
        book.hybrid_closed_share_percent
        if split.closed and split.open
        else (100 if split.closed else 0)
    )
    closed_volume = volume * share // 100
    open_volume = volume - closed_volume
    parts: list[tuple[str, dict[str, Any], int]] = []
    if split.closed:
        row = _single_cost(
            book, split.closed, split.general_answers, assumptions, closed_volume, today
        )
        if row is not None:
            parts.append(("closed", row, closed_volume))
    if split.open:
        row = _single_cost(book, split.open, split.bulk_answers, assumptions, open_volume, today)
        if row is not None:
            parts.append(("open", row, open_volume))
    if not parts:
        return None
    total = sum((part["exact_usd"] for _, part, _ in parts), Decimal(0))
    return {
        "approach": "hybrid",
        "monthly_usd": _cents(total),
        "exact_usd": total,
        "base_usd": total,
        "option": "+".join(part["option"] for _, part, _ in parts),
        "option_label": " + ".join(part["option_label"] for _, part, _ in parts),
        "kind": "split",
        "parts": [
            {
                "name": PART_NAMES[side],
                "approach": part["approach"],
                "requests_per_day": part_volume,
                "share_percent": round(100 * part_volume / volume) if volume else 0,
                "option": part["option"],
                "option_label": part["option_label"],
                "monthly_usd": part["monthly_usd"],
            }
            for side, part, part_volume in parts
        ],
        "breakdown": [
            {
                "item": f"{PART_NAMES[side]}: {part_volume:,} requests a day on "
                f"{part['option_label']}",
                "monthly_usd": part["monthly_usd"],
            }
            for side, part, part_volume in parts
        ],
        "prices_as_of": min(part["prices_as_of"] for _, part, _ in parts),
        "source": "; ".join(part["source"] for _, part, _ in parts),
        "stale": any(part["stale"] for _, part, _ in parts),
    }


# --- every approach ------------------------------------------------------------------------


def monthly_costs(
    book: PriceBook,
    approaches: Sequence[str],
    answers: Mapping[str, Any],
    assumptions: Assumptions,
    allowed: Mapping[str, bool],
    *,
    today: datetime.date | None = None,
    split: HybridSplit | None = None,
) -> dict[str, float]:
    """approach -> monthly cost at the answers, for the engine's cost rules."""
    found: dict[str, float] = {}
    for approach in approaches:
        row = approach_cost(
            book, approach, answers, assumptions, allowed=allowed, today=today, split=split
        )
        if row is not None:
            found[approach] = row["monthly_usd"]
    return found


def cost_table(
    book: PriceBook,
    ranking: Sequence[tuple[str, bool]],
    answers: Mapping[str, Any],
    assumptions: Assumptions,
    *,
    today: datetime.date,
    split: HybridSplit | None = None,
) -> dict[str, Any] | None:
    """Every approach's cost (``ranking``: approach keys with their exclusion), the cheapest
    allowed one, and the assumptions; None when the volume is unanswered."""
    volume = answers.get("requests_per_day")
    if not isinstance(volume, int):
        return None
    allowed = {approach: not excluded for approach, excluded in ranking}
    rows = []
    for approach, _ in ranking:
        row = approach_cost(
            book, approach, answers, assumptions, allowed=allowed, today=today, split=split
        )
        if row is not None:
            row.pop("exact_usd")
            row.pop("base_usd", None)
            rows.append(row)
    allowed_rows = [row for row in rows if row["allowed"]]
    cheapest = min(allowed_rows, key=lambda row: row["monthly_usd"], default=None)
    task = book.task_profile(assumptions.task_profile)
    return {
        "requests_per_day": volume,
        "assumptions": {
            **assumptions.to_dict(),
            "task_profile_label": task.label if task else None,
            "tier": needed_tier(answers, assumptions),
            "days_per_month": costs.model.DAYS_PER_MONTH,
        },
        "approaches": rows,
        "cheapest_allowed": cheapest["approach"] if cheapest else None,
        "stale_after_days": book.stale_after_days,
        "computed_on": today.isoformat(),
    }


def offering_cost(
    book: PriceBook,
    offering_key: str,
    answers: Mapping[str, Any],
    assumptions: Assumptions,
    *,
    today: datetime.date | None = None,
) -> dict[str, Any] | None:
    """A named offering's monthly cost at the answered volume (a plan's "other choice")."""
    volume = answers.get("requests_per_day")
    offering = book.offering(offering_key)
    if offering is None or not isinstance(volume, int):
        return None
    workload = costs.Workload(volume, assumptions.input_tokens, assumptions.output_tokens)
    approach = "open_api_host" if offering.openness == "open" else "closed_api"
    row = _offering_cost(
        book, approach, offering, workload, assumptions, today or datetime.date.today()
    )
    row.pop("exact_usd")
    row.pop("base_usd")
    return row


# --- one offering against one profile (the break-even API) ---------------------------------


def self_hosting_options(
    book: PriceBook, approach: str, profile: costs.InfraProfile, answers: Mapping[str, Any]
) -> costs.CostOptions:
    """The options ``profile`` is billed with for ``approach``: ``cost_options``, without
    a spare of your own on a host's managed endpoint (its contract carries the uptime)."""
    options = cost_options(book, approach, answers)
    if profile.deployment == "managed":
        options = replace(options, mission_critical=False)
    return options


def compare_offering_and_profile(
    book: PriceBook,
    offering: costs.Offering,
    profile: costs.InfraProfile,
    workload: costs.Workload,
    *,
    mission_critical: bool = False,
) -> costs.CostComparison:
    """Paying ``offering`` per token against running ``profile`` yourself, billed as the
    advice bills the self-hosted approach (the price book's hardware life, operations,
    utilisation); raises ``costs.CapacityExceeded`` when the profile cannot serve it."""
    answers = {"uptime": "mission_critical"} if mission_critical else {}
    options = self_hosting_options(book, "open_self_hosted", profile, answers)
    return costs.compare_costs(workload, offering, profile, options)
