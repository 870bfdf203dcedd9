"""Immutable snapshot of a ruleset: the only input the engine reads besides the answers.

Everything the engine knows (questions, approaches, rules, dimensions) comes from here, so no
question or approach key is hard-coded anywhere in the engine. Constructing a ``Ruleset`` checks
that it is internally consistent (raising ``RulesetError``) and precomputes the lookup indexes
that make evaluation fast.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from advisor.engine.costrules import CostRule
from advisor.engine.index import RulesetIndex, build_index
from advisor.engine.integrity import RulesetError, check_ruleset

QuestionKind = Literal["choice", "number"]
Operator = Literal["is", "is_not", "gt", "gte", "lt", "lte"]
Effect = Literal["points", "exclude", "require", "caveat", "note"]

__all__ = [
    "Approach",
    "Condition",
    "CostRule",
    "Dimension",
    "Option",
    "Question",
    "Rule",
    "Ruleset",
    "RulesetError",
]


@dataclass(frozen=True, slots=True)
class Option:
    key: str
    label: str


@dataclass(frozen=True, slots=True)
class Question:
    """A question; with ``show_if_question`` set it only counts when that answer is allowed."""

    key: str
    prompt: str
    kind: QuestionKind
    options: tuple[Option, ...] = ()
    min_value: int | None = None
    max_value: int | None = None
    show_if_question: str | None = None
    show_if_options: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        # Accept any iterable from the loader but store immutable containers.
        object.__setattr__(self, "options", tuple(self.options))
        object.__setattr__(self, "show_if_options", frozenset(self.show_if_options))

    @property
    def option_keys(self) -> tuple[str, ...]:
        return tuple(option.key for option in self.options)


@dataclass(frozen=True, slots=True)
class Approach:
    key: str
    label: str


@dataclass(frozen=True, slots=True)
class Condition:
    """``is``/``is_not`` test a choice answer; the other operators test a number answer."""

    question: str
    operator: Operator
    option: str | None = None
    value: float | None = None

    def __post_init__(self) -> None:
        if self.value is not None:
            # The loader may hand over Decimal or int; comparisons want a float.
            object.__setattr__(self, "value", float(self.value))


@dataclass(frozen=True, slots=True)
class Rule:
    """Fires when all its conditions hold (a rule without conditions always fires)."""

    id: int
    effect: Effect
    conditions: tuple[Condition, ...]
    rationale: str
    approach: str | None = None
    points: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "conditions", tuple(self.conditions))
        object.__setattr__(self, "points", float(self.points))

    @property
    def questions(self) -> tuple[str, ...]:
        """Keys of the questions this rule tests, in condition order, without repeats."""
        return tuple(dict.fromkeys(condition.question for condition in self.conditions))


@dataclass(frozen=True, slots=True)
class Dimension:
    """How each approach rates (1..5) on one decision dimension, e.g. cost or control."""

    key: str
    label: str
    # Excluded from the hash (a mapping proxy is unhashable); equality still compares it.
    ratings: Mapping[str, int] = field(hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "ratings", MappingProxyType(dict(self.ratings)))

    def __reduce__(self) -> tuple[type[Dimension], tuple[str, str, dict[str, int]]]:
        # A mapping proxy cannot be pickled; rebuild from a plain dict instead.
        return (Dimension, (self.key, self.label, dict(self.ratings)))


@dataclass(frozen=True, slots=True)
class Ruleset:
    """A versioned, validated, indexed set of questions, approaches, rules and dimensions.

    The order of ``questions`` and ``approaches`` is significant: it is the display order and
    the tie-break order of the ranking.
    """

    version: int
    questions: tuple[Question, ...]
    approaches: tuple[Approach, ...]
    rules: tuple[Rule, ...]
    dimensions: tuple[Dimension, ...] = ()
    close_call_margin: float = 5.0
    #: Rules on the priced figures (see ``costrules``); they apply when costs are given.
    cost_rules: tuple[CostRule, ...] = ()
    index: RulesetIndex = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "questions", tuple(self.questions))
        object.__setattr__(self, "approaches", tuple(self.approaches))
        object.__setattr__(self, "rules", tuple(self.rules))
        object.__setattr__(self, "dimensions", tuple(self.dimensions))
        object.__setattr__(self, "cost_rules", tuple(self.cost_rules))
        check_ruleset(self)
        object.__setattr__(self, "close_call_margin", float(self.close_call_margin))
        object.__setattr__(self, "index", build_index(self))

    def __reduce__(self) -> tuple[type[Ruleset], tuple[object, ...]]:
        # Pickle only the data; the index (full of mapping proxies) is rebuilt on load.
        return (
            Ruleset,
            (
                self.version,
                self.questions,
                self.approaches,
                self.rules,
                self.dimensions,
                self.close_call_margin,
                self.cost_rules,
            ),
        )

    def question(self, key: str) -> Question:
        """The question with this key (``KeyError`` if unknown)."""
        return self.index.questions[key]

    def approach(self, key: str) -> Approach:
        """The approach with this key (``KeyError`` if unknown)."""
        return self.approaches[self.index.approach_positions[key]]

    def dimension(self, key: str) -> Dimension:
        """The dimension with this key (``KeyError`` if unknown)."""
        return self.index.dimensions[key]
