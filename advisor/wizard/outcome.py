"""The full result for a set of answers, as plain JSON-able data.

The wizard's result page renders it directly, and a saved report stores it as its immutable
snapshot: everything a reader needs (the questions as worded, answers, ranking, reasons,
caveats, comparison, next steps) is copied in, so later edits to the knowledge never change
a saved report.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from advisor import engine
from advisor.engine.comparison import resolved_weights
from advisor.engine.results import json_number
from advisor.knowledge.pricebook import cost_analysis
from advisor.knowledge.ruleset import Knowledge

OUTCOME_CACHE_SECONDS = 60 * 60


def outcome_key(
    knowledge: Knowledge, answers: Mapping[str, Any], weights: Mapping[str, Any]
) -> str:
    """Identifies an outcome: it depends only on the knowledge version, the answers, the
    weights and the date (price staleness)."""
    inputs = json.dumps(
        [knowledge.version, answers, weights, timezone.now().date().isoformat()],
        sort_keys=True,
    )
    return "outcome:" + hashlib.sha256(inputs.encode()).hexdigest()


def cached_outcome(
    knowledge: Knowledge, answers: Mapping[str, Any], weights: Mapping[str, Any]
) -> tuple[str, dict[str, Any]]:
    """``(outcome_key, build_outcome(...))``, remembered for equal inputs, so people who
    reload or come back to a result reuse it (and its rendered page, see result.html)."""
    key = outcome_key(knowledge, answers, weights)
    outcome = cache.get(key)
    if outcome is None:
        outcome = build_outcome(knowledge, answers, weights)
        cache.set(key, outcome, OUTCOME_CACHE_SECONDS)
    return key, outcome


def build_outcome(
    knowledge: Knowledge, answers: Mapping[str, Any], weights: Mapping[str, Any]
) -> dict[str, Any]:
    ruleset = knowledge.ruleset
    recommendation = engine.recommend(ruleset, answers)
    effective = recommendation.answers
    questions = {q.key: q for q in knowledge.questions}

    def answer_label(key: str, value: Any) -> str:
        question = questions[key]
        if question.kind == "number":
            unit = f" {question.unit}" if question.unit else ""
            return f"{value:,}{unit}"
        return question.option_label(value)

    def approach_label(key: str | None) -> str:
        approach = knowledge.approach(key)
        return approach.label if approach else ""

    def approach_summary(key: str) -> str:
        approach = knowledge.approach(key)
        return approach.summary if approach else ""

    def reason(r: engine.Reason) -> dict[str, Any]:
        return {
            "text": r.text,
            "points": json_number(r.points),
            "effect": r.effect,
            "because": [
                {
                    "key": key,
                    "question": questions[key].prompt,
                    "answer": answer_label(key, effective[key]),
                }
                for key in r.questions
                if key in effective
            ],
        }

    top = knowledge.approach(recommendation.top)
    runner_up = recommendation.runner_up
    comparison = engine.compare(ruleset, weights, recommendation.top, runner_up)
    dimensions = {d.key: d for d in knowledge.dimensions}
    changes = engine.what_would_change(ruleset, answers)
    catalogue = knowledge.catalogue

    volume = effective.get("requests_per_day")
    cost = (
        cost_analysis(
            knowledge.prices,
            requests_per_day=volume,
            approach=recommendation.top,
            mission_critical=effective.get("uptime") == "mission_critical",
        )
        if isinstance(volume, int)
        else None
    )

    return {
        "ruleset_version": knowledge.version,
        "costs": cost,
        "answers": [
            {
                "key": q.key,
                "question": q.prompt,
                "value": effective.get(q.key),
                "answer": answer_label(q.key, effective[q.key]) if q.key in effective else None,
            }
            for q in knowledge.questions
            if q.key in effective or q.key in answers or not q.show_if_question
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
        "runner_up": {"key": runner_up, "label": approach_label(runner_up)} if runner_up else None,
        "ranking": [
            {
                "approach": ranked.approach,
                "label": ranked.label,
                "summary": approach_summary(ranked.approach),
                "score": json_number(ranked.score),
                "excluded": ranked.excluded,
                "reasons": [reason(r) for r in ranked.reasons],
            }
            for ranked in recommendation.ranking
        ],
        "caveats": [reason(c) for c in recommendation.caveats],
        "changes": [
            {
                "question": questions[change.question].prompt,
                "answer": answer_label(change.question, change.answer),
                "new_top": change.new_top,
                "new_top_label": approach_label(change.new_top),
            }
            for change in changes
        ],
        "comparison": {
            "approaches": [
                {"key": key, "label": approach_label(key)}
                for key in (recommendation.top, runner_up)
                if key
            ],
            "rows": [
                {
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
            for path in catalogue.paths_for(recommendation.top or "")
        ],
    }
