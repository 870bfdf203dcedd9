"""Which questions are shown, given the answers so far (``show_if`` gating)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from advisor.engine.snapshot import Question, Ruleset


def visible_questions(ruleset: Ruleset, answers: Mapping[str, object]) -> tuple[Question, ...]:
    """The questions shown for ``answers`` (raw or clean), in order.

    A gated question is shown when its parent question is itself shown and answered with one
    of ``show_if_options``; parents always come earlier, so one pass suffices.
    """
    shown: list[Question] = []
    shown_keys: set[str] = set()
    for question in ruleset.questions:
        parent = question.show_if_question
        if parent is not None and (
            parent not in shown_keys
            or not _is_one_of(answers.get(parent), question.show_if_options)
        ):
            continue
        shown.append(question)
        shown_keys.add(question.key)
    return tuple(shown)


def visible_answers(ruleset: Ruleset, answers: Mapping[str, str | int]) -> dict[str, str | int]:
    """``answers`` without the ones to hidden questions (or unanswered ``None`` values)."""
    return {
        question.key: answers[question.key]
        for question in visible_questions(ruleset, answers)
        if answers.get(question.key) is not None
    }


def _is_one_of(value: object, options: frozenset[str]) -> bool:
    # Raw form data may hold unhashable junk; only a string can be an option key.
    return isinstance(value, str) and value in options
