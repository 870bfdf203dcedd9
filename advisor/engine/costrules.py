"""Points that follow the costs: the cheapest allowed approach gains, the far dearer lose.

The advice prices every approach at the user's volume and token shape and hands the monthly
figures to the engine; these rules turn them into reasons with the figures in their words,
so a reason that says an approach is cheaper is only ever given when the figures show it.
"""

from __future__ import annotations

import math
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from advisor.engine.results import Reason

CostRuleKind = Literal["cheapest", "dearer"]
COST_RULE_KINDS: frozenset[str] = frozenset({"cheapest", "dearer"})
PLACEHOLDERS: frozenset[str] = frozenset(
    {"approach", "monthly", "cheapest", "cheapest_monthly", "next", "next_monthly", "ratio"}
)
#: Cost reasons depend on every answer that changes a price; the volume above all.
COST_QUESTIONS: tuple[str, ...] = ("requests_per_day",)


@dataclass(frozen=True, slots=True)
class CostRule:
    """``cheapest``: points for the cheapest allowed approach when the next allowed one
    costs at least ``factor`` times as much. ``dearer``: points for each allowed approach
    costing at least ``factor`` times the cheapest allowed one."""

    id: int
    kind: CostRuleKind
    factor: float
    points: float
    rationale: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "factor", float(self.factor))
        object.__setattr__(self, "points", float(self.points))


def template_problems(text: str) -> list[str]:
    """What is wrong with a rationale's placeholders (empty when it can be filled in)."""
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    except ValueError as error:
        return [f"Braces do not match: {error}. Write {{{{ and }}}} for a literal brace."]
    unknown = sorted({name for name in fields if name not in PLACEHOLDERS})
    if unknown:
        known = ", ".join("{" + name + "}" for name in sorted(PLACEHOLDERS))
        return [f"Unknown placeholder(s) {', '.join(unknown)}; use {known}."]
    return []


def cost_rule_problems(rule: CostRule) -> list[str]:
    label = f"cost rule {rule.id!r}"
    problems = [f"{label}: {p}" for p in template_problems(rule.rationale)]
    if rule.kind not in COST_RULE_KINDS:
        problems.append(f"{label} has unknown kind {rule.kind!r}")
    if not math.isfinite(rule.factor) or rule.factor < 1:
        problems.append(f"{label} factor must be at least 1")
    if not math.isfinite(rule.points):
        problems.append(f"{label} points must be finite")
    return problems


def money(amount: float) -> str:
    return f"${amount:,.2f}"


def cost_reasons(
    rules: Sequence[CostRule],
    labels: Mapping[str, str],
    costs: Mapping[str, float],
    allowed: Sequence[str],
) -> dict[str, list[Reason]]:
    """Reasons per approach key for the ``allowed`` approaches that have a cost.

    Nothing is said unless at least two allowed approaches are priced: a comparison needs
    two sides.
    """
    priced = sorted(
        ((costs[key], index, key) for index, key in enumerate(allowed) if key in costs),
    )
    if len(priced) < 2:
        return {}
    cheapest_cost, _, cheapest = priced[0]
    next_cost, _, following = priced[1]
    found: dict[str, list[Reason]] = {}
    for rule in rules:
        for cost, _, key in priced:
            values = {
                "approach": labels.get(key, key),
                "monthly": money(cost),
                "cheapest": labels.get(cheapest, cheapest),
                "cheapest_monthly": money(cheapest_cost),
                "next": labels.get(following, following),
                "next_monthly": money(next_cost),
                "ratio": _ratio(cost, cheapest_cost),
            }
            if rule.kind == "cheapest":
                fires = key == cheapest and next_cost >= rule.factor * cheapest_cost
                fires = fires and next_cost > cheapest_cost
            else:
                fires = key != cheapest and cost >= rule.factor * cheapest_cost
            if fires:
                text = rule.rationale.format_map(values)
                found.setdefault(key, []).append(
                    Reason(text, rule.points, rule.id, COST_QUESTIONS, "points", "cost")
                )
    return found


def _ratio(cost: float, cheapest: float) -> str:
    if cheapest <= 0:
        return "many"
    ratio = cost / cheapest
    return f"{ratio:,.0f}" if ratio >= 10 else f"{ratio:.1f}"
