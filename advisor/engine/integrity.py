"""Consistency checks run when a ``Ruleset`` snapshot is built.

Catching a bad rule here (unknown question, operator that does not fit the question kind, ...)
means the loader fails loudly instead of the engine silently never matching.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, TypeGuard

if TYPE_CHECKING:
    from advisor.engine.snapshot import Condition, Question, Rule, Ruleset

CHOICE_OPERATORS: frozenset[str] = frozenset({"is", "is_not"})
NUMBER_OPERATORS: frozenset[str] = frozenset({"gt", "gte", "lt", "lte"})
EFFECTS: frozenset[str] = frozenset({"points", "exclude", "require", "caveat", "note"})
#: Effects that only say something: they need no approach (one given names the approach the
#: note is about) and carry no points.
SAYING_EFFECTS: frozenset[str] = frozenset({"caveat", "note"})
QUESTION_KINDS: frozenset[str] = frozenset({"choice", "number"})
MIN_RATING = 1
MAX_RATING = 5


class RulesetError(ValueError):
    """The snapshot is inconsistent; ``problems`` lists every issue found."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems: tuple[str, ...] = tuple(problems)
        super().__init__("Invalid ruleset: " + "; ".join(self.problems))


def is_real_int(value: object) -> TypeGuard[int]:
    """True for ints but not bools (``True`` is an ``int`` in Python)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _is_finite_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _duplicates(keys: Iterable[object]) -> list[object]:
    return [key for key, count in Counter(keys).items() if count > 1]


def check_ruleset(ruleset: Ruleset) -> None:
    """Raise ``RulesetError`` listing every inconsistency in ``ruleset``."""
    problems: list[str] = []
    if not is_real_int(ruleset.version):
        problems.append(f"version must be an int, got {ruleset.version!r}")
    if not _is_finite_number(ruleset.close_call_margin) or ruleset.close_call_margin < 0:
        problems.append(f"close_call_margin must be >= 0, got {ruleset.close_call_margin!r}")
    if not ruleset.approaches:
        problems.append("at least one approach is required")
    for kind, keys in (
        ("question", [q.key for q in ruleset.questions]),
        ("approach", [a.key for a in ruleset.approaches]),
        ("dimension", [d.key for d in ruleset.dimensions]),
        ("rule id", [r.id for r in ruleset.rules]),
    ):
        problems.extend(f"duplicate {kind} {key!r}" for key in _duplicates(keys))

    earlier: dict[str, Question] = {}
    for question in ruleset.questions:
        problems.extend(_question_problems(question, earlier))
        earlier[question.key] = question

    approach_keys = {approach.key for approach in ruleset.approaches}
    for rule in ruleset.rules:
        problems.extend(_rule_problems(rule, earlier, approach_keys))

    from advisor.engine.costrules import cost_rule_problems

    for cost_rule in ruleset.cost_rules:
        problems.extend(cost_rule_problems(cost_rule))
    problems.extend(
        f"duplicate cost rule id {key!r}" for key in _duplicates(r.id for r in ruleset.cost_rules)
    )

    for dimension in ruleset.dimensions:
        rated = dict(dimension.ratings)
        for key in sorted(approach_keys - rated.keys()):
            problems.append(f"dimension {dimension.key!r} has no rating for approach {key!r}")
        for key, rating in rated.items():
            if key not in approach_keys:
                problems.append(f"dimension {dimension.key!r} rates unknown approach {key!r}")
            elif not is_real_int(rating) or not MIN_RATING <= rating <= MAX_RATING:
                problems.append(
                    f"dimension {dimension.key!r} rating for {key!r} must be an int "
                    f"{MIN_RATING}..{MAX_RATING}, got {rating!r}"
                )
    if problems:
        raise RulesetError(problems)


def _question_problems(question: Question, earlier: dict[str, Question]) -> list[str]:
    """Problems with one question; ``earlier`` holds the questions that precede it."""
    label = f"question {question.key!r}"
    problems: list[str] = []
    if question.kind not in QUESTION_KINDS:
        return [f"{label} has unknown kind {question.kind!r}"]
    if question.kind == "choice":
        if not question.options:
            problems.append(f"{label} is a choice question without options")
        problems.extend(
            f"{label} has duplicate option {key!r}" for key in _duplicates(question.option_keys)
        )
        if question.min_value is not None or question.max_value is not None:
            problems.append(f"{label} is a choice question with a number range")
    else:
        if question.options:
            problems.append(f"{label} is a number question with options")
        for name in ("min_value", "max_value"):
            bound = getattr(question, name)
            if bound is not None and not is_real_int(bound):
                problems.append(f"{label} {name} must be an int, got {bound!r}")
        low, high = question.min_value, question.max_value
        if isinstance(low, int) and isinstance(high, int) and low > high:
            problems.append(f"{label} has min_value above max_value")

    if question.show_if_question is None:
        if question.show_if_options:
            problems.append(f"{label} has show_if_options but no show_if_question")
        return problems
    parent = earlier.get(question.show_if_question)
    if parent is None:
        problems.append(
            f"{label} depends on {question.show_if_question!r}, which is not an earlier question"
        )
    elif parent.kind != "choice":
        problems.append(f"{label} depends on {parent.key!r}, which is not a choice question")
    elif not question.show_if_options:
        problems.append(f"{label} has show_if_question but no show_if_options")
    else:
        unknown = sorted(question.show_if_options - set(parent.option_keys))
        problems.extend(
            f"{label} shows on unknown option {key!r} of {parent.key!r}" for key in unknown
        )
    return problems


def _rule_problems(rule: Rule, questions: dict[str, Question], approaches: set[str]) -> list[str]:
    label = f"rule {rule.id!r}"
    problems: list[str] = []
    if rule.effect not in EFFECTS:
        return [f"{label} has unknown effect {rule.effect!r}"]
    if rule.approach is None:
        if rule.effect not in SAYING_EFFECTS:
            problems.append(f"{label} ({rule.effect}) needs an approach")
    elif rule.approach not in approaches:
        problems.append(f"{label} targets unknown approach {rule.approach!r}")
    if not math.isfinite(rule.points):
        problems.append(f"{label} points must be finite")
    elif rule.effect != "points" and rule.points != 0:
        problems.append(f"{label} ({rule.effect}) must not carry points")
    for condition in rule.conditions:
        problems.extend(f"{label}: {p}" for p in _condition_problems(condition, questions))
    return problems


def _condition_problems(condition: Condition, questions: dict[str, Question]) -> list[str]:
    question = questions.get(condition.question)
    if question is None:
        return [f"condition on unknown question {condition.question!r}"]
    operator = condition.operator
    if operator in CHOICE_OPERATORS:
        if question.kind != "choice":
            return [f"{operator!r} needs a choice question, {question.key!r} is a number"]
        if condition.option not in question.option_keys:
            return [f"unknown option {condition.option!r} for {question.key!r}"]
        if condition.value is not None:
            return [f"{operator!r} condition on {question.key!r} must not have a value"]
        return []
    if operator in NUMBER_OPERATORS:
        if question.kind != "number":
            return [f"{operator!r} needs a number question, {question.key!r} is a choice"]
        if condition.value is None or not math.isfinite(condition.value):
            return [f"{operator!r} condition on {question.key!r} needs a finite value"]
        if condition.option is not None:
            return [f"{operator!r} condition on {question.key!r} must not have an option"]
        return []
    return [f"unknown operator {operator!r}"]
