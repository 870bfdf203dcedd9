"""The hybrid routing plan: each workload routed by the engine, priced by the same rule as a
single result, and placed on the guide's routing flowchart."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils import timezone

from advisor.advice import pricing
from advisor.advice.inputs import answer_label, approach_label, prompt
from advisor.advice.inputs import because as answered_because
from advisor.advice.obligations import obligations_for
from advisor.advice.result import build_result, rank
from advisor.advice.split import hybrid_split, hybrid_workloads
from advisor.engine.results import json_number
from advisor.knowledge.ruleset import Knowledge
from advisor.plan.gateways import fallbacks_for, one_line, targets_for, workload_slug
from advisor.plan.platform import shared_platforms

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


#: Questions a plan answers once for every workload: a workload is one task by definition.
PER_WORKLOAD_FIXED = {"workload_mix": "single_task"}


def workload_answers(knowledge: Knowledge, answers: Mapping[str, Any]) -> dict[str, Any]:
    """A workload's answers with the ones fixed for every workload of a plan (where the
    knowledge still has that question and option)."""
    found = dict(answers)
    for key, option in PER_WORKLOAD_FIXED.items():
        question = knowledge.question(key)
        if question is not None and any(o.key == option for o in question.options):
            found[key] = option
    return found


def build_plan(knowledge: Knowledge, workloads: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Route every workload; JSON-able, so a report can keep it as its snapshot.

    Closed and hosted workloads are priced one by one; workloads routed to the same
    self-hosted approach share one deployment (``platform.shared_platforms``) and each pays
    its share. Each workload also gets its gateway targets and the plan its fallbacks
    (``gateways``), so the exports can be rendered from the plan alone.
    """
    book = knowledge.prices
    assumptions = pricing.default_assumptions(book)
    today = timezone.now().date()
    rows = []
    alone: list[dict[str, Any] | None] = []
    members: dict[str, list[tuple[int, Mapping[str, Any], Mapping[str, Any] | None]]] = {}
    for index, workload in enumerate(workloads):
        answers = workload_answers(knowledge, workload.get("answers", {}))
        recommendation, _ = rank(knowledge, answers, assumptions, today, unpriced=("hybrid",))
        effective = recommendation.answers
        top = recommendation.top
        approach = knowledge.approach(top)
        allowed = {r.approach: not r.excluded for r in recommendation.ranking}
        split = hybrid_split(knowledge, effective, assumptions, today) if top else None
        cost = (
            pricing.approach_cost(
                book, top, effective, assumptions, allowed=allowed, today=today, split=split
            )
            if top
            else None
        )
        alone.append(cost)
        if top in pricing.SELF_HOSTED_APPROACHES:
            members.setdefault(top, []).append((index, effective, cost))
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
                # One line, whatever was typed: names end up in gateway configs.
                "name": one_line(workload["name"]) or f"Workload {index + 1}",
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
                "reasons": [
                    {"text": r.text, "points": json_number(r.points), "basis": r.basis}
                    for r in reasons
                ],
                "caveats": [c.text for c in recommendation.caveats],
                **_obligations(knowledge, effective, top, today),
                "path": flowchart_path(effective),
                "cost": _public(cost),
                "alternative": alternative,
                "tier": pricing.needed_tier(effective, assumptions),
            }
        )
        # Which option a workload without a volume would use, for its gateway target only.
        if cost is None and top:
            alone[-1] = pricing.approach_cost(
                book, top, effective, assumptions, today=today, volume=1, split=split
            )
    platforms = shared_platforms(book, members, assumptions, today)
    for shared in platforms:
        for member in shared["workloads"]:
            row = rows[member["index"]]
            member["name"] = row["name"]
            if row["cost"] is None or member["share_usd"] is None:
                continue
            row["cost"] = _share_of(row["cost"], shared, member)
            # The engine priced the workload on its own: say so beside its share.
            for reason in row["reasons"]:
                if reason.get("basis") == "cost":
                    reason["text"] = (
                        f"On its own: {reason['text']} On the shared platform its share is "
                        f"${row['cost']['monthly_usd']:,.2f} a month."
                    )
        shared.pop("exact_usd", None)
    total = sum(row["cost"]["monthly_usd"] for row in rows if row["cost"] is not None)
    taken: set[str] = set()
    for index, (row, cost) in enumerate(zip(rows, alone, strict=True)):
        row["slug"] = workload_slug(row["name"], taken)
        chosen = _chosen_option(index, row, cost, platforms)
        row["targets"] = targets_for(
            book,
            row["slug"],
            row["answers"],
            row["tier"],
            chosen,
            row["cost"]["monthly_usd"] if row["cost"] else None,
            row["restricted_approaches"],
        )
    targets = [target for row in rows for target in row["targets"]]
    used = sorted({row["approach"] for row in rows if row["approach"]})
    savings = [p["saving_monthly_usd"] for p in platforms if p["saving_monthly_usd"] is not None]
    return {
        "kind": "plan",
        "ruleset_version": knowledge.version,
        "workloads": rows,
        "hybrid": len(used) > 1,
        "approaches": used,
        "platforms": platforms,
        "shared_saving_monthly_usd": round(sum(savings), 2) if savings else None,
        "total_monthly_usd": round(total, 2),
        "total_complete": all(row["cost"] is not None for row in rows),
        "input_tokens": assumptions.input_tokens,
        "output_tokens": assumptions.output_tokens,
        "fallbacks": fallbacks_for(targets),
        "prices_as_of": min((t["prices_as_of"] for t in targets), default=None),
        "computed_on": today.isoformat(),
    }


def _obligations(
    knowledge: Knowledge, answers: Mapping[str, Any], top: str | None, today: Any
) -> dict[str, Any]:
    """The obligations a workload's answers trigger (what its route must meet), and the
    approaches an obligation in force blocks or conditions for it: its fallbacks avoid them."""

    def because(keys: tuple[str, ...]) -> list[dict[str, Any]]:
        return answered_because(knowledge, answers, keys)

    found = obligations_for(
        knowledge.regulation,
        answers,
        [a.key for a in knowledge.approaches],
        (top,),
        today=today,
        stale_after_days=knowledge.prices.stale_after_days,
        label=lambda key: approach_label(knowledge, key),
        because=because,
    )
    restricted = sorted(
        {
            approach
            for obligation in found
            if obligation["in_effect"] and obligation["status"] == "in_force"
            for approach, effect in obligation["effect"].items()
            if effect != "allowed" and approach != top
        }
    )
    return {
        "obligations": [
            {
                "key": obligation["key"],
                "title": obligation["title"],
                "law": obligation["law"],
                "article": obligation["article"],
                "url": obligation["url"],
                "status_label": obligation["status_label"],
                "in_effect": obligation["in_effect"],
                "applies_from": obligation["applies_from"],
                "for_route": obligation["for_shown"][0] if obligation["for_shown"] else None,
            }
            for obligation in found
        ],
        "restricted_approaches": restricted,
    }


def _public(cost: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if cost is None:
        return None
    return {key: value for key, value in cost.items() if key not in {"exact_usd", "base_usd"}}


def _share_of(
    cost: Mapping[str, Any], shared: Mapping[str, Any], member: Mapping[str, Any]
) -> dict[str, Any]:
    """A workload's cost as its share of the shared platform."""
    volume = shared["requests_per_day"] or 0
    percent = round(100 * (member["requests_per_day"] or 0) / volume) if volume else 0
    return {
        **cost,
        "monthly_usd": member["share_usd"],
        "separate_monthly_usd": cost["monthly_usd"],
        "shared_platform": shared["approach"],
        "option": shared["option"],
        "option_label": shared["option_label"],
        "deployment": shared["deployment"],
        "replicas": shared["replicas"],
        "gpus": shared["gpus"],
        "gpu_type": shared["gpu_type"],
        "gpu_busy_percent": shared["gpu_busy_percent"],
        "breakdown": [
            {
                "item": f"Its share of the {shared['name'].lower()} ({percent} % of the "
                f"platform's {volume:,} requests a day)",
                "monthly_usd": member["share_usd"],
            }
        ],
        "prices_as_of": shared["prices_as_of"],
    }


def _chosen_option(
    index: int,
    row: Mapping[str, Any],
    alone: Mapping[str, Any] | None,
    platforms: Sequence[Mapping[str, Any]],
) -> Mapping[str, Any] | None:
    """The priced option a workload's gateway target uses: its shared platform's, if any."""
    for shared in platforms:
        on_it = any(member["index"] == index for member in shared["workloads"])
        if on_it and shared.get("option"):
            return {"approach": shared["approach"], "option": shared["option"], "kind": "profile"}
    return alone


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
                # Added with the gateway exports: what a gateway calls, and where it may go.
                "targets": [
                    {
                        "model_name": target["model_name"],
                        "model_id": target["model"],
                        "api_base": target.get("api_base"),
                        "api_key_env": target.get("api_key_env"),
                        "data_class": target["data_class"],
                        "fallbacks": (plan.get("fallbacks") or {}).get(target["model_name"], []),
                    }
                    for target in row.get("targets") or []
                ],
            }
            for row in plan["workloads"]
        ],
        "default": "closed_api",
        "notes": "Send each task to its route; review this policy when prices or models change.",
    }


def plan_from_hybrid(knowledge: Knowledge, answers: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A hybrid result's two parts as plan workloads. The plan routes each workload on its
    own; where that picks another option than the result priced for the part, the result's
    offering stays with the workload as its alternative, so the plan shows both figures
    instead of silently disagreeing with the result."""
    workloads = hybrid_workloads(knowledge, answers)
    if not workloads:
        return []
    outcome = build_result(knowledge, answers, {}, with_analysis=False)
    priced = {part["name"]: part.get("option") for part in (outcome["plan"] or {}).get("parts", [])}
    for workload, row in zip(workloads, build_plan(knowledge, workloads)["workloads"], strict=True):
        option = priced.get(workload["name"])
        chosen = (row.get("cost") or {}).get("option")
        if option and option != chosen and knowledge.prices.offering(option) is not None:
            workload["alternative"] = option
    return workloads
