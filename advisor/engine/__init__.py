"""Recommendation engine: pure Python, no Django; everything it knows comes from a ``Ruleset``.

Typical use::

    recommendation = recommend(ruleset, answers)          # raises InvalidAnswers
    changes = what_would_change(ruleset, answers)
    table = compare(ruleset, weights, recommendation.top, recommendation.runner_up)
"""

from __future__ import annotations

from advisor.engine.comparison import (
    DEFAULT_WEIGHT,
    Comparison,
    ComparisonRow,
    InvalidWeights,
    compare,
    resolved_weights,
    validate_weights,
)
from advisor.engine.costrules import CostRule
from advisor.engine.counterfactual import Change, CostsFor, what_would_change
from advisor.engine.results import (
    RankedApproach,
    Reason,
    Recommendation,
    json_number,
)
from advisor.engine.scoring import recommend
from advisor.engine.snapshot import (
    Approach,
    Condition,
    Dimension,
    Option,
    Question,
    Rule,
    Ruleset,
    RulesetError,
)
from advisor.engine.validation import InvalidAnswers, clean_answers, validate_answers
from advisor.engine.visibility import visible_answers, visible_questions

__all__ = [
    "DEFAULT_WEIGHT",
    "Approach",
    "Change",
    "Comparison",
    "ComparisonRow",
    "Condition",
    "CostRule",
    "CostsFor",
    "Dimension",
    "InvalidAnswers",
    "InvalidWeights",
    "Option",
    "Question",
    "RankedApproach",
    "Reason",
    "Recommendation",
    "Rule",
    "Ruleset",
    "RulesetError",
    "clean_answers",
    "compare",
    "json_number",
    "recommend",
    "resolved_weights",
    "validate_answers",
    "validate_weights",
    "visible_answers",
    "visible_questions",
    "what_would_change",
]
