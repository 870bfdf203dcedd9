"""Break-even maths: paying an API per token versus self-hosting an open-weight model.

Plain Python on plain types (no Django): the price book turns its rows into
:class:`Offering` and :class:`InfraProfile`. The chart (:mod:`advisor.costs.chart`) needs
matplotlib, which takes seconds to import: its names load on first use, so starting a worker
or running a management command never pays for it.
"""

from __future__ import annotations

from advisor.costs.breakeven import (
    BreakEven,
    CapacityExceeded,
    CostBreakdown,
    CostComparison,
    CurvePoint,
    api_cost_per_daily_request,
    api_monthly_cost,
    break_even,
    compare_costs,
    curve,
    is_stale,
    replicas_needed,
    requests_per_replica,
    round_cents,
    self_hosted_monthly_cost,
)
from advisor.costs.model import TIERS, CostOptions, InfraProfile, Offering, Workload

_CHART_NAMES = frozenset({"Chart", "ChartRow", "format_usd", "render_chart"})


def __getattr__(name: str) -> object:
    if name in _CHART_NAMES:
        from advisor.costs import chart

        return getattr(chart, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "TIERS",
    "BreakEven",
    "CapacityExceeded",
    "Chart",
    "ChartRow",
    "CostBreakdown",
    "CostComparison",
    "CostOptions",
    "CurvePoint",
    "InfraProfile",
    "Offering",
    "Workload",
    "api_cost_per_daily_request",
    "api_monthly_cost",
    "break_even",
    "compare_costs",
    "curve",
    "format_usd",
    "is_stale",
    "render_chart",
    "replicas_needed",
    "requests_per_replica",
    "round_cents",
    "self_hosted_monthly_cost",
]
