"""Forms built from the knowledge base: one per question, one for the priorities."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from advisor.advice.pricing import ASSUMPTION_FIELDS as ASSUMPTION_FIELDS
from advisor.advice.summary import lower_first
from advisor.engine import DEFAULT_WEIGHT
from advisor.forms import NumberWithUnit, OptionCards
from advisor.knowledge.ruleset import DimensionInfo, QuestionInfo

ANSWER = "answer"


def answer_field(question: QuestionInfo, *, heading: bool = False) -> forms.Field:
    """The form field that asks ``question``: its options as cards, or a whole number."""
    field: forms.Field
    if question.kind == "number":
        attrs: dict[str, Any] = {"inputmode": "numeric", "step": 1}
        field = forms.IntegerField(
            label=question.prompt,
            min_value=question.min_value,
            max_value=question.max_value,
            widget=NumberWithUnit(attrs=attrs, unit=question.unit),
            error_messages={
                "required": "Enter a whole number to continue.",
                "invalid": "Enter a whole number, such as 500.",
            },
        )
    else:
        field = forms.ChoiceField(
            label=question.prompt,
            choices=[(option.key, option.label) for option in question.options],
            widget=OptionCards(hints={o.key: o.help_text for o in question.options}),
            error_messages={
                "required": "Choose one of the answers to continue.",
                "invalid_choice": "That answer is no longer offered: choose again.",
            },
        )
    field.help_text = question.help_text
    setattr(field, "heading", heading)  # noqa: B010 - read by advisor.forms.BoundField
    return field


class AnswerForm(forms.Form):
    """The answer to one question, validated against that question's options or range."""

    def __init__(self, question: QuestionInfo, *args: Any, **kwargs: Any) -> None:
        # Ids unique per question: htmx carries attributes across swaps between equal ids.
        kwargs.setdefault("auto_id", f"id_{question.key}_%s")
        super().__init__(*args, **kwargs)
        self.question = question
        self.fields[ANSWER] = answer_field(question, heading=True)


RATING_NOTE = re.compile(r"\s*\((?:higher|lower) is [^)]*\)")


def _importance_help(description: str) -> str:
    """A dimension's description as help for "how much does it matter": without the note on
    which way its 1-to-5 ratings run ("(higher is freer)"), which is about the approaches,
    not about the visitor's priority."""
    text = RATING_NOTE.sub("", description).strip()
    return f"{text} 0: not at all, 5: critical." if text else "0: not at all, 5: critical."


class PrioritiesForm(forms.Form):
    """How much each comparison dimension matters, 0 (not at all) to 5 (critical)."""

    def __init__(self, dimensions: tuple[DimensionInfo, ...], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dimensions = dimensions
        for dimension in dimensions:
            self.fields[dimension.key] = forms.IntegerField(
                label=f"How much does {lower_first(dimension.label)} matter to you?",
                min_value=0,
                max_value=5,
                initial=DEFAULT_WEIGHT,
                help_text=_importance_help(dimension.description),
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 1}),
                error_messages={
                    "required": "Give a number from 0 to 5.",
                    "invalid": "Give a whole number from 0 to 5.",
                    "min_value": "Give a number from 0 to 5.",
                    "max_value": "Give a number from 0 to 5.",
                },
            )


class AssumptionsForm(forms.Form):
    """The cost assumptions a visitor may change on the result page (a GET form, so the
    result's address says what it was priced with)."""

    task_profile = forms.ChoiceField(
        label="Kind of task",
        required=False,
        help_text="Sets typical tokens in and out and the model tier the task needs.",
    )
    input_tokens = forms.IntegerField(
        label="Tokens in per request",
        required=False,
        min_value=0,
        max_value=2_000_000,
        help_text="Leave empty to use the task's (or a typical request's).",
    )
    output_tokens = forms.IntegerField(
        label="Tokens out per request", required=False, min_value=0, max_value=2_000_000
    )
    model = forms.ChoiceField(label="Model to price the APIs with", required=False)
    profile = forms.ChoiceField(label="Self-hosting profile", required=False)

    def __init__(self, book: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_costs_%s")
        super().__init__(*args, **kwargs)
        self.book = book
        choice = forms.ChoiceField
        fields = self.fields
        assert isinstance(fields["task_profile"], choice)
        assert isinstance(fields["model"], choice)
        assert isinstance(fields["profile"], choice)
        fields["task_profile"].choices = [
            ("", f"A typical request ({book.input_tokens} in, {book.output_tokens} out)"),
            *(
                (t.key, f"{t.label} ({t.input_tokens} in, {t.output_tokens} out)")
                for t in book.task_profiles
            ),
        ]
        fields["model"].choices = [
            ("", "The cheapest that fits"),
            *((o.key, o.label) for o in book.offerings),
        ]
        fields["profile"].choices = [
            ("", "The cheapest that fits"),
            *((p.key, p.label) for p in book.profiles),
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        from advisor.advice.pricing import InvalidAssumptions, assumptions_from

        try:
            self.assumptions = assumptions_from(self.book, self.cleaned_data)
        except InvalidAssumptions as error:
            for field, messages in error.errors.items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        return self.cleaned_data
