"""The forms of the routing plan: one workload (a name plus every question that applies to a
single task), and the questions asked once for the whole plan."""

from __future__ import annotations

from typing import Any

from django import forms

from advisor.knowledge.ruleset import QuestionInfo
from advisor.plan.building import PER_WORKLOAD_FIXED

MAX_WORKLOADS = 20
#: Questions about the organisation rather than a task: asked once, for every workload.
PLAN_WIDE = ("team_capacity", "jurisdiction", "sector")


def workload_questions(questions: tuple[QuestionInfo, ...]) -> tuple[QuestionInfo, ...]:
    """The questions asked for each workload: not the plan-wide ones, and not those a plan
    answers itself ("one task or many?": each workload is one task)."""
    return tuple(q for q in questions if q.key not in PLAN_WIDE and q.key not in PER_WORKLOAD_FIXED)


def plan_wide_questions(questions: tuple[QuestionInfo, ...]) -> tuple[QuestionInfo, ...]:
    return tuple(q for q in questions if q.key in PLAN_WIDE)


def _question_field(question: QuestionInfo) -> forms.Field:
    field: forms.Field
    if question.kind == "number":
        field = forms.IntegerField(
            min_value=question.min_value,
            max_value=question.max_value,
            required=False,
            error_messages={"invalid": "Enter a whole number, such as 500."},
        )
    else:
        field = forms.ChoiceField(
            choices=[("", "No answer"), *((o.key, o.label) for o in question.options)],
            required=False,
        )
    field.label = question.prompt
    if question.show_if_question:
        field.help_text = "Only counts for some answers to an earlier question."
    return field


class PlanWideForm(forms.Form):
    """The questions about the organisation, answered once for every workload."""

    def __init__(self, questions: tuple[QuestionInfo, ...], *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_plan_%s")
        super().__init__(*args, **kwargs)
        self.questions = plan_wide_questions(questions)
        for question in self.questions:
            self.fields[question.key] = _question_field(question)

    def answers(self) -> dict[str, Any]:
        """Every plan-wide question, None where it is left unanswered."""
        return {q.key: self.cleaned_data.get(q.key) or None for q in self.questions}


class WorkloadForm(forms.Form):
    name = forms.CharField(
        max_length=120, help_text="What the task is, e.g. 'Classifying incoming documents'."
    )

    def __init__(self, questions: tuple[QuestionInfo, ...], *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_workload_%s")
        super().__init__(*args, **kwargs)
        self.questions = workload_questions(questions)
        for question in self.questions:
            self.fields[question.key] = _question_field(question)

    def answers(self) -> dict[str, Any]:
        return {
            q.key: self.cleaned_data[q.key]
            for q in self.questions
            if self.cleaned_data.get(q.key) not in (None, "")
        }
