"""The product's output: what a recommendation IS, in one place.

Plain package (not a Django app), like healthchecks' ``hc/lib`` beside its apps. The wizard,
reports, the API and the admin's try-it page call it; none of them computes a score, a price
or a plan itself. Data flows one way: knowledge (DB) -> snapshot -> engine -> advice ->
wizard result / report snapshot / API response.

- ``inputs``: answers, weights and workloads the knowledge understands; answer labels.
- ``pricing``: which offering or self-hosting profile each approach uses, and its cost.
- ``result``: the ranked, explained, priced result for one set of answers; the "leaning".
- ``snapshot``: a report's kind, its inputs, and the snapshot built from them.
- ``charts``: the cost chart, drawn from a result's figures when a page shows it.
- ``summary``: the executive summary of a result or plan, from its outcome alone.
"""

from __future__ import annotations

from advisor.advice.inputs import (
    answer_label,
    answer_text,
    usable_answers,
    usable_weights,
    usable_workloads,
)
from advisor.advice.pricing import (
    Assumptions,
    InvalidAssumptions,
    approach_cost,
    assumptions_from,
    default_assumptions,
)
from advisor.advice.result import build_result, cached_result, leaning
from advisor.advice.snapshot import (
    PLAN,
    RESULT,
    build_snapshot,
    dropped_answers,
    plan_inputs,
    result_inputs,
    usable_inputs,
)

__all__ = [
    "PLAN",
    "RESULT",
    "Assumptions",
    "InvalidAssumptions",
    "answer_label",
    "answer_text",
    "approach_cost",
    "assumptions_from",
    "build_result",
    "build_snapshot",
    "cached_result",
    "default_assumptions",
    "dropped_answers",
    "leaning",
    "plan_inputs",
    "result_inputs",
    "usable_answers",
    "usable_inputs",
    "usable_weights",
    "usable_workloads",
]
