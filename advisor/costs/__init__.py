"""Break-even maths: paying an API per token versus self-hosting an open-weight model.

Plain Python on plain types (no Django): the price book turns its rows into
:class:`Offering` and :class:`InfraProfile`, and views render :func:`render_chart` output.
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
    round_cents,
    self_hosted_monthly_cost,
)
from advisor.costs.chart import Chart, ChartRow, format_usd, render_chart
from advisor.costs.model import CostOptions, InfraProfile, Offering, Workload

__all__ = [
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
    "round_cents",
    "self_hosted_monthly_cost",
]
