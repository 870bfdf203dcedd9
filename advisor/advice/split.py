"""How a hybrid divides one set of answers, following the guide: "closed source for general
tasks and open source for sensitive or high-volume tasks".

The general part is the user's answers without sensitive data (the tasks whose prompts carry
none); the bulk part is the answers as given, without the need for frontier capability (the
frontier work is what the general part is for). Each part is routed by the knowledge's own
rules, fed the prices of its own share of the volume, so a regulated bank's general drafting
may go to a closed API while its regulated work stays on its own GPUs, and a design studio's
routine work goes to an API host rather than a workstation it would have to run.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from advisor import engine
from advisor.advice import pricing
from advisor.advice.pricing import CLOSED_APPROACHES, OPEN_APPROACHES, HybridSplit
from advisor.knowledge.ruleset import Knowledge


def hybrid_split(
    knowledge: Knowledge,
    answers: Mapping[str, Any],
    assumptions: pricing.Assumptions | None = None,
    today: datetime.date | None = None,
) -> HybridSplit:
    """The closed and open approaches a hybrid uses for these (clean, visible) answers."""
    ruleset = knowledge.ruleset
    general = _with(ruleset, answers, data_sensitivity="non_sensitive", workload_mix="single_task")
    bulk = _with(ruleset, answers, workload_mix="single_task")
    if answers.get("frontier_capability") == "needed":
        bulk = _with(ruleset, bulk, frontier_capability="not_needed")
    assumptions = assumptions or pricing.default_assumptions(knowledge.prices)
    today = today or datetime.date.today()
    volumes = pricing.split_volumes(knowledge.prices, answers.get("requests_per_day"))
    closed, general_answers = _best(
        knowledge, general, CLOSED_APPROACHES, volumes[0], assumptions, today
    )
    open_, bulk_answers = _best(knowledge, bulk, OPEN_APPROACHES, volumes[1], assumptions, today)
    return HybridSplit(
        closed=closed, open=open_, general_answers=general_answers, bulk_answers=bulk_answers
    )


def _with(ruleset: engine.Ruleset, answers: Mapping[str, Any], **overrides: str) -> dict[str, Any]:
    """``answers`` with each override applied only where the knowledge still has that
    question and option: an editor may have removed either."""
    result = dict(answers)
    keys = {q.key: q.option_keys for q in ruleset.questions}
    for key, option in overrides.items():
        if option in keys.get(key, ()):
            result[key] = option
    return result


def _best(
    knowledge: Knowledge,
    answers: Mapping[str, Any],
    among: tuple[str, ...],
    volume: int | None,
    assumptions: pricing.Assumptions,
    today: datetime.date,
) -> tuple[str | None, Mapping[str, Any]]:
    """The best allowed approach of ``among`` for one part, with the cost rules comparing
    the part's own options at the part's volume, and the part's answers as the engine
    counts them."""
    plain = engine.recommend(knowledge.ruleset, answers)
    allowed = {r.approach: not r.excluded for r in plain.ranking if r.approach in among}
    ranking = plain.ranking
    if volume is not None:
        costs: dict[str, float] = {}
        for approach, ok in allowed.items():
            row = pricing.approach_cost(
                knowledge.prices,
                approach,
                plain.answers,
                assumptions,
                allowed=allowed,
                today=today,
                volume=volume,
            )
            if row is not None and ok:
                costs[approach] = row["monthly_usd"]
        ranking = engine.recommend(knowledge.ruleset, answers, costs).ranking
    best = next((r.approach for r in ranking if not r.excluded and r.approach in among), None)
    return best, plain.answers


def hybrid_workloads(knowledge: Knowledge, answers: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The hybrid's two parts as plan workloads (name and answers), each with its own share
    of the volume, so the plan page starts where the result's hybrid leaves off."""
    split = hybrid_split(knowledge, answers)
    volumes = pricing.split_volumes(knowledge.prices, answers.get("requests_per_day"))
    workloads = []
    for side, part_answers, volume in (
        ("closed", split.general_answers, volumes[0]),
        ("open", split.bulk_answers, volumes[1]),
    ):
        if getattr(split, side) is None:
            continue
        part = dict(part_answers)
        if volume is not None:
            part["requests_per_day"] = volume
        workloads.append({"name": pricing.PART_NAMES[side], "answers": part})
    return workloads
