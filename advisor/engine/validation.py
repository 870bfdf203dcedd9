"""Checking and normalising raw answers (e.g. from a form or JSON body) against a ruleset."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from advisor.engine.snapshot import Question, Ruleset

UNKNOWN_QUESTION = "Unknown question."
NOT_A_WHOLE_NUMBER = "Enter a whole number."


class InvalidAnswers(ValueError):
    """Raised by ``clean_answers``/``recommend``; ``errors`` maps field -> messages."""

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        self.errors: dict[str, list[str]] = {key: list(value) for key, value in errors.items()}
        summary = "; ".join(f"{key}: {' '.join(msgs)}" for key, msgs in self.errors.items())
        super().__init__(f"Invalid answers: {summary}")


def _clean_value(
    question: Question, options: frozenset[str], value: object
) -> tuple[str | int | None, list[str]]:
    """Normalised value and error messages for one answer (``None`` = unanswered)."""
    if value is None:
        return None, []
    if question.kind == "choice":
        if isinstance(value, str) and value in options:
            return value, []
        return None, [f"{value!r} is not one of: {', '.join(question.option_keys)}."]
    if isinstance(value, bool):
        return None, [NOT_A_WHOLE_NUMBER]
    if isinstance(value, float) and value.is_integer():  # is_integer() is False for inf/nan
        value = int(value)
    if not isinstance(value, int):
        return None, [NOT_A_WHOLE_NUMBER]
    if question.min_value is not None and value < question.min_value:
        return None, [f"Must be at least {question.min_value}."]
    if question.max_value is not None and value > question.max_value:
        return None, [f"Must be at most {question.max_value}."]
    return value, []


def _clean(
    ruleset: Ruleset, answers: Mapping[str, object]
) -> tuple[dict[str, str | int], dict[str, list[str]]]:
    cleaned: dict[str, str | int] = {}
    errors: dict[str, list[str]] = {}
    questions = ruleset.index.questions
    option_sets = ruleset.index.option_sets
    for key, value in answers.items():
        options = option_sets.get(key)
        if options is not None and value.__class__ is str and value in options:
            cleaned[key] = value  # fast path: a valid choice
            continue
        question = questions.get(key)
        if question is None:
            errors[key] = [UNKNOWN_QUESTION]
            continue
        clean, messages = _clean_value(question, options or frozenset(), value)
        if messages:
            errors[key] = messages
        elif clean is not None:
            cleaned[key] = clean
    return cleaned, errors


def validate_answers(ruleset: Ruleset, answers: Mapping[str, object]) -> dict[str, list[str]]:
    """Per-field error messages; an empty dict means the answers are valid. Never raises.

    Answers to questions that are currently hidden are still checked: they are ignored by
    scoring, but a malformed value is a client bug worth reporting.
    """
    return _clean(ruleset, answers)[1]


def clean_answers(ruleset: Ruleset, answers: Mapping[str, object]) -> dict[str, str | int]:
    """Normalised answers (ints for numbers, ``None`` dropped) or ``InvalidAnswers``."""
    cleaned, errors = _clean(ruleset, answers)
    if errors:
        raise InvalidAnswers(errors)
    return cleaned
