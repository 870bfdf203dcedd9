"""Small builders for engine tests: each fills in defaults so tests state only what matters."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

from advisor.engine import (
    Approach,
    Condition,
    CostRule,
    Dimension,
    Option,
    Question,
    Recommendation,
    Rule,
    Ruleset,
)

DEFAULT_APPROACHES = ("alpha", "beta", "gamma")


def choice(
    key: str,
    *options: str,
    show_if: tuple[str, Iterable[str]] | None = None,
) -> Question:
    """A choice question; ``options`` default to ``yes``/``no``."""
    keys = options or ("yes", "no")
    parent, allowed = show_if if show_if is not None else (None, ())
    return Question(
        key=key,
        prompt=f"{key}?",
        kind="choice",
        options=tuple(Option(option, option.title()) for option in keys),
        show_if_question=parent,
        show_if_options=frozenset(allowed),
    )


def number(
    key: str,
    min_value: int | None = 0,
    max_value: int | None = 1_000_000_000,
    show_if: tuple[str, Iterable[str]] | None = None,
) -> Question:
    parent, allowed = show_if if show_if is not None else (None, ())
    return Question(
        key=key,
        prompt=f"{key}?",
        kind="number",
        min_value=min_value,
        max_value=max_value,
        show_if_question=parent,
        show_if_options=frozenset(allowed),
    )


def is_(question: str, option: str) -> Condition:
    return Condition(question, "is", option=option)


def is_not(question: str, option: str) -> Condition:
    return Condition(question, "is_not", option=option)


def cmp(question: str, operator: str, value: float) -> Condition:
    return Condition(question, operator, value=value)  # type: ignore[arg-type]


def points(approach: str, amount: float, *conditions: Condition, rationale: str = "") -> Rule:
    text = rationale or f"{approach} {amount:+g}"
    return Rule(0, "points", conditions, text, approach=approach, points=amount)


def exclude(approach: str, *conditions: Condition, rationale: str = "") -> Rule:
    return Rule(0, "exclude", conditions, rationale or f"no {approach}", approach=approach)


def require(approach: str, *conditions: Condition, rationale: str = "") -> Rule:
    return Rule(0, "require", conditions, rationale or f"must {approach}", approach=approach)


def caveat(text: str, *conditions: Condition, approach: str | None = None) -> Rule:
    return Rule(0, "caveat", conditions, text, approach=approach)


def dimension(key: str, ratings: Mapping[str, int]) -> Dimension:
    return Dimension(key, key.title(), ratings)


def make_ruleset(
    questions: Iterable[Question] | None = None,
    rules: Iterable[Rule] = (),
    approaches: Iterable[str] = DEFAULT_APPROACHES,
    dimensions: Iterable[Dimension] = (),
    close_call_margin: float = 5.0,
    version: int = 1,
    cost_rules: Iterable[CostRule] = (),
) -> Ruleset:
    """A ruleset; rules built with id 0 are numbered 1, 2, ... in order."""
    if questions is None:
        questions = (choice("colour", "red", "green", "blue"), number("volume"))
    numbered = [
        dataclasses.replace(rule, id=position) if rule.id == 0 else rule
        for position, rule in enumerate(rules, start=1)
    ]
    return Ruleset(
        version=version,
        questions=tuple(questions),
        approaches=tuple(Approach(key, key.title()) for key in approaches),
        rules=tuple(numbered),
        dimensions=tuple(dimensions),
        close_call_margin=close_call_margin,
        cost_rules=tuple(cost_rules),
    )


def score(recommendation: Recommendation, approach: str) -> float:
    return recommendation.ranked(approach).score


def order(recommendation: Recommendation) -> list[str]:
    return [entry.approach for entry in recommendation.ranking]
