"""What a saved report is: its kind, the inputs that made it, and the snapshot built from them.

A report keeps its ``inputs`` as given (answers and weights with the cost assumptions, or
the plan's workloads), hidden answers included, and the ``snapshot`` the advice built from
them. Re-running a report builds a new snapshot from the same inputs with today's knowledge;
the old snapshot is never read back as input.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from advisor.advice import pricing
from advisor.advice.inputs import usable_answers, usable_weights, usable_workloads
from advisor.advice.result import build_result
from advisor.knowledge.ruleset import Knowledge

RESULT = "result"
PLAN = "plan"
KINDS = (RESULT, PLAN)


def result_inputs(
    answers: Mapping[str, Any],
    weights: Mapping[str, Any],
    assumptions: pricing.Assumptions | None = None,
) -> dict[str, Any]:
    return {
        "answers": dict(answers),
        "weights": dict(weights),
        "assumptions": assumptions.to_dict() if assumptions else None,
    }


def plan_inputs(workloads: list[dict[str, Any]]) -> dict[str, Any]:
    return {"workloads": [dict(workload) for workload in workloads]}


def assumptions_of(inputs: Mapping[str, Any]) -> pricing.Assumptions | None:
    given = inputs.get("assumptions")
    if not isinstance(given, Mapping):
        return None
    try:
        return pricing.Assumptions(
            int(given["input_tokens"]),
            int(given["output_tokens"]),
            task_profile=given.get("task_profile"),
            min_tier=given.get("min_tier") or "standard",
            model=given.get("model"),
            profile=given.get("profile"),
        )
    except (KeyError, TypeError, ValueError):
        return None


def usable_inputs(knowledge: Knowledge, kind: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs today's knowledge still understands (a removed question's answer is left
    out, so a re-run asks nothing it cannot score)."""
    if kind == PLAN:
        return plan_inputs(usable_workloads(knowledge, inputs.get("workloads")))
    return result_inputs(
        usable_answers(knowledge, inputs.get("answers") or {}),
        usable_weights(knowledge, inputs.get("weights") or {}),
        assumptions_of(inputs),
    )


def dropped_answers(knowledge: Knowledge, kind: str, inputs: Mapping[str, Any]) -> list[str]:
    """Keys of the answers today's knowledge no longer understands."""
    usable = usable_inputs(knowledge, kind, inputs)
    if kind == PLAN:
        given = [set(w.get("answers") or {}) for w in inputs.get("workloads") or []]
        kept = [set(w["answers"]) for w in usable["workloads"]]
        return sorted(set().union(*given) - set().union(*kept)) if given else []
    return sorted(set(inputs.get("answers") or {}) - set(usable["answers"]))


def build_snapshot(knowledge: Knowledge, kind: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The advice for a result's ``inputs`` (assumed usable), as a report keeps it. A plan's
    snapshot is the plan itself (``advisor.plan.building.build_plan``), which sits above
    the advice."""
    if kind == PLAN:
        raise ValueError("a plan's snapshot is built by advisor.plan.building.build_plan")
    return build_result(knowledge, inputs["answers"], inputs["weights"], assumptions_of(inputs))
