"""The hybrid routing plan: each workload routed by the engine, costed, and placed on the
guide's routing flowchart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from advisor import costs, engine
from advisor.knowledge.pricebook import CLOSED_APPROACHES, PriceBook
from advisor.knowledge.ruleset import Knowledge

SELF_HOSTED_APPROACHES = frozenset({"open_self_hosted", "open_fine_tuned"})
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


def monthly_cost(
    book: PriceBook, approach: str | None, answers: Mapping[str, Any], offering_key: str | None
) -> dict[str, Any] | None:
    """What one workload costs a month on its approach, with the basis of the figure."""
    volume = answers.get("requests_per_day")
    if not isinstance(volume, int):
        return None
    workload = costs.Workload(volume, book.input_tokens, book.output_tokens)
    if approach in SELF_HOSTED_APPROACHES and offering_key is None:
        profile = book.profile(book.default_profile)
        if profile is None:
            return None
        options = costs.CostOptions(
            mission_critical=answers.get("uptime") == "mission_critical",
            fine_tuning_one_off_usd=book.fine_tuning_one_off_usd
            if approach == "open_fine_tuned"
            else 0,
        )
        try:
            total = costs.self_hosted_monthly_cost(workload, profile, options).total
        except costs.CapacityExceeded:
            return None
        return {"usd": float(costs.round_cents(total)), "basis": f"self-hosted: {profile.label}"}
    openness = "closed" if approach in CLOSED_APPROACHES or approach == "hybrid" else "open"
    offering = book.offering(offering_key or book.default_offerings.get(openness))
    if offering is None:
        return None
    total = costs.api_monthly_cost(workload, offering)
    return {"usd": float(costs.round_cents(total)), "basis": offering.label, "key": offering.key}


def build_plan(knowledge: Knowledge, workloads: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Route every workload; JSON-able, so a report can keep it as its snapshot."""
    book = knowledge.prices
    questions = {q.key: q for q in knowledge.questions}
    rows = []
    total = 0.0
    complete_cost = True
    for workload in workloads:
        answers = workload.get("answers", {})
        recommendation = engine.recommend(knowledge.ruleset, answers)
        top = recommendation.top
        approach = knowledge.approach(top)
        cost = monthly_cost(book, top, recommendation.answers, None)
        if cost is None:
            complete_cost = False
        else:
            total += cost["usd"]
        alternative = None
        if workload.get("alternative"):
            other = monthly_cost(book, None, recommendation.answers, workload["alternative"])
            if other is not None:
                alternative = other | {
                    "cheaper": cost is not None and cost["usd"] <= other["usd"],
                }
        ranked = recommendation.ranked(top) if top else None
        reasons = sorted(ranked.reasons, key=lambda r: -abs(r.points))[:3] if ranked else []
        rows.append(
            {
                "name": workload["name"],
                "note": workload.get("note", ""),
                "alternative_key": workload.get("alternative"),
                "answers": dict(recommendation.answers.items()),
                "answer_labels": [
                    f"{questions[k].prompt} {_label(questions[k], v)}"
                    for k, v in recommendation.answers.items()
                    if k in questions
                ],
                "approach": top,
                "approach_label": approach.label if approach else "No approach fits",
                "close_call": recommendation.close_call,
                "reasons": [{"text": r.text, "points": float(r.points)} for r in reasons],
                "path": flowchart_path(recommendation.answers),
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
        "input_tokens": book.input_tokens,
        "output_tokens": book.output_tokens,
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
                "model": (row["cost"] or {}).get("basis"),
                "when": row["answers"],
                "why": [reason["text"] for reason in row["reasons"]],
            }
            for row in plan["workloads"]
        ],
        "default": "closed_api",
        "notes": "Send each task to its route; review this policy when prices or models change.",
    }


def _label(question: Any, value: Any) -> str:
    if question.kind == "number":
        return f"{value:,} {question.unit}".strip()
    return question.option_label(value)


def workloads_of(plan: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The workloads a saved plan was built from, to build it again with today's rules."""
    return [
        {
            "name": row["name"],
            "note": row.get("note", ""),
            "answers": row["answers"],
            **({"alternative": row["alternative_key"]} if row.get("alternative_key") else {}),
        }
        for row in plan["workloads"]
    ]
