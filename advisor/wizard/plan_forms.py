"""The form that adds one workload to a routing plan: a name plus every question at once."""

from __future__ import annotations

from typing import Any

from django import forms

from advisor.knowledge.ruleset import QuestionInfo

MAX_WORKLOADS = 20


class WorkloadForm(forms.Form):
    name = forms.CharField(
        max_length=120, help_text="What the task is, e.g. 'Classifying incoming documents'."
    )

    def __init__(self, questions: tuple[QuestionInfo, ...], *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_workload_%s")
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
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
            self.fields[question.key] = field

    def answers(self) -> dict[str, Any]:
        return {
            q.key: self.cleaned_data[q.key]
            for q in self.questions
            if self.cleaned_data.get(q.key) not in (None, "")
        }
