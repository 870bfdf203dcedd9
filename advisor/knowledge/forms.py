"""Admin forms for the knowledge base: every message says what to fix, next to the field.

The model ``clean()`` methods check single rows. The checks here need more context: the
other rows of an inline, rows that depend on the one being edited, or the current ruleset.
Their goal is that no admin save can leave knowledge the engine refuses to load.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.forms.models import BaseInlineFormSet, BaseModelFormSet
from django.utils.text import capfirst

from advisor.engine import validate_answers
from advisor.knowledge import contract, protection
from advisor.knowledge.models import (
    Approach,
    Dimension,
    Option,
    Preset,
    Question,
    Rule,
    RuleCondition,
)
from advisor.knowledge.ruleset import current_ruleset


def _kept_forms(formset: BaseInlineFormSet) -> list[forms.ModelForm]:
    """The forms whose rows will exist after saving (filled in and not marked for deletion)."""
    return [
        form
        for form in formset.forms
        if form.is_valid()
        and not formset._should_delete_form(form)  # type: ignore[attr-defined]
        and (form.instance.pk is not None or form.has_changed())
    ]


def _names(items: Any, limit: int = 5) -> str:
    names = [f"'{item}'" for item in items]
    if len(names) > limit:
        names = [*names[:limit], f"and {len(names) - limit} more"]
    return ", ".join(names)


class ListRowForm(forms.ModelForm):
    """A row of a list page with editable columns.

    The model's clean() may point at a field that is not a column of the list; its message
    then goes to the row as a whole, prefixed with the field's name, instead of crashing.
    """

    def _update_errors(self, errors: ValidationError) -> None:
        if hasattr(errors, "error_dict"):
            rows: dict[str, list[Any]] = {}
            for field, messages in errors.error_dict.items():
                if field == NON_FIELD_ERRORS or field in self.fields:
                    rows.setdefault(field, []).extend(messages)
                else:
                    name = capfirst(_verbose_name(self._meta.model, field))
                    rows.setdefault(NON_FIELD_ERRORS, []).extend(
                        f"{name}: {message}" for message in ValidationError(messages).messages
                    )
            errors = ValidationError(rows)
        super()._update_errors(errors)  # type: ignore[misc]  # ModelForm's own hook


def _verbose_name(model: Any, field: str) -> str:
    try:
        return str(model._meta.get_field(field).verbose_name)
    except FieldDoesNotExist:
        return field


# --- questions ---------------------------------------------------------------------------


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = (
            "key",
            "prompt",
            "help_text",
            "kind",
            "order",
            "min_value",
            "max_value",
            "unit",
            "show_if_question",
            "show_if_options",
        )
        widgets = {
            "help_text": forms.Textarea(attrs={"rows": 3}),
            "show_if_options": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "show_if_question" in self.fields:
            parents = Question.objects.filter(kind=Question.Kind.CHOICE)
            if self.instance.pk:
                parents = parents.exclude(pk=self.instance.pk)
            self.fields["show_if_question"].queryset = parents  # type: ignore[attr-defined]
        if "show_if_options" in self.fields:
            self.fields["show_if_options"].queryset = Option.objects.filter(  # type: ignore[attr-defined]
                question__kind=Question.Kind.CHOICE
            ).select_related("question")
            self.fields[
                "show_if_options"
            ].help_text = (
                "Tick the answers (of the question chosen above) that make this question appear."
            )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        parent = cleaned.get("show_if_question")
        options = cleaned.get("show_if_options")
        if parent is not None and options is not None:
            if not options:
                self.add_error(
                    "show_if_options",
                    f"Tick the answers to '{parent.prompt}' that make this question appear.",
                )
            else:
                strangers = [option for option in options if option.question_id != parent.pk]
                if strangers:
                    self.add_error(
                        "show_if_options",
                        f"Only answers to '{parent.prompt}' can be ticked; "
                        f"these belong to other questions: {_names(o.label for o in strangers)}.",
                    )
        elif parent is None and options:
            self.add_error(
                "show_if_question",
                "Choose the question these answers belong to, or untick the answers.",
            )
        if self.instance.pk is not None:
            self._check_dependants(cleaned)
            self._check_contract(cleaned)
        return cleaned

    def clean_key(self) -> str:
        key = self.cleaned_data["key"]
        saved = self.instance.key if self.instance.pk is not None else None
        entry = contract.question(saved) if saved else None
        if entry is not None and key != saved:
            raise ValidationError(
                f"The key {saved!r} cannot change: {contract.why(entry)} Reword the "
                "question instead; its key stays."
            )
        return key

    def _check_contract(self, cleaned: dict[str, Any]) -> None:
        """The code reads some questions as one kind (``contract.py``)."""
        entry = contract.question(self.instance.key)
        kind = cleaned.get("kind")
        if (
            entry is not None
            and kind is not None
            and kind != entry.kind
            and "kind" not in (self.errors)
        ):
            self.add_error(
                "kind",
                f"It must stay a {Question.Kind(entry.kind).label.lower()} question: "
                f"{contract.why(entry)}",
            )

    def _check_dependants(self, cleaned: dict[str, Any]) -> None:
        """Rules and other questions rely on this question's kind and position."""
        question = self.instance  # still the saved values: the form fills it in after clean()
        kind = cleaned.get("kind")
        if kind is not None and kind != question.kind:
            rules = Rule.objects.filter(conditions__question=question).distinct()
            if rules:
                self.add_error(
                    "kind",
                    "Rules test this question as it is, so its kind cannot change. "
                    f"Change or delete these rules first: {_names(rules)}.",
                )
            dependants = Question.objects.filter(show_if_question=question)
            if kind != Question.Kind.CHOICE and dependants:
                self.add_error(
                    "kind",
                    "Other questions are only asked for some answers to this one: "
                    f"{_names(q.key for q in dependants)}. Change them first.",
                )
        order = cleaned.get("order")
        if order is not None:
            later = Question.objects.filter(show_if_question=question, order__lte=order)
            if later:
                lowest = min(q.order for q in later)
                self.add_error(
                    "order",
                    f"It must come before the questions that depend on it "
                    f"({_names(q.key for q in later)}): use an order below {lowest}.",
                )


class OptionForm(forms.ModelForm):
    class Meta:
        model = Option
        fields = ("order", "key", "label", "help_text")
        error_messages = {
            NON_FIELD_ERRORS: {
                "unique_together": "Another answer to this question already has this key."
            }
        }

    def clean_key(self) -> str:
        key = self.cleaned_data["key"]
        option = self.instance
        if option.pk is not None and key != option.key:
            entry = contract.option(option.question.key, option.key)
            if entry is not None:
                raise ValidationError(
                    f"The key {option.key!r} cannot change: {contract.why(entry)} Reword "
                    "the answer instead; its key stays."
                )
        return key


class OptionFormSet(BaseInlineFormSet):
    """A question's answers: choice questions need some, number questions none."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        kept = _kept_forms(self)
        kind = self.instance.kind
        if kind == Question.Kind.CHOICE and not kept:
            raise ValidationError("A single-choice question needs at least one answer.")
        if kind == Question.Kind.NUMBER and kept:
            raise ValidationError(
                "Whole-number questions have no answers to pick from: delete these answers "
                "(tick 'Delete'), or make it a single-choice question."
            )
        removed = [
            form.instance
            for form in self.forms
            if form.instance.pk is not None and self._should_delete_form(form)  # type: ignore[attr-defined]
        ]
        for option in removed:
            entry = contract.option(self.instance.key, option.key)
            if entry is not None:
                raise ValidationError(
                    f"The answer '{option.label}' cannot be deleted: {contract.why(entry)}"
                )
            obligations = protection.triggered_by_option(self.instance.key, option.key)
            if obligations:
                raise ValidationError(
                    f"The answer '{option.label}' cannot be deleted: these obligations are "
                    f"triggered by it: {protection.titles(obligations)}. Change their "
                    "triggers first."
                )
            rules = Rule.objects.filter(conditions__option=option).distinct()
            if rules:
                raise ValidationError(
                    f"The answer '{option.label}' cannot be deleted: these rules test it: "
                    f"{_names(rules)}. Change or delete those rules first."
                )
            gated = Question.objects.filter(show_if_options=option)
            if gated:
                raise ValidationError(
                    f"The answer '{option.label}' cannot be deleted: it decides whether these "
                    f"questions are asked: {_names(q.key for q in gated)}. Change them first."
                )


class QuestionChangelistFormSet(BaseModelFormSet):
    """The question list's editable order column, checked as a whole."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        orders = dict(Question.objects.values_list("pk", "order"))
        for form in self.forms:
            if form.instance.pk is not None and "order" in form.cleaned_data:
                orders[form.instance.pk] = form.cleaned_data["order"]
        gated = Question.objects.filter(show_if_question__isnull=False).select_related(
            "show_if_question"
        )
        problems = [
            f"'{q.key}' is only asked after '{parent.key}', so it needs a higher order."
            for q in gated
            if (parent := q.show_if_question) is not None and orders[parent.pk] >= orders[q.pk]
        ]
        if problems:
            raise ValidationError(problems)


# --- rules -------------------------------------------------------------------------------


class RuleForm(forms.ModelForm):
    class Meta:
        model = Rule
        fields = (
            "name",
            "key",
            "effect",
            "approach",
            "points",
            "rationale",
            "enabled",
            "order",
            "source",
        )
        widgets = {"rationale": forms.Textarea(attrs={"rows": 3})}


class OptionByQuestionSelect(forms.Select):
    """The option picker: each <option> says its question (``data-question``), so the admin's
    ``admin-conditions.js`` offers only the chosen question's options."""

    def __init__(self, attrs: dict[str, Any] | None = None, choices: Any = ()) -> None:
        super().__init__({"data-filter-by-question": "", **(attrs or {})}, choices)

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-question"] = str(instance.question_id)
        return option


class RuleConditionForm(forms.ModelForm):
    """A condition; ``RuleCondition.clean`` checks it against the question in its row."""

    class Meta:
        model = RuleCondition
        fields = ("question", "operator", "option", "threshold")
        widgets = {"option": OptionByQuestionSelect}


# --- approaches ---------------------------------------------------------------------------


class ApproachForm(forms.ModelForm):
    class Meta:
        model = Approach
        fields = ("label", "summary", "key", "order", "description", "strengths", "risks")

    def clean_key(self) -> str:
        key = self.cleaned_data["key"]
        saved = self.instance.key if self.instance.pk is not None else None
        entry = contract.approach(saved) if saved else None
        if entry is not None and key != saved:
            raise ValidationError(
                f"The key {saved!r} cannot change: {contract.why(entry)} Relabel the "
                "approach instead; its key stays."
            )
        return key


# --- dimensions and ratings --------------------------------------------------------------


class RatingFormSet(BaseInlineFormSet):
    """Ratings of one dimension (or one approach): every pairing needs exactly one score."""

    #: The field naming the other side of the pairing ("approach" or "dimension").
    other = "approach"

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        rated = [form.cleaned_data[self.other] for form in _kept_forms(self)]
        model = Approach if self.other == "approach" else Dimension
        missing = model.objects.exclude(pk__in=[item.pk for item in rated])
        if missing:
            raise ValidationError(
                f"Give a score (1 to 5) for every {model._meta.verbose_name}; "
                f"missing: {_names(missing)}."
            )


class DimensionRatingFormSet(RatingFormSet):
    other = "approach"


class ApproachRatingFormSet(RatingFormSet):
    other = "dimension"


def unrated(obj: Dimension | Approach | None, model: type[Approach] | type[Dimension]) -> list:
    """The approaches (or dimensions) that ``obj`` has no rating for yet."""
    rows = model.objects.all()
    if obj is not None and obj.pk is not None:
        field = "dimension" if isinstance(obj, Dimension) else "approach"
        rows = rows.exclude(**{f"ratings__{field}": obj})
    return list(rows)


# --- presets -----------------------------------------------------------------------------


class PresetForm(forms.ModelForm):
    class Meta:
        model = Preset
        fields = ("slug", "label", "description", "expected", "answers", "order")
        widgets = {"answers": forms.Textarea(attrs={"rows": 6, "cols": 60})}

    def clean_answers(self) -> dict[str, Any]:
        answers = self.cleaned_data.get("answers")
        if not isinstance(answers, dict):
            raise ValidationError(
                'Write the answers as a JSON object, e.g. {"data_sensitivity": "sensitive", '
                '"requests_per_day": 5000}.'
            )
        errors = validate_answers(current_ruleset(), answers)
        if errors:
            raise ValidationError(
                [f"{key}: {message}" for key, messages in errors.items() for message in messages]
            )
        return answers
