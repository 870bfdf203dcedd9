"""The "what would change this" panel: the nearest single-answer change that flips the pick."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from advisor.engine.scoring import matched_mask, top_of
from advisor.engine.validation import clean_answers
from advisor.engine.visibility import visible_answers, visible_questions

if TYPE_CHECKING:
    from advisor.engine.snapshot import Question, Ruleset


@dataclass(frozen=True, slots=True)
class Change:
    """Answering ``question`` with ``answer`` (all else equal) would make ``new_top`` the pick."""

    question: str
    answer: str | int
    new_top: str | None


def number_candidates(
    question: Question, thresholds: tuple[float, ...], current: int | None
) -> list[int]:
    """Whole numbers just below, at and just above each threshold, within the question range.

    Between two consecutive thresholds every rule gives the same verdict, so these values
    reach every distinct outcome. Ordered nearest-to-``current`` first (ties: lower first), or
    ascending when unanswered; ``current`` itself is left out.
    """
    values: set[int] = set()
    for threshold in thresholds:
        values.add(math.ceil(threshold) - 1)
        values.add(math.floor(threshold) + 1)
        if threshold.is_integer():
            values.add(int(threshold))
    if question.min_value is not None:
        values = {max(value, question.min_value) for value in values}
    if question.max_value is not None:
        values = {min(value, question.max_value) for value in values}
    if current is None:
        return sorted(values)
    values.discard(current)
    return sorted(values, key=lambda value: (abs(value - current), value))


def alternatives(
    ruleset: Ruleset, question: Question, current: str | int | None
) -> list[str | int]:
    """Answers to try instead of ``current``, most preferred first."""
    if question.kind == "choice":
        return [key for key in question.option_keys if key != current]
    thresholds = ruleset.index.thresholds(question.key)
    number = current if isinstance(current, int) else None
    return list(number_candidates(question, thresholds, number))


#: Prices every approach for a set of (clean, visible) answers: approach key -> monthly cost.
CostsFor = Callable[[Mapping[str, str | int]], Mapping[str, float] | None]


def what_would_change(
    ruleset: Ruleset, answers: Mapping[str, object], costs_for: CostsFor | None = None
) -> tuple[Change, ...]:
    """At most one ``Change`` per visible question (in question order) that flips the top.

    With ``costs_for``, each trial is priced too, so the cost rules weigh in as they do in
    ``recommend`` (a different volume or uptime answer changes the prices).

    Unanswered visible questions are included, since answering them could change the pick.
    Each trial re-applies ``show_if`` gating, so changing a parent answer can hide (or reveal)
    dependent answers exactly as ``recommend`` would. Raises ``InvalidAnswers`` like it.

    Only one answer changes per trial, so for questions that gate nothing the failed-rule mask
    is the other questions' precomputed contributions plus the new answer's; outcomes are
    memoised by matched-rule mask, since many trial answers match the same rules.
    """
    index = ruleset.index
    cleaned = clean_answers(ruleset, answers)
    effective = visible_answers(ruleset, cleaned)
    tested = index.tested
    contributions = [index.contribution(key, effective.get(key)) for key in tested]
    # others[key]: what every tested question but ``key`` fails, from prefix and suffix ORs.
    before = [0] * (len(tested) + 1)
    after = [0] * (len(tested) + 1)
    for i, contribution in enumerate(contributions):
        before[i + 1] = before[i] | contribution
    for i in reversed(range(len(tested))):
        after[i] = after[i + 1] | contributions[i]
    others = {key: before[i] | after[i + 1] for i, key in enumerate(tested)}

    tops: dict[tuple[int, tuple[tuple[str, float], ...] | None], str | None] = {}

    def top_for(matched: int, trial: Mapping[str, str | int]) -> str | None:
        costs = costs_for(trial) if costs_for is not None else None
        memo = (matched, tuple(sorted(costs.items())) if costs else None)
        if memo not in tops:
            tops[memo] = top_of(ruleset, matched, costs)
        return tops[memo]

    current_top = top_for(index.all_rules & ~before[-1], effective)
    changes: list[Change] = []
    for question in visible_questions(ruleset, cleaned):
        key = question.key
        gates = key in index.parents
        is_tested = key in others
        if not gates and not is_tested and costs_for is None:
            continue  # no rule tests it, nothing depends on it, and no price follows it
        for answer in alternatives(ruleset, question, cleaned.get(key)):
            if gates:
                trial = visible_answers(ruleset, {**cleaned, key: answer})
                matched = matched_mask(ruleset, trial)
            else:
                trial = {**effective, key: answer}
                failed = others[key] | index.contribution(key, answer) if is_tested else before[-1]
                matched = index.all_rules & ~failed
            new_top = top_for(matched, trial)
            if new_top != current_top:
                changes.append(Change(key, answer, new_top))
                break
    return tuple(changes)
