"""What the advice is computed from: answers, weights and workloads the knowledge understands,
and how an answer reads to a person.

Saved inputs outlive the knowledge that was current when they were given: an editor may
remove a question or an option since. Everything here keeps what still makes sense and
drops the rest, so the wizard asks again instead of failing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from advisor import engine
from advisor.knowledge.ruleset import Knowledge, QuestionInfo


def usable_answers(knowledge: Knowledge, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers the current knowledge still understands (hidden ones included)."""
    if not isinstance(answers, Mapping):
        return {}
    errors = engine.validate_answers(knowledge.ruleset, answers)
    return {key: value for key, value in answers.items() if key not in errors and value is not None}


def usable_weights(knowledge: Knowledge, weights: Mapping[str, Any]) -> dict[str, int]:
    """The comparison weights the current dimensions still understand."""
    if not isinstance(weights, Mapping):
        return {}
    errors = engine.validate_weights(knowledge.ruleset, weights)
    return {key: value for key, value in weights.items() if key not in errors and value is not None}


def usable_workloads(knowledge: Knowledge, workloads: Any) -> list[dict[str, Any]]:
    """Plan workloads, each with the answers the current knowledge still understands."""
    if not isinstance(workloads, list):
        return []
    return [
        {**workload, "answers": usable_answers(knowledge, workload.get("answers") or {})}
        for workload in workloads
        if isinstance(workload, dict) and workload.get("name")
    ]


def answer_label(question: QuestionInfo | None, value: Any) -> str:
    """How an answer reads: an option's label, or a number with its unit ("1,000 requests
    per day"). The one place answers are put into words."""
    if question is None:
        return str(value)
    if question.kind == "number":
        if isinstance(value, int) and not isinstance(value, bool):
            return f"{value:,} {question.unit}".strip()
        return str(value)
    return question.option_label(value)


def answer_text(knowledge: Knowledge, key: str, value: Any) -> str:
    return answer_label(knowledge.question(key), value)


def prompt(knowledge: Knowledge, key: str) -> str:
    question = knowledge.question(key)
    return question.prompt if question else key


def approach_label(knowledge: Knowledge, key: str | None) -> str:
    approach = knowledge.approach(key)
    return approach.label if approach else ""


def because(
    knowledge: Knowledge, answers: Mapping[str, Any], keys: Iterable[str]
) -> list[dict[str, Any]]:
    """The answers behind a reason, caveat or obligation: each question's key, prompt and
    the answer in words, for the ``keys`` that were answered."""
    return [
        {
            "key": key,
            "question": prompt(knowledge, key),
            "answer": answer_label(knowledge.question(key), answers[key]),
        }
        for key in keys
        if key in answers
    ]
