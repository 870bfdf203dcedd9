"""The admin's "Try the rules" page: run the current rules on any answers and see every reason.

Editors use it to check a change before (or right after) saving it: the page always reads
the current ruleset version, so an edit shows up on the next request. It lives in the
project package, above the knowledge and the advice it calls; ``advisor.admin_site`` serves
it at ``/admin/knowledge/rule/try-it/``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib.admin import AdminSite
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse

from advisor.advice import build_result
from advisor.engine import InvalidAnswers, validate_answers
from advisor.engine.results import json_number
from advisor.knowledge.models import Rule
from advisor.knowledge.ruleset import Knowledge, PresetInfo, QuestionInfo, current_knowledge

#: Answer fields are prefixed so that no question key can clash with the page's own parameters.
PREFIX = "a"
NO_ANSWER = "(no answer)"


class TryItForm(forms.Form):
    """One field per current question; the engine alone decides what is a valid answer."""

    def __init__(
        self,
        knowledge: Knowledge,
        *args: Any,
        stale_answers: Mapping[str, object] | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs["prefix"] = PREFIX
        super().__init__(*args, **kwargs)
        self.knowledge = knowledge
        # Answers (e.g. from a preset) to questions that no longer exist.
        self.stale_answers = dict(stale_answers or {})
        self.answers: dict[str, object] = {}
        for question in knowledge.questions:
            self.fields[question.key] = _answer_field(question, knowledge)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        answers: dict[str, object] = dict(self.stale_answers)
        for question in self.knowledge.questions:
            raw = (cleaned.get(question.key) or "").strip()
            if raw:
                answers[question.key] = raw if question.kind == "choice" else _whole_number(raw)
        for key, messages in validate_answers(self.knowledge.ruleset, answers).items():
            for message in messages:
                if key in self.fields:
                    self.add_error(key, message)
                else:
                    self.add_error(None, f"{key}: {message}")
        self.answers = answers
        return cleaned


def _answer_field(question: QuestionInfo, knowledge: Knowledge) -> forms.Field:
    hints = [f"Key: {question.key}."]
    if question.show_if_question:
        parent = knowledge.question(question.show_if_question)
        if parent is not None:
            labels = ", ".join(parent.option_label(key) for key in question.show_if_options)
            hints.append(f"Only counts when '{parent.prompt}' is answered: {labels}.")
    if question.kind == "choice":
        choices = [("", NO_ANSWER), *((option.key, option.label) for option in question.options)]
        widget: forms.Widget = forms.Select(choices=choices)
    else:
        attrs = {"step": 1}
        if question.min_value is not None:
            attrs["min"] = question.min_value
        if question.max_value is not None:
            attrs["max"] = question.max_value
        widget = forms.NumberInput(attrs=attrs)
        hints.append(
            f"A whole number from {_number(question.min_value)} to {_number(question.max_value)}"
            f"{f' ({question.unit})' if question.unit else ''}; leave empty for no answer."
        )
    return forms.CharField(
        label=question.prompt, required=False, widget=widget, help_text=" ".join(hints)
    )


def _number(value: int | None) -> str:
    return "?" if value is None else f"{value:,}"


def _whole_number(raw: str) -> object:
    """An int when the text is one, else the text itself (the engine then says what is wrong)."""
    try:
        return int(raw)
    except ValueError:
        return raw


# --- the outcome, ready to display --------------------------------------------------------


def outcome_for(knowledge: Knowledge, answers: Mapping[str, object]) -> dict[str, Any]:
    """The same result the wizard shows (raises ``InvalidAnswers`` like it), with a link to
    edit the rule behind every reason."""
    result = build_result(knowledge, answers, {}, with_analysis=False)
    for ranked in result["ranking"]:
        for reason in ranked["reasons"]:
            reason["rule_url"] = _rule_url(reason["rule_id"])
    for caveat in result["caveats"]:
        caveat["rule_url"] = _rule_url(caveat["rule_id"])
    return result


def _rule_url(rule_id: int) -> str:
    return reverse("admin:knowledge_rule_change", args=[rule_id])


# --- the view ----------------------------------------------------------------------------


def try_it(request: HttpRequest, admin_site: AdminSite) -> TemplateResponse:
    """GET only: ``?preset=<slug>`` prefills the answers, ``run=1`` ranks the submitted ones."""
    knowledge = current_knowledge()
    catalogue = knowledge.catalogue
    slug = request.GET.get("preset", "")
    preset: PresetInfo | None = catalogue.preset(slug) if slug else None
    if "run" in request.GET:
        form = TryItForm(knowledge, request.GET)
    elif preset is not None:
        form = TryItForm(
            knowledge,
            {
                f"{PREFIX}-{key}": str(json_number(value) if isinstance(value, float) else value)
                for key, value in preset.answers.items()
                if knowledge.question(key) is not None and value is not None
            },
            stale_answers={
                key: value
                for key, value in preset.answers.items()
                if knowledge.question(key) is None
            },
        )
    else:
        form = TryItForm(knowledge)

    outcome = None
    if form.is_bound and form.is_valid():
        try:
            outcome = outcome_for(knowledge, form.answers)
        except InvalidAnswers as error:  # validated above; kept so a bug shows as a message
            for key, messages in error.errors.items():
                for message in messages:
                    form.add_error(key if key in form.fields else None, message)

    expected = knowledge.approach(preset.expected) if preset and preset.expected else None
    context = {
        **admin_site.each_context(request),
        "title": "Try the rules",
        "subtitle": None,
        "opts": Rule._meta,
        "app_label": Rule._meta.app_label,
        "form": form,
        "presets": catalogue.presets,
        "preset": preset,
        "unknown_preset": slug if slug and preset is None else "",
        "expected": expected,
        "outcome": outcome,
        "version": knowledge.version,
        "labels": {approach.key: approach.label for approach in knowledge.approaches},
    }
    return TemplateResponse(request, "admin/knowledge/try_it.html", context)
