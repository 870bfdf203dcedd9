"""Admin for obligations and provider assurances: edited like rules, with the keys they name
checked against the knowledge base and entries past the staleness threshold flagged."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Case, QuerySet, Value, When
from django.http import HttpRequest

from advisor.knowledge.admin_filters import StaleFilter, stale_cutoff
from advisor.knowledge.models import (
    Approach,
    Obligation,
    ObligationEffect,
    ObligationTrigger,
    Option,
    ProviderAssurance,
    Question,
)


class CheckedFilter(StaleFilter):
    title = "last checked"
    parameter_name = "checked"
    field = "checked_on"
    labels = ("Due for a check", "Recently checked")


class VerifiedFilter(CheckedFilter):
    field = "verified_on"


def _with_due(queryset: QuerySet[Any], field: str) -> QuerySet[Any]:
    """Each row with ``is_due``, against one staleness cutoff for the whole list."""
    return queryset.annotate(
        is_due=Case(
            When(**{f"{field}__lt": stale_cutoff()}, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


class TriggerForm(forms.ModelForm):
    class Meta:
        model = ObligationTrigger
        fields = ("question", "option")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        question, option = data.get("question"), data.get("option")
        if question and not Question.objects.filter(key=question, kind="choice").exists():
            self.add_error("question", f"No single-choice question has the key {question!r}.")
        elif (
            question
            and option
            and not Option.objects.filter(question__key=question, key=option).exists()
        ):
            keys = ", ".join(
                Option.objects.filter(question__key=question).values_list("key", flat=True)
            )
            self.add_error("option", f"{question!r} has no answer {option!r} (it has: {keys}).")
        return data


class EffectForm(forms.ModelForm):
    class Meta:
        model = ObligationEffect
        fields = ("approach", "effect", "condition")

    def clean_approach(self) -> str:
        key = self.cleaned_data["approach"]
        if not Approach.objects.filter(key=key).exists():
            keys = ", ".join(Approach.objects.values_list("key", flat=True))
            raise ValidationError(f"No approach has the key {key!r} (there are: {keys}).")
        return key


class TriggerInline(admin.TabularInline):
    model = ObligationTrigger
    form = TriggerForm
    extra = 0
    verbose_name = "trigger (every question listed must have one of its listed answers)"
    verbose_name_plural = "triggers"


class EffectInline(admin.TabularInline):
    model = ObligationEffect
    form = EffectForm
    extra = 0
    verbose_name_plural = "what it means for each approach (unlisted approaches: allowed)"


@admin.register(Obligation)
class ObligationAdmin(admin.ModelAdmin):
    list_display = ("title", "law", "article", "status", "applies_from", "checked_on", "due")
    list_filter = ("status", CheckedFilter, "law")
    search_fields = ("title", "law", "article", "key", "summary")
    inlines = [TriggerInline, EffectInline]
    fieldsets = (
        (None, {"fields": ("key", "title", "summary", "order")}),
        ("Source", {"fields": ("law", "article", "url", "applies_from", "status", "checked_on")}),
        ("Providers", {"fields": ("requires",)}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Obligation]:
        return _with_due(super().get_queryset(request), "checked_on")

    @admin.display(boolean=True, description="due for a check", ordering="checked_on")
    def due(self, obligation: Any) -> bool:
        return bool(obligation.is_due)


class AssuranceForm(forms.ModelForm):
    class Meta:
        model = ProviderAssurance
        fields = (
            "provider",
            "service",
            "approaches",
            "dpa",
            "baa",
            "baa_scope",
            "zero_retention",
            "eu_processing",
            "uk_processing",
            "regional_uplift_percent",
            "trains_by_default",
            "notes",
            "source_url",
            "verified_on",
        )

    def clean_approaches(self) -> str:
        keys = [k.strip() for k in self.cleaned_data["approaches"].split(",") if k.strip()]
        known = set(Approach.objects.values_list("key", flat=True))
        unknown = [k for k in keys if k not in known]
        if not keys or unknown:
            raise ValidationError(
                f"Give approach keys separated by commas; unknown: {', '.join(unknown) or '-'} "
                f"(there are: {', '.join(sorted(known))})."
            )
        return ",".join(keys)


@admin.register(ProviderAssurance)
class ProviderAssuranceAdmin(admin.ModelAdmin):
    form = AssuranceForm
    list_display = (
        "service",
        "provider",
        "dpa",
        "baa",
        "zero_retention",
        "eu_processing",
        "trains_by_default",
        "verified_on",
        "due",
    )
    list_filter = ("provider", "baa", "eu_processing", VerifiedFilter)
    search_fields = ("provider", "service", "notes")

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProviderAssurance]:
        return _with_due(super().get_queryset(request), "verified_on")

    @admin.display(boolean=True, description="due for a check", ordering="verified_on")
    def due(self, assurance: Any) -> bool:
        return bool(assurance.is_due)
