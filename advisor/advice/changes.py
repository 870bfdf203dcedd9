"""What would change the recommendation: the few changes that matter, nearest first, in words
a board member reads, with the money involved where costs decide.

The engine lists, per question, the nearest answer that flips the pick. Many of those are
changes no one would make: the new pick has nothing to do with the changed answer (another
approach merely inherits first place), or the flip is worth a few dollars a month. Only
changes whose new pick rests on the changed answer, and whose money is worth a decision,
are kept.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from advisor import engine
from advisor.advice.inputs import answer_label, approach_label, prompt
from advisor.knowledge.ruleset import Knowledge

MAX_CHANGES = 3
#: A different pick at another volume is worth saying only above this monthly difference.
MIN_MONTHLY_DIFFERENCE_USD = 100.0
MIN_RELATIVE_DIFFERENCE = 0.2


def _money(amount: float) -> str:
    return f"${amount:,.2f}"


def worthwhile_changes(
    knowledge: Knowledge,
    answers: Mapping[str, Any],
    recommendation: engine.Recommendation,
    changes: Sequence[engine.Change],
    costs_for: engine.CostsFor,
    self_hosting: Mapping[str, Any] | None,
) -> list[dict[str, Any]]:
    ruleset = knowledge.ruleset
    top = recommendation.top
    effective = recommendation.answers
    kept: list[tuple[float, dict[str, Any]]] = []
    for change in changes:
        if change.new_top is None or top is None:
            continue
        trial = {**answers, change.question: change.answer}
        trial_effective = engine.recommend(ruleset, trial).answers
        trial_costs = costs_for(trial_effective) or {}
        after = engine.recommend(ruleset, trial, trial_costs)
        if after.top != change.new_top:
            continue
        connected = any(
            change.question in reason.questions for reason in after.ranked(change.new_top).reasons
        )
        if not connected:
            continue  # the new pick does not rest on this answer: no one would change it for that
        new_cost = trial_costs.get(change.new_top)
        old_cost = trial_costs.get(top)
        current = effective.get(change.question)
        question = knowledge.question(change.question)
        if question is not None and question.kind == "number":
            if new_cost is not None and old_cost is not None:
                difference = abs(new_cost - old_cost)
                if difference < max(MIN_MONTHLY_DIFFERENCE_USD, MIN_RELATIVE_DIFFERENCE * old_cost):
                    continue  # a flip over a few dollars a month is not a decision
            distance = (
                abs(math.log10(max(int(change.answer), 1) / max(int(current), 1)))
                if isinstance(current, int)
                else 1.0
            )
        else:
            distance = 1.0
        label = answer_label(question, change.answer)
        text = (
            f"If your answer to “{prompt(knowledge, change.question)}” were “{label}”, "
            f"we would recommend {approach_label(knowledge, change.new_top)}"
        )
        if new_cost is not None and old_cost is not None:
            text += (
                f": about {_money(new_cost)} a month, against {_money(old_cost)} for "
                f"{approach_label(knowledge, top)} with that answer"
            )
        kept.append(
            (
                distance,
                {
                    "key": change.question,
                    "question": prompt(knowledge, change.question),
                    "value": change.answer,
                    "answer": label,
                    "new_top": change.new_top,
                    "new_top_label": approach_label(knowledge, change.new_top),
                    "monthly_usd": new_cost,
                    "monthly_usd_current_top": old_cost,
                    "basis": "rule",
                    "text": text + ".",
                },
            )
        )
    kept.sort(key=lambda pair: pair[0])
    result = [item for _, item in kept[:MAX_CHANGES]]
    if (
        self_hosting
        and self_hosting.get("requests_per_day")
        and top not in {"open_self_hosted", "open_fine_tuned"}
        and isinstance(effective.get("requests_per_day"), int)
        and self_hosting["requests_per_day"] > effective["requests_per_day"]
    ):
        volume = self_hosting["requests_per_day"]
        result.append(
            {
                "key": "requests_per_day",
                "question": prompt(knowledge, "requests_per_day"),
                "value": volume,
                "answer": answer_label(knowledge.question("requests_per_day"), volume),
                "new_top": None,
                "new_top_label": "",
                "monthly_usd": None,
                "monthly_usd_current_top": None,
                "basis": "cost",
                "text": f"From about {volume:,} requests a day, running your own GPUs "
                f"({self_hosting['profile_label']}) would cost no more than "
                f"{self_hosting['api_label']}, with these prices.",
            }
        )
    return result
