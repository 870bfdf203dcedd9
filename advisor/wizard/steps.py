"""The wizard's steps: one per visible question, then priorities, then a review.

Which questions are visible depends on the answers so far (a question can be shown only for
certain earlier answers), so the step list is recomputed from the answers on every request.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from advisor import engine
from advisor.knowledge.ruleset import Knowledge, QuestionInfo

PRIORITIES = "priorities"
REVIEW = "review"


@dataclass(frozen=True, slots=True)
class Step:
    kind: str  # "question", "priorities" or "review"
    key: str
    number: int  # 1-based position among the steps
    total: int
    question: QuestionInfo | None = None
    url: str = ""

    def __post_init__(self) -> None:
        if not self.url:
            object.__setattr__(self, "url", step_url(self.kind, self.key))

    @property
    def title(self) -> str:
        if self.question is not None:
            return self.question.prompt
        if self.kind == PRIORITIES:
            return "What matters most to you?"
        return "Review your answers"


@functools.cache
def step_url(kind: str, key: str) -> str:
    """Step URLs never change while the process runs: reverse each one once."""
    if kind == "question":
        return reverse("wizard:question", args=[key])
    return reverse(f"wizard:{kind}")


def steps_for(knowledge: Knowledge, answers: Mapping[str, Any]) -> list[Step]:
    visible = engine.visible_questions(knowledge.ruleset, answers)
    total = len(visible) + 2
    steps = [
        Step("question", q.key, index, total, knowledge.question(q.key))
        for index, q in enumerate(visible, start=1)
    ]
    steps.append(Step(PRIORITIES, PRIORITIES, total - 1, total))
    steps.append(Step(REVIEW, REVIEW, total, total))
    return steps


def find_step(steps: list[Step], key: str) -> Step | None:
    return next((step for step in steps if step.key == key), None)


def neighbours(steps: list[Step], step: Step) -> tuple[Step | None, Step | None]:
    index = step.number - 1
    previous = steps[index - 1] if index > 0 else None
    following = steps[index + 1] if index + 1 < len(steps) else None
    return previous, following


def first_unanswered(steps: list[Step], answers: Mapping[str, Any]) -> Step:
    """Where to resume: the first question without an answer, else the review."""
    for step in steps:
        if step.kind == "question" and step.key not in answers:
            return step
    return steps[-1]
