"""The full result for one set of answers, as plain JSON-able data.

The wizard's result page, the admin's try-it page and the API read it; a saved report keeps
it as its immutable snapshot. Everything a reader needs (the questions as worded, answers,
ranking, reasons, caveats, comparison, next steps, costs with their prices and dates) is
copied in, so later edits to the knowledge never change a saved report.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from advisor import engine
from advisor.advice import analysis, pricing
from advisor.advice.inputs import answer_label, approach_label, prompt
from advisor.engine.comparison import resolved_weights
from advisor.engine.results import json_number
from advisor.knowledge.ruleset import Knowledge

RESULT_CACHE_SECONDS = 60 * 60
EXCLUDING_EFFECTS = frozenset({"exclude", "require"})


def result_key(
    knowledge: Knowledge,
    answers: Mapping[str, Any],
    weights: Mapping[str, Any],
    assumptions: pricing.Assumptions | None = None,
    *,
    with_analysis: bool = True,
) -> str:
    """Identifies a result: it depends only on the knowledge version, the inputs and the date
    (price staleness)."""
    inputs = json.dumps(
        [
            knowledge.version,
            answers,
            weights,
            assumptions.to_dict() if assumptions else None,
            timezone.now().date().isoformat(),
            with_analysis,
        ],
        sort_keys=True,
    )
    return "result:" + hashlib.sha256(inputs.encode()).hexdigest()


def cached_result(
    knowledge: Knowledge,
    answers: Mapping[str, Any],
    weights: Mapping[str, Any],
    assumptions: pricing.Assumptions | None = None,
    *,
    with_analysis: bool = True,
) -> tuple[str, dict[str, Any]]:
    """``(result_key, build_result(...))``, remembered for equal inputs, so people who reload
    or come back to a result (or an API client asking again) reuse it. Invalid answers raise
    ``engine.InvalidAnswers`` before anything is remembered."""
    key = result_key(knowledge, answers, weights, assumptions, with_analysis=with_analysis)
    result = cache.get(key)
    if result is None:
        result = build_result(knowledge, answers, weights, assumptions, with_analysis=with_analysis)
        cache.set(key, result, RESULT_CACHE_SECONDS)
    return key, result


def build_result(
    knowledge: Knowledge,
    answers: Mapping[str, Any],
    weights: Mapping[str, Any],
    assumptions: pricing.Assumptions | None = None,
    *,
    today: datetime.date | None = None,
    with_analysis: bool = True,
) -> dict[str, Any]:
    """Rank, explain, compare and price; raises ``engine.InvalidAnswers`` for bad answers.

    The engine ranks twice: once to know which approaches the answers allow, then with every
    approach's monthly cost at the answered volume, so the cost rules speak from the same
    figures the cost table shows. ``with_analysis=False`` leaves out the chart, break-even
    and sensitivity figures (the API has no chart to draw); every other figure is the same.
    """
    ruleset = knowledge.ruleset
    book = knowledge.prices
    assumptions = assumptions or pricing.default_assumptions(book)
    today = today or timezone.now().date()
    recommendation, costs_for = rank(knowledge, answers, assumptions, today)
    effective = recommendation.answers

    def because(keys: tuple[str, ...]) -> list[dict[str, Any]]:
        return [
            {
                "key": key,
                "question": prompt(knowledge, key),
                "answer": answer_label(knowledge.question(key), effective[key]),
            }
            for key in keys
            if key in effective
        ]

    def reason(r: engine.Reason) -> dict[str, Any]:
        return {
            "text": r.text,
            "points": json_number(r.points),
            "effect": r.effect,
            "basis": r.basis,
            "rule_id": r.rule_id,
            "questions": list(r.questions),
            "because": because(r.questions),
        }

    top = knowledge.approach(recommendation.top)
    runner_up = recommendation.runner_up
    comparison = engine.compare(ruleset, weights, recommendation.top, runner_up)
    dimensions = {d.key: d for d in knowledge.dimensions}
    changes = engine.what_would_change(ruleset, answers, costs_for)
    ranking = [
        {
            "approach": ranked.approach,
            "label": ranked.label,
            "summary": _summary(knowledge, ranked.approach),
            # An excluded approach is out whatever its points: only why it is out is shown.
            "score": None if ranked.excluded else json_number(ranked.score),
            "excluded": ranked.excluded,
            "reasons": [
                reason(r)
                for r in ranked.reasons
                if not ranked.excluded or r.effect in EXCLUDING_EFFECTS
            ],
        }
        for ranked in recommendation.ranking
    ]
    costs = pricing.cost_table(
        book,
        [(ranked.approach, ranked.excluded) for ranked in recommendation.ranking],
        effective,
        assumptions,
        today=today,
    )
    if costs is not None and with_analysis:
        costs["analysis"] = analysis.cost_analysis(
            book,
            recommendation.top,
            {ranked.approach: not ranked.excluded for ranked in recommendation.ranking},
            costs["approaches"],
            effective,
            assumptions,
            today=today,
            approach_labels={a.key: a.label for a in knowledge.approaches},
        )

    return {
        "kind": "result",
        "ruleset_version": knowledge.version,
        "computed_on": today.isoformat(),
        "answers": [
            {
                "key": q.key,
                "question": q.prompt,
                "value": effective.get(q.key),
                "answer": answer_label(q, effective[q.key]) if q.key in effective else None,
            }
            for q in knowledge.questions
            if q.key in effective or q.key in answers or not q.show_if_question
        ],
        "ignored": [
            {
                "key": key,
                "question": prompt(knowledge, key),
                "answer": answer_label(knowledge.question(key), value),
            }
            for key, value in answers.items()
            if value is not None and key not in effective
        ],
        "weights": resolved_weights(ruleset, weights),
        "top": (
            {
                "key": top.key,
                "label": top.label,
                "summary": top.summary,
                "description": top.description,
                "strengths": list(top.strengths),
                "risks": list(top.risks),
            }
            if top
            else None
        ),
        "close_call": recommendation.close_call,
        "runner_up": (
            {"key": runner_up, "label": approach_label(knowledge, runner_up)} if runner_up else None
        ),
        "ranking": ranking,
        "caveats": [reason(c) for c in recommendation.caveats],
        "changes": [
            {
                "key": change.question,
                "question": prompt(knowledge, change.question),
                "value": change.answer,
                "answer": answer_label(knowledge.question(change.question), change.answer),
                "new_top": change.new_top,
                "new_top_label": approach_label(knowledge, change.new_top),
            }
            for change in changes
        ],
        "comparison": {
            "approaches": [
                {"key": key, "label": approach_label(knowledge, key)}
                for key in (recommendation.top, runner_up)
                if key
            ],
            "rows": [
                {
                    "key": row.dimension,
                    "label": row.label,
                    "closed_view": dimensions[row.dimension].closed_view,
                    "open_view": dimensions[row.dimension].open_view,
                    "weight": row.weight,
                    "ratings": [rating for _, rating in row.ratings],
                    "decisive": row.decisive,
                }
                for row in comparison.rows
            ],
            "totals": [total for _, total in comparison.totals],
        },
        "next_steps": [
            {
                "kind": path.kind_label,
                "title": path.title,
                "description": path.description,
                "steps": list(path.steps),
                "commands": list(path.commands),
            }
            for path in knowledge.catalogue.paths_for(recommendation.top or "")
        ],
        "costs": costs,
    }


def rank(
    knowledge: Knowledge,
    answers: Mapping[str, Any],
    assumptions: pricing.Assumptions,
    today: datetime.date,
) -> tuple[engine.Recommendation, engine.CostsFor]:
    """The engine's ranking with the cost rules fed the priced figures (raises
    ``engine.InvalidAnswers``), and the pricing function it used, for "what would change"."""
    costs_for = _costs_for(knowledge, assumptions, today)
    effective = engine.recommend(knowledge.ruleset, answers).answers
    return engine.recommend(knowledge.ruleset, answers, costs_for(effective)), costs_for


def leaning(knowledge: Knowledge, answers: Mapping[str, Any]) -> dict[str, Any] | None:
    """What the answers so far point to, for the wizard's side panel."""
    if not answers:
        return None
    recommendation = engine.recommend(knowledge.ruleset, answers)
    top = knowledge.approach(recommendation.top)
    if top is None:
        return None
    ranked = recommendation.ranked(top.key)
    strongest = max(ranked.reasons, key=lambda r: r.points, default=None)
    return {
        "label": top.label,
        "summary": top.summary,
        "close_call": recommendation.close_call,
        "runner_up": approach_label(knowledge, recommendation.runner_up) or None,
        "because": strongest.text if strongest else "",
    }


def _summary(knowledge: Knowledge, key: str) -> str:
    approach = knowledge.approach(key)
    return approach.summary if approach else ""


#: The answers a price depends on; trial answers that agree on these share one pricing.
PRICED_BY = ("requests_per_day", "uptime", "data_sensitivity", "frontier_capability")


def _costs_for(
    knowledge: Knowledge, assumptions: pricing.Assumptions, today: datetime.date
) -> engine.CostsFor:
    """Prices every approach for a set of (clean, visible) answers, for the engine's cost
    rules; remembered per answers that change a price, as "what would change this" asks
    for many nearly equal answer sets."""
    ruleset = knowledge.ruleset
    keys = tuple(approach.key for approach in knowledge.approaches)
    memo: dict[tuple[object, ...], dict[str, float] | None] = {}

    def costs_for(answers: Mapping[str, Any]) -> dict[str, float] | None:
        if not isinstance(answers.get("requests_per_day"), int):
            return None
        ranked = engine.recommend(ruleset, answers).ranking
        allowed = {r.approach: not r.excluded for r in ranked}
        memo_key = (
            *(answers.get(key) for key in PRICED_BY),
            tuple(sorted(allowed.items())),
        )
        if memo_key not in memo:
            memo[memo_key] = pricing.monthly_costs(
                knowledge.prices, keys, answers, assumptions, allowed, today=today
            )
        return memo[memo_key]

    return costs_for
