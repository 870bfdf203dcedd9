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
from advisor.advice import analysis, pricing, shortlist
from advisor.advice.changes import worthwhile_changes
from advisor.advice.inputs import answer_label, approach_label, prompt
from advisor.advice.inputs import because as answered_because
from advisor.advice.obligations import DISCLAIMER, obligations_for
from advisor.advice.split import hybrid_split
from advisor.catalogue.snapshot import current_catalogue
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
    # No usable answer is no signal: every score rests on nothing, so nothing is advised.
    signal = bool(effective)
    top_key = recommendation.top if signal else None

    def because(keys: tuple[str, ...]) -> list[dict[str, Any]]:
        return answered_because(knowledge, effective, keys)

    def reason(r: engine.Reason) -> dict[str, Any]:
        return {
            "text": r.text,
            "points": json_number(r.points),
            "effect": r.effect,
            "basis": r.basis,
            "rule_id": r.rule_id,
            "key": knowledge.rule_keys.get(r.rule_id, "") if r.basis == "rule" else "",
            "approach": r.approach,
            "questions": list(r.questions),
            "because": because(r.questions),
        }

    top = knowledge.approach(top_key)
    runner_up = recommendation.runner_up if signal else None
    comparison = engine.compare(ruleset, weights, top_key, runner_up)
    dimensions = {d.key: d for d in knowledge.dimensions}
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
    allowed = {ranked.approach: not ranked.excluded for ranked in recommendation.ranking}
    split = hybrid_split(knowledge, effective, assumptions, today)
    costs = pricing.cost_table(
        book,
        [(ranked.approach, ranked.excluded) for ranked in recommendation.ranking],
        effective,
        assumptions,
        today=today,
        split=split,
    )
    if costs is not None and with_analysis:
        costs["analysis"] = analysis.cost_analysis(
            book,
            top_key,
            allowed,
            costs["approaches"],
            effective,
            assumptions,
            today=today,
            approach_labels={a.key: a.label for a in knowledge.approaches},
            split=split,
        )
    self_hosting = (costs or {}).get("analysis", {}) or {}
    changes = (
        worthwhile_changes(
            knowledge,
            answers,
            recommendation,
            engine.what_would_change(ruleset, answers, costs_for),
            costs_for,
            self_hosting.get("self_hosting")
            if with_analysis
            else analysis.self_hosting_break_even(book, allowed, effective, assumptions, today),
        )
        if signal
        else []
    )
    caveats = [reason(c) for c in recommendation.caveats]
    ignored = [
        {
            "key": key,
            "question": prompt(knowledge, key),
            "answer": answer_label(knowledge.question(key), value),
        }
        for key, value in answers.items()
        if value is not None and key not in effective
    ]
    if ignored:
        caveats.append(_not_counted(knowledge, ignored))
    shown = {top_key, runner_up}
    obligations = (
        obligations_for(
            knowledge.regulation,
            effective,
            [a.key for a in knowledge.approaches],
            (top_key, runner_up),
            today=today,
            stale_after_days=book.stale_after_days,
            label=lambda key: approach_label(knowledge, key),
            because=because,
        )
        if signal
        else []
    )
    notes = [reason(n) for n in recommendation.notes if n.approach is None or n.approach in shown]
    comparison_rows = [
        {
            "key": row.dimension,
            "label": row.label,
            "closed_view": dimensions[row.dimension].closed_view,
            "open_view": dimensions[row.dimension].open_view,
            "weight": row.weight,
            "ratings": [rating for _, rating in row.ratings],
            "favours": _favours(row.ratings, row.weight),
            "decisive": row.decisive,
        }
        for row in comparison.rows
    ]
    totals = [total for _, total in comparison.totals]

    return {
        "kind": "result",
        "ruleset_version": knowledge.version,
        "computed_on": today.isoformat(),
        "no_signal": not signal,
        "message": NO_SIGNAL_MESSAGE if not signal else "",
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
        "ignored": ignored,
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
        "close_call": recommendation.close_call and signal,
        # What would settle a close call: the nearest change that makes the runner-up top.
        "tie_breaker": next(
            (c["text"] for c in changes if runner_up and c["new_top"] == runner_up), ""
        ),
        "tie": _tie(recommendation) if signal else False,
        "runner_up": (
            {"key": runner_up, "label": approach_label(knowledge, runner_up)} if runner_up else None
        ),
        "ranking": ranking,
        "caveats": caveats,
        "notes": notes,
        "obligations": obligations,
        "compliance_disclaimer": DISCLAIMER if obligations else "",
        "changes": changes,
        "comparison": {
            "approaches": [
                {"key": key, "label": approach_label(knowledge, key)}
                for key in (top_key, runner_up)
                if key
            ],
            "rows": comparison_rows,
            "totals": totals,
            "weights_favour": (runner_up if len(totals) > 1 and totals[1] > totals[0] else None),
        },
        "next_steps": [
            {
                "kind": path.kind_label,
                "title": path.title,
                "description": path.description,
                "steps": list(path.steps),
                "commands": list(path.commands),
            }
            for path in knowledge.catalogue.paths_for(top_key or "")
        ],
        "costs": costs,
        "plan": _plan(knowledge, costs, split) if top_key == "hybrid" else None,
        "shortlist": shortlist.for_result(
            current_catalogue(knowledge.version),
            book,
            [(key, approach_label(knowledge, key)) for key in (top_key, runner_up) if key],
            effective,
            costs,
            assumptions,
            split,
            today,
        ),
    }


NO_SIGNAL_MESSAGE = (
    "Your answers give no signal yet: answer at least one question (what data the model will "
    "see decides most) and we will rank the approaches."
)


def _favours(ratings: tuple[tuple[str, int], ...], weight: int) -> str | None:
    """Which of the two compared approaches this row favours (None: a tie, or it does not
    matter to the user)."""
    if weight == 0 or len(ratings) < 2 or ratings[0][1] == ratings[1][1]:
        return None
    return ratings[0][0] if ratings[0][1] > ratings[1][1] else ratings[1][0]


def _tie(recommendation: engine.Recommendation) -> bool:
    eligible = [r for r in recommendation.ranking if not r.excluded]
    return len(eligible) > 1 and eligible[0].score == eligible[1].score


def _not_counted(knowledge: Knowledge, ignored: list[dict[str, Any]]) -> dict[str, Any]:
    """A caveat for answers left out because their question is not asked for the others."""
    names = "; ".join(f"“{item['question']}” ({item['answer']})" for item in ignored)
    return {
        "text": f"Not counted: {names}. That question is only asked for some answers to an "
        "earlier one (uptime only for production work), so it did not weigh in; change the "
        "earlier answer if it should.",
        "points": 0,
        "effect": "caveat",
        "basis": "answers",
        "rule_id": 0,
        "key": "answers-not-counted",
        "approach": None,
        "questions": [item["key"] for item in ignored],
        "because": [],
    }


def _plan(
    knowledge: Knowledge, costs: Mapping[str, Any] | None, split: pricing.HybridSplit
) -> dict[str, Any]:
    """The hybrid's plan: which kind of task goes where, and its combined cost."""
    row = next((r for r in (costs or {}).get("approaches", []) if r["approach"] == "hybrid"), None)
    parts = (row or {}).get("parts") or [
        {"name": pricing.PART_NAMES[side], "approach": approach}
        for side, approach in (("closed", split.closed), ("open", split.open))
        if approach
    ]
    return {
        "parts": [
            {**part, "approach_label": approach_label(knowledge, part["approach"])}
            for part in parts
        ],
        "monthly_usd": row["monthly_usd"] if row else None,
    }


def rank(
    knowledge: Knowledge,
    answers: Mapping[str, Any],
    assumptions: pricing.Assumptions,
    today: datetime.date,
    *,
    unpriced: tuple[str, ...] = (),
) -> tuple[engine.Recommendation, engine.CostsFor]:
    """The engine's ranking with the cost rules fed the priced figures (raises
    ``engine.InvalidAnswers``), and the pricing function it used, for "what would change".
    ``unpriced`` approaches are left out of the cost comparison (a plan's workload is one
    task: splitting it as a hybrid is no price for it to beat)."""
    costs_for = _costs_for(knowledge, assumptions, today)
    effective = engine.recommend(knowledge.ruleset, answers).answers
    costs = costs_for(effective)
    if costs is not None and unpriced:
        costs = {key: usd for key, usd in costs.items() if key not in unpriced}
    return engine.recommend(knowledge.ruleset, answers, costs), costs_for


def leaning(knowledge: Knowledge, answers: Mapping[str, Any]) -> dict[str, Any] | None:
    """What the answers so far point to, for the wizard's side panel."""
    if not answers:
        return None
    key = (
        "leaning:"
        + hashlib.sha256(
            json.dumps(
                [knowledge.version, answers, timezone.now().date().isoformat()], sort_keys=True
            ).encode()
        ).hexdigest()
    )
    cached = cache.get(key)
    if cached is None:
        cached = _leaning(knowledge, answers) or {}
        cache.set(key, cached, RESULT_CACHE_SECONDS)
    return cached or None


def _leaning(knowledge: Knowledge, answers: Mapping[str, Any]) -> dict[str, Any] | None:
    book = knowledge.prices
    recommendation, _ = rank(
        knowledge, answers, pricing.default_assumptions(book), timezone.now().date()
    )
    if not recommendation.answers:
        return None
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
        # The hybrid's split reads every answer, so the whole answer set is the key.
        memo_key = (tuple(sorted(answers.items())), tuple(sorted(allowed.items())))
        if memo_key not in memo:
            memo[memo_key] = pricing.monthly_costs(
                knowledge.prices,
                keys,
                answers,
                assumptions,
                allowed,
                today=today,
                split=hybrid_split(knowledge, answers, assumptions, today),
            )
        return memo[memo_key]

    return costs_for
