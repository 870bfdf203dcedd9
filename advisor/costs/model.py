"""Plain value types for the break-even cost model.

These are deliberately free of Django: the price book module converts its database rows into
them, and everything in :mod:`advisor.costs` works on them alone. Money is US dollars as
:class:`~decimal.Decimal`; floats are refused so that no binary rounding creeps in.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Literal

Openness = Literal["closed", "open"]
Tier = Literal["small", "standard", "frontier"]
#: Model tiers, weakest first: a task needing one tier is served by it or any later one.
TIERS: tuple[Tier, ...] = ("small", "standard", "frontier")
Access = Literal["api", "api_host", "self_hosted"]

DAYS_PER_MONTH = 30
HOURS_PER_MONTH = 24 * DAYS_PER_MONTH
SECONDS_PER_DAY = 86_400
TOKENS_PER_PRICE_UNIT = 1_000_000  # prices are quoted per million tokens

_OPENNESS = ("closed", "open")
_ACCESS = ("api", "api_host", "self_hosted")


def _decimal(owner: object, name: str, *, positive: bool = False) -> None:
    """Coerce an int field to Decimal in place and check it is finite and not negative.

    Floats are rejected rather than converted: ``Decimal(0.1)`` is not 0.1.
    """
    value = getattr(owner, name)
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{name} must be a Decimal (or int), not {type(value).__name__}")
    if isinstance(value, int):
        value = Decimal(value)
        object.__setattr__(owner, name, value)
    if not value.is_finite():
        raise ValueError(f"{name} must be finite, got {value}")
    if value < 0 or (positive and value == 0):
        raise ValueError(f"{name} must be {'> 0' if positive else '>= 0'}, got {value}")


def _int(owner: object, name: str, *, minimum: int) -> None:
    value = getattr(owner, name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")


@dataclass(frozen=True, slots=True)
class Offering:
    """A model sold per token: a closed model's own API or an open model on an API host."""

    key: str
    label: str
    provider: str
    model: str
    openness: Openness
    access: Access
    input_usd_per_mtok: Decimal
    output_usd_per_mtok: Decimal
    as_of: datetime.date
    source: str
    tier: Tier = "standard"

    def __post_init__(self) -> None:
        if self.tier not in TIERS:
            raise ValueError(f"tier must be one of {TIERS}, got {self.tier!r}")
        if self.openness not in _OPENNESS:
            raise ValueError(f"openness must be one of {_OPENNESS}, got {self.openness!r}")
        if self.access not in _ACCESS:
            raise ValueError(f"access must be one of {_ACCESS}, got {self.access!r}")
        _decimal(self, "input_usd_per_mtok")
        _decimal(self, "output_usd_per_mtok")


Deployment = Literal["local", "cloud", "on_prem", "managed"]
ModelSize = Literal["small", "medium", "large"]
_DEPLOYMENTS = ("local", "cloud", "on_prem", "managed")
_SIZES = ("small", "medium", "large")


@dataclass(frozen=True, slots=True)
class InfraProfile:
    """A way of running an open-weight model on your own (rented or bought) GPUs.

    A replica is one copy of the model on ``gpus_per_replica`` GPUs. Its throughput is given
    separately for input tokens (prefill, read in parallel and fast) and output tokens
    (decode, one at a time per request and slow), as served with batching;
    ``utilisation`` is the share of it usable on average, since traffic is not flat.
    Operations grow with the deployment: ``ops_per_deployment_usd`` a month for running
    it at all, plus ``ops_per_replica_usd`` for each replica. ``hardware_usd_per_replica``
    is bought up front (a workstation, an on-premises server) and spread over the
    hardware's life. ``max_requests_per_day`` is a hard cap for a tier that cannot scale
    out (a single workstation).
    """

    key: str
    label: str
    gpu_type: str
    gpu_hourly_usd: Decimal
    gpus_per_replica: int
    prefill_tokens_per_second: Decimal
    decode_tokens_per_second: Decimal
    utilisation: Decimal
    ops_per_deployment_usd: Decimal
    as_of: datetime.date
    source: str
    ops_per_replica_usd: Decimal = Decimal(0)
    max_requests_per_day: int | None = None
    hardware_usd_per_replica: Decimal = Decimal(0)
    deployment: Deployment = "cloud"
    model_size: ModelSize = "medium"
    throughput_source: str = ""
    throughput_as_of: datetime.date | None = None

    def __post_init__(self) -> None:
        _decimal(self, "gpu_hourly_usd")
        _int(self, "gpus_per_replica", minimum=1)
        _decimal(self, "prefill_tokens_per_second", positive=True)
        _decimal(self, "decode_tokens_per_second", positive=True)
        _decimal(self, "utilisation", positive=True)
        if self.utilisation > 1:
            raise ValueError(f"utilisation must be <= 1, got {self.utilisation}")
        _decimal(self, "ops_per_deployment_usd")
        _decimal(self, "ops_per_replica_usd")
        if self.max_requests_per_day is not None:
            _int(self, "max_requests_per_day", minimum=0)
        _decimal(self, "hardware_usd_per_replica")
        if self.deployment not in _DEPLOYMENTS:
            raise ValueError(f"deployment must be one of {_DEPLOYMENTS}, got {self.deployment!r}")
        if self.model_size not in _SIZES:
            raise ValueError(f"model_size must be one of {_SIZES}, got {self.model_size!r}")


@dataclass(frozen=True, slots=True)
class Workload:
    """Traffic: requests per day and the average tokens in and out of one request."""

    requests_per_day: int
    input_tokens: int
    output_tokens: int

    def __post_init__(self) -> None:
        _int(self, "requests_per_day", minimum=0)
        _int(self, "input_tokens", minimum=0)
        _int(self, "output_tokens", minimum=0)

    @property
    def tokens_per_request(self) -> int:
        return self.input_tokens + self.output_tokens

    def gpu_seconds(self, profile: InfraProfile) -> Fraction:
        """Replica-seconds one request takes: its input at prefill speed plus its output at
        decode speed (exact, as a fraction)."""
        return Fraction(self.input_tokens) / Fraction(profile.prefill_tokens_per_second) + (
            Fraction(self.output_tokens) / Fraction(profile.decode_tokens_per_second)
        )


@dataclass(frozen=True, slots=True)
class CostOptions:
    """Choices that change the self-hosted bill.

    ``mission_critical`` buys one spare replica so a failure does not stop the service.
    Fine-tuning is spread evenly over ``amortisation_months``; hardware bought up front
    over ``hardware_amortisation_months`` (its useful life).
    """

    mission_critical: bool = False
    fine_tuning_one_off_usd: Decimal = Decimal(0)
    amortisation_months: int = 12
    hardware_amortisation_months: int = 36

    def __post_init__(self) -> None:
        if not isinstance(self.mission_critical, bool):
            raise TypeError("mission_critical must be a bool")
        _decimal(self, "fine_tuning_one_off_usd")
        _int(self, "amortisation_months", minimum=1)
        _int(self, "hardware_amortisation_months", minimum=1)
