"""The hybrid routing plan: each workload routed by the engine, priced by the same rule as a
single result, and placed on the guide's routing flowchart."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils import timezone

from advisor.advice import pricing
from advisor.advice.inputs import answer_label, prompt
from advisor.advice.result import rank
from advisor.advice.split import hybrid_split
from advisor.engine.results import json_number
from advisor.knowledge.ruleset import Knowledge

FLOWCHART_LIMIT = 1000  # the guide's "Volume > 1K/day?"


def flowchart_path(answers: Mapping[str, Any]) -> list[str]:
    """The nodes the guide's flowchart visits for these answers.

    Nodes: task, sensitive?, self_hosted, volume?, api_host, frontier?, closed_api, either.
    Unanswered questions take the "no" branch, as the flowchart has no "unknown".
    """
    path = ["task", "sensitive"]
    if answers.get("data_sensitivity") in {"sensitive", "regulated"}:
        return [*path, "self_hosted"]
    path.append("volume")
    volume = answers.get("requests_per_day")
    if isinstance(volume, int) and volume > FLOWCHART_LIMIT:
        return [*path, "api_host"]
    path.append("frontier")
    if answers.get("frontier_capability") == "needed":
        return [*path, "closed_api"]
    return [*path, "either"]


def build_plan(knowledge: Knowledge, workloads: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Route every workload; JSON-able, so a report can keep it as its snapshot."""
    book = knowledge.prices
    assumptions = pricing.default_assumptions(book)
    today = timezone.now().date()
    rows = []
    total = 0.0
    complete_cost = True
    for workload in workloads:
        answers = workload.get("answers", {})
        recommendation, _ = rank(knowledge, answers, assumptions, today)
        effective = recommendation.answers
        top = recommendation.top
        approach = knowledge.approach(top)
        allowed = {r.approach: not r.excluded for r in recommendation.ranking}
        cost = (
            pricing.approach_cost(
                book,
                top,
                effective,
                assumptions,
                allowed=allowed,
                today=today,
                split=hybrid_split(knowledge, effective, assumptions, today),
            )
            if top
            else None
        )
        if cost is not None:
            cost.pop("exact_usd", None)
            cost.pop("base_usd", None)
        if cost is None:
            complete_cost = False
        else:
            total += cost["monthly_usd"]
        alternative = None
        if workload.get("alternative"):
            other = pricing.offering_cost(
                book, workload["alternative"], effective, assumptions, today=today
            )
            if other is not None:
                alternative = other | {
                    "cheaper": cost is not None and cost["monthly_usd"] <= other["monthly_usd"],
                }
        ranked = recommendation.ranked(top) if top else None
        reasons = sorted(ranked.reasons, key=lambda r: -abs(r.points))[:3] if ranked else []
        rows.append(
            {
                "name": workload["name"],
                "note": workload.get("note", ""),
                "alternative_key": workload.get("alternative"),
                "answers": dict(effective),
                "answer_labels": [
                    f"{prompt(knowledge, key)} {answer_label(knowledge.question(key), value)}"
                    for key, value in effective.items()
                ],
                "approach": top,
                "approach_label": approach.label if approach else "No approach fits",
                "close_call": recommendation.close_call,
                "reasons": [{"text": r.text, "points": json_number(r.points)} for r in reasons],
                "path": flowchart_path(effective),
                "cost": cost,
                "alternative": alternative,
            }
        )
    used = sorted({row["approach"] for row in rows if row["approach"]})
    return {
        "kind": "plan",
        "ruleset_version": knowledge.version,
        "workloads": rows,
        "hybrid": len(used) > 1,
        "approaches": used,
        "total_monthly_usd": round(total, 2),
        "total_complete": complete_cost,
        "input_tokens": assumptions.input_tokens,
        "output_tokens": assumptions.output_tokens,
    }


def routing_policy(plan: Mapping[str, Any]) -> dict[str, Any]:
    """The plan as rules an automation tool (n8n, Make, Zapier) can follow per task."""
    return {
        "format": "sourcing-advisor-routing-policy",
        "format_version": 1,
        "ruleset_version": plan["ruleset_version"],
        "routes": [
            {
                "task": row["name"],
                "route_to": row["approach"],
                "route_label": row["approach_label"],
                "model": (row["cost"] or {}).get("option_label"),
                "when": row["answers"],
                "why": [reason["text"] for reason in row["reasons"]],
            }
            for row in plan["workloads"]
        ],
        "default": "closed_api",
        "notes": "Send each task to its route; review this policy when prices or models change.",
    }
