"""Monthly cost of paying per token versus self-hosting, and where the two cross.

The API bill is a straight line through the origin: ``requests/day x slope``. The self-hosted
bill is a staircase: whole replicas are rented (at least one, even at zero traffic), so the
cost is flat until a replica's capacity is used up and then jumps by one replica's price.

All money is computed in :class:`~decimal.Decimal` under a 60-digit context, which keeps
volumes up to 1e9 requests a day times book prices exact; capacity comparisons use
:class:`~fractions.Fraction` so that "does this fit in k replicas" has no rounding at all.
Figures are rounded to cents only for presentation (:func:`round_cents`, ``to_api_dict``).
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from fractions import Fraction
from typing import Literal

from advisor.costs.model import (
    DAYS_PER_MONTH,
    HOURS_PER_MONTH,
    SECONDS_PER_DAY,
    TOKENS_PER_PRICE_UNIT,
    CostOptions,
    InfraProfile,
    Offering,
    Workload,
)

BreakEvenKind = Literal["at", "never", "always"]

DEFAULT_MAX_REQUESTS_PER_DAY = 1_000_000_000
STALE_AFTER_DAYS = 90

_CONTEXT = Context(prec=60)
_CENT = Decimal("0.01")


class CapacityExceeded(ValueError):
    """The workload needs more requests a day than a capped profile can ever serve.

    Raised (never returned) by the functions that price one workload on one profile, so a
    capped tier such as a single workstation is never silently priced as if it could scale.
    Callers showing several profiles catch it and mark that profile "over capacity".
    """

    def __init__(self, profile_key: str, requests_per_day: int, limit: int) -> None:
        super().__init__(
            f"profile {profile_key!r} serves at most {limit} requests a day, "
            f"the workload needs {requests_per_day}"
        )
        self.profile_key = profile_key
        self.requests_per_day = requests_per_day
        self.limit = limit


@dataclass(frozen=True, slots=True)
class CostBreakdown:
    """One month of self-hosting, by part. One-off costs appear as their monthly share."""

    replicas: int
    gpu: Decimal
    operations: Decimal
    fine_tuning: Decimal
    hardware: Decimal

    @property
    def total(self) -> Decimal:
        with localcontext(_CONTEXT):
            return self.gpu + self.operations + self.fine_tuning + self.hardware


@dataclass(frozen=True, slots=True)
class BreakEven:
    """Where self-hosting becomes, and stays, no dearer than the API.

    ``kind`` is ``"at"`` with the smallest such whole number of requests a day;
    ``"always"`` (``requests_per_day == 1``) when it already is at one request a day;
    ``"never"`` (``requests_per_day is None``) when it is not at ``checked_up_to``.
    ``checked_up_to`` is the top of the range examined: the caller's maximum, or the
    profile's hard cap when lower, since a capped tier cannot serve more.
    """

    kind: BreakEvenKind
    requests_per_day: int | None
    checked_up_to: int

    def __post_init__(self) -> None:
        expected_none = self.kind == "never"
        if (self.requests_per_day is None) != expected_none:
            raise ValueError(
                f"break-even {self.kind!r} with requests_per_day={self.requests_per_day}"
            )
        if self.kind == "always" and self.requests_per_day != 1:
            raise ValueError("an 'always' break-even is at 1 request a day")


@dataclass(frozen=True, slots=True)
class CurvePoint:
    """Both monthly costs at one volume; ``self_hosted_usd`` is None above a profile's cap."""

    requests_per_day: int
    api_usd: Decimal
    self_hosted_usd: Decimal | None


@dataclass(frozen=True, slots=True)
class CostComparison:
    """The API and self-hosted bills for one workload, with what they rest on."""

    workload: Workload
    offering: Offering
    profile: InfraProfile
    options: CostOptions
    api_monthly_usd: Decimal
    self_hosted: CostBreakdown
    break_even: BreakEven
    assumptions: dict[str, object]

    @property
    def replicas(self) -> int:
        return self.self_hosted.replicas

    @property
    def self_hosted_monthly_usd(self) -> Decimal:
        return self.self_hosted.total

    def to_api_dict(self) -> dict[str, object]:
        """The JSON shape the public API returns; money rounded to cents as floats."""
        return {
            "monthly_cost": {
                "api": float(round_cents(self.api_monthly_usd)),
                "self_hosted": float(round_cents(self.self_hosted.total)),
            },
            "break_even_requests_per_day": self.break_even.requests_per_day,
            "assumptions": _copy_json(self.assumptions),
        }


def round_cents(amount: Decimal) -> Decimal:
    """Round money half-up to whole cents, for display only."""
    with localcontext(_CONTEXT):
        return amount.quantize(_CENT, rounding=ROUND_HALF_UP)


def is_stale(
    as_of: datetime.date, today: datetime.date, max_age_days: int = STALE_AFTER_DAYS
) -> bool:
    """True when a price is more than ``max_age_days`` old (exactly 90 days is still fresh)."""
    return (today - as_of).days > max_age_days


# --- API ---------------------------------------------------------------------------------


def api_cost_per_daily_request(shape: Workload, offering: Offering) -> Decimal:
    """Monthly API cost added by one more request a day: the slope of the API line."""
    with localcontext(_CONTEXT):
        per_request = (
            shape.input_tokens * offering.input_usd_per_mtok
            + shape.output_tokens * offering.output_usd_per_mtok
        )
        return DAYS_PER_MONTH * per_request / TOKENS_PER_PRICE_UNIT


def api_monthly_cost(workload: Workload, offering: Offering) -> Decimal:
    """Pay-per-token bill for a month: linear in volume, zero at zero requests."""
    slope = api_cost_per_daily_request(workload, offering)
    with localcontext(_CONTEXT):
        return workload.requests_per_day * slope


# --- Self-hosting ------------------------------------------------------------------------


def requests_per_replica(shape: Workload, profile: InfraProfile) -> Fraction | None:
    """Average requests a day one replica serves: usable seconds a day over the seconds one
    request takes (prefill plus decode); None when a request takes no GPU time at all."""
    seconds = shape.gpu_seconds(profile)
    if seconds == 0:
        return None
    return Fraction(profile.utilisation) * SECONDS_PER_DAY / seconds


def _base_replicas(requests_per_day: int, per_replica: Fraction | None) -> int:
    """Replicas needed for the traffic alone (no spare); at least one."""
    if per_replica is None or requests_per_day == 0:
        return 1
    return max(1, math.ceil(requests_per_day / per_replica))


def _check_capacity(requests_per_day: int, profile: InfraProfile) -> None:
    cap = profile.max_requests_per_day
    if cap is not None and requests_per_day > cap:
        raise CapacityExceeded(profile.key, requests_per_day, cap)


def _spare(options: CostOptions) -> int:
    return 1 if options.mission_critical else 0


def replicas_needed(workload: Workload, profile: InfraProfile, options: CostOptions) -> int:
    """Replicas to rent: enough for the average load, at least one, plus a spare if critical.

    Raises :class:`CapacityExceeded` when the profile has a hard cap below the workload.
    """
    _check_capacity(workload.requests_per_day, profile)
    base = _base_replicas(workload.requests_per_day, requests_per_replica(workload, profile))
    return base + _spare(options)


def _breakdown(replicas: int, profile: InfraProfile, options: CostOptions) -> CostBreakdown:
    with localcontext(_CONTEXT):
        return CostBreakdown(
            replicas=replicas,
            gpu=replicas * profile.gpus_per_replica * profile.gpu_hourly_usd * HOURS_PER_MONTH,
            operations=profile.ops_per_deployment_usd + replicas * profile.ops_per_replica_usd,
            fine_tuning=options.fine_tuning_one_off_usd / options.amortisation_months,
            hardware=replicas
            * profile.hardware_usd_per_replica
            / options.hardware_amortisation_months,
        )


def self_hosted_monthly_cost(
    workload: Workload, profile: InfraProfile, options: CostOptions
) -> CostBreakdown:
    """Self-hosting bill for a month: constant until another replica is needed.

    Raises :class:`CapacityExceeded` when the profile has a hard cap below the workload.
    """
    return _breakdown(replicas_needed(workload, profile, options), profile, options)


# --- Break-even --------------------------------------------------------------------------


def _ceil_div(numerator: Fraction, denominator: Fraction) -> int:
    return -(-numerator // denominator)


def break_even(
    shape: Workload,
    offering: Offering,
    profile: InfraProfile,
    options: CostOptions,
    max_requests_per_day: int = DEFAULT_MAX_REQUESTS_PER_DAY,
) -> BreakEven:
    """Smallest volume from which self-hosting costs no more than the API, up to the maximum.

    Only the token counts of ``shape`` matter; its ``requests_per_day`` is ignored. "From
    which" means at that volume *and every higher one* in range: the staircase can rise
    back above the API line just after a replica is added, so the answer is one past the
    last volume where the API is cheaper. It is found by walking the flat steps of the
    staircase down from a volume above which self-hosting provably stays cheaper; within a
    step the crossing is ``ceil(step cost / slope)``. The walk covers about
    ``1 / (rho - 1)`` steps, rho being the API price of a replica's full capacity over the
    replica's GPU price, so it is short unless the two are within a hair of each other.
    """
    if max_requests_per_day < 1:
        raise ValueError("max_requests_per_day must be at least 1")
    limit = max_requests_per_day
    if profile.max_requests_per_day is not None:
        limit = min(limit, profile.max_requests_per_day)
    if limit < 1:
        return BreakEven("never", None, limit)

    per_replica = requests_per_replica(shape, profile)
    spare = _spare(options)
    slope = api_cost_per_daily_request(shape, offering)

    def base(requests: int) -> int:
        return _base_replicas(requests, per_replica)

    def cost(base_replicas: int) -> Decimal:
        return _breakdown(base_replicas + spare, profile, options).total

    def api(requests: int) -> Decimal:
        with localcontext(_CONTEXT):
            return requests * slope

    def at(requests: int) -> BreakEven:
        if requests <= 1:
            return BreakEven("always", 1, limit)
        return BreakEven("at", requests, limit)

    if cost(base(limit)) > api(limit):
        return BreakEven("never", None, limit)
    if slope == 0:
        # A free API can only be matched by a free self-hosted service, which it just was.
        return at(1)

    s = Fraction(slope)
    # What one more replica adds a month: its GPUs, its operations, its hardware.
    gpu_step = Fraction(_breakdown(1, profile, options).total) - Fraction(
        _breakdown(0, profile, options).total
    )
    if per_replica is None or gpu_step == 0:
        # The staircase is flat: a single crossing.
        return at(_ceil_div(Fraction(cost(1)), s))

    margin = s - gpu_step / per_replica
    start = limit
    if margin > 0:
        # base(r) < r / per_replica + 1, so beyond this volume the API line is above even the
        # top of the staircase's envelope; the extra dollar absorbs the 60-digit rounding of
        # amortised amounts.
        fixed = Fraction(_breakdown(0, profile, options).total)
        bound = ((1 + spare) * gpu_step + fixed + 1) / margin
        start = min(limit, math.floor(bound) + 1)
    elif per_replica.numerator == 1:
        # The API line lies on or under every step's bottom, and the cost at ``limit`` was
        # no dearer, so the two must coincide (zero fixed costs, rho == 1 exactly). With
        # whole requests never more than one replica's worth apart, they coincide at every
        # volume: walking would take ``limit`` steps, so answer directly.
        return at(1)
    return _walk_down(start, base, cost, per_replica, s, at)


def _walk_down(
    start: int,
    base: Callable[[int], int],
    cost: Callable[[int], Decimal],
    per_replica: Fraction,
    slope: Fraction,
    at: Callable[[int], BreakEven],
) -> BreakEven:
    """Find the last volume at or below ``start`` where the API is cheaper, step by step."""
    requests = start
    while requests >= 1:
        k = base(requests)
        step_low = 1 if k == 1 else math.floor((k - 1) * per_replica) + 1
        step_cost = Fraction(cost(k))
        if step_low * slope < step_cost:
            first_cheaper = _ceil_div(step_cost, slope)
            return at(min(requests, first_cheaper - 1) + 1)
        requests = step_low - 1
    return at(1)


# --- Comparison --------------------------------------------------------------------------


def compare_costs(
    workload: Workload,
    offering: Offering,
    profile: InfraProfile,
    options: CostOptions,
    max_requests_per_day: int = DEFAULT_MAX_REQUESTS_PER_DAY,
) -> CostComparison:
    """Both monthly bills, the break-even and the assumptions behind them.

    Raises :class:`CapacityExceeded` when a capped profile cannot serve the workload.
    """
    self_hosted = self_hosted_monthly_cost(workload, profile, options)
    api = api_monthly_cost(workload, offering)
    be = break_even(workload, offering, profile, options, max_requests_per_day)
    return CostComparison(
        workload=workload,
        offering=offering,
        profile=profile,
        options=options,
        api_monthly_usd=api,
        self_hosted=self_hosted,
        break_even=be,
        assumptions=_assumptions(workload, offering, profile, options, self_hosted, be),
    )


def _assumptions(
    workload: Workload,
    offering: Offering,
    profile: InfraProfile,
    options: CostOptions,
    self_hosted: CostBreakdown,
    be: BreakEven,
) -> dict[str, object]:
    """Plain JSON-able record of every figure the comparison used."""
    return {
        "days_per_month": DAYS_PER_MONTH,
        "requests_per_day": workload.requests_per_day,
        "input_tokens_per_request": workload.input_tokens,
        "output_tokens_per_request": workload.output_tokens,
        "api": {
            "offering": offering.key,
            "label": offering.label,
            "provider": offering.provider,
            "model": offering.model,
            "openness": offering.openness,
            "access": offering.access,
            "input_usd_per_mtok": float(offering.input_usd_per_mtok),
            "output_usd_per_mtok": float(offering.output_usd_per_mtok),
            "price_as_of": offering.as_of.isoformat(),
            "price_source": offering.source,
        },
        "self_hosted": {
            "profile": profile.key,
            "label": profile.label,
            "gpu_type": profile.gpu_type,
            "gpu_hourly_usd": float(profile.gpu_hourly_usd),
            "gpus_per_replica": profile.gpus_per_replica,
            "replicas": self_hosted.replicas,
            "gpus": self_hosted.replicas * profile.gpus_per_replica,
            "spare_replica": options.mission_critical,
            "prefill_tokens_per_second_per_replica": float(profile.prefill_tokens_per_second),
            "decode_tokens_per_second_per_replica": float(profile.decode_tokens_per_second),
            "utilisation": float(profile.utilisation),
            "operations_per_deployment_monthly_usd": float(
                round_cents(profile.ops_per_deployment_usd)
            ),
            "operations_per_replica_monthly_usd": float(round_cents(profile.ops_per_replica_usd)),
            "max_requests_per_day": profile.max_requests_per_day,
            "hardware_usd_per_replica": float(round_cents(profile.hardware_usd_per_replica)),
            "price_as_of": profile.as_of.isoformat(),
            "price_source": profile.source,
        },
        "amortisation_months": options.amortisation_months,
        "hardware_amortisation_months": options.hardware_amortisation_months,
        "fine_tuning": {
            "one_off_usd": float(round_cents(options.fine_tuning_one_off_usd)),
            "monthly_usd": float(round_cents(self_hosted.fine_tuning)),
        },
        "break_even": {"kind": be.kind, "checked_up_to": be.checked_up_to},
    }


def _copy_json(value: object) -> object:
    if isinstance(value, dict):
        return {key: _copy_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy_json(item) for item in value]
    return value


# --- Chart data --------------------------------------------------------------------------


def _nice_ceiling(value: float) -> int:
    """Round up to 1, 2 or 5 times a power of ten."""
    magnitude = 10 ** max(0, math.floor(math.log10(max(value, 1))))
    for factor in (1, 2, 5, 10):
        if magnitude * factor >= value:
            return magnitude * factor
    return magnitude * 10  # pragma: no cover - unreachable: factor 10 always suffices


def curve(
    workload: Workload,
    offering: Offering,
    profile: InfraProfile,
    options: CostOptions,
    be: BreakEven | None = None,
    *,
    points_per_decade: int = 8,
    max_steps: int = 100,
) -> list[CurvePoint]:
    """Volumes and both monthly costs for the chart, sorted by volume.

    Log-spaced from 10 (or lower, to reach the user's volume) to a round number a bit
    beyond ten times the user's volume and three times the break-even. Each of the first
    ``max_steps`` replica boundaries in range contributes the last volume of one step and
    the first of the next, so a plain line through the points draws the steps upright.
    """
    if be is None:
        be = break_even(workload, offering, profile, options)
    user = workload.requests_per_day
    marks = [v for v in (user, be.requests_per_day if be.kind == "at" else None) if v]
    low = min([10, *marks])
    high = _nice_ceiling(1.1 * max(user * 10, 3 * (be.requests_per_day or 0), 1000))

    volumes: set[int] = {low, high, *marks}
    if be.kind == "at" and be.requests_per_day is not None:
        volumes.add(be.requests_per_day - 1)
    first = math.ceil(points_per_decade * math.log10(low))
    last = math.floor(points_per_decade * math.log10(high))
    volumes.update(round(10 ** (j / points_per_decade)) for j in range(first, last + 1))

    per_replica = requests_per_replica(workload, profile)
    if per_replica is not None:
        k = _base_replicas(low, per_replica)
        for _ in range(max_steps):
            step_high = math.floor(k * per_replica)
            if step_high >= high:
                break
            if step_high >= low:
                volumes.update((step_high, step_high + 1))
            k += 1
    cap = profile.max_requests_per_day
    if cap is not None and low <= cap < high:
        volumes.update((cap, cap + 1))

    spare = _spare(options)
    points = []
    for volume in sorted(v for v in volumes if low <= v <= high):
        shaped = Workload(volume, workload.input_tokens, workload.output_tokens)
        self_hosted: Decimal | None = None
        if cap is None or volume <= cap:
            self_hosted = _breakdown(
                _base_replicas(volume, per_replica) + spare, profile, options
            ).total
        points.append(CurvePoint(volume, api_monthly_cost(shaped, offering), self_hosted))
    return points
