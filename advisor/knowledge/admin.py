"""The knowledge base in the Django admin, written for domain experts, not programmers.

Saving anything here bumps the ruleset version (``signals.py``), so the wizard, the API and
the "Try it" page use the edit on their next request. The forms (``forms.py``) refuse any
edit that would leave knowledge the engine cannot load.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode

from advisor.engine import validate_answers
from advisor.knowledge import contract, forms, protection
from advisor.knowledge.admin_filters import StaleFilter
from advisor.knowledge.models import (
    AccessPath,
    Approach,
    CostRule,
    Dimension,
    DimensionRating,
    GpuPrice,
    InfraProfile,
    Offering,
    Option,
    Preset,
    Question,
    Rule,
    RuleCondition,
    RulesetState,
    TaskProfile,
)
from advisor.knowledge.ruleset import current_knowledge, current_ruleset


def try_it_url(**params: str) -> str:
    url = reverse("admin:knowledge_tryit")
    return f"{url}?{urlencode(params)}" if params else url


class KnowledgeAdmin(admin.ModelAdmin):
    """Shared by every knowledge admin: list rows report model errors instead of crashing;
    ``admin.css`` keeps the lists within a laptop's width (1366 px)."""

    class Media:
        css = {"all": ("advisor/css/admin.css",)}

    def get_changelist_form(self, request: HttpRequest, **kwargs: Any) -> Any:
        return super().get_changelist_form(request, form=forms.ListRowForm, **kwargs)


# --- questions ---------------------------------------------------------------------------


class OptionInline(admin.TabularInline):
    model = Option
    form = forms.OptionForm
    formset = forms.OptionFormSet
    fields = ("order", "key", "label", "help_text")
    ordering = ("order", "key")
    extra = 0
    verbose_name = "answer"
    verbose_name_plural = "answers (single-choice questions only)"


@admin.register(Question)
class QuestionAdmin(KnowledgeAdmin):
    form = forms.QuestionForm
    inlines = (OptionInline,)
    list_display = ("order", "key", "prompt", "kind", "answers", "asked_when")
    list_display_links = ("key", "prompt")
    list_editable = ("order",)
    list_filter = ("kind",)
    list_select_related = ("show_if_question",)
    search_fields = ("key", "prompt", "help_text", "options__label")
    ordering = ("order", "key")
    fieldsets = (
        (None, {"fields": ("prompt", "help_text", "kind", "order", "key")}),
        (
            "Whole-number answers",
            {
                "classes": ("collapse",),
                "description": "Only for whole-number questions: the range of valid answers.",
                "fields": ("min_value", "max_value", "unit"),
            },
        ),
        (
            "Only ask this question sometimes (advanced)",
            {
                "classes": ("collapse",),
                "description": "Leave empty to always ask it.",
                "fields": ("show_if_question", "show_if_options"),
            },
        ),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Question]:
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("options", queryset=Option.objects.order_by("order", "key")),
                "show_if_options",
            )
        )

    def get_changelist_formset(self, request: HttpRequest, **kwargs: Any) -> Any:
        return super().get_changelist_formset(
            request, formset=forms.QuestionChangelistFormSet, **kwargs
        )

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> tuple[Any, Any, Any, Any]:
        """Refuse to delete a question that the code reads (``contract.py``), that rules test
        or that obligations' triggers name, saying which: deleting it would silently change
        the advice, what each of those rules means, or which obligations apply."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        questions = list(objs)
        rules = (
            Rule.objects.filter(conditions__question__in=questions)
            .distinct()
            .order_by("order", "id")
        )
        reasons = [
            f"the code relies on it: {contract.why(entry)}"
            for question in questions
            if (entry := contract.question(question.key)) is not None
        ]
        reasons += [
            format_html(
                'the rule <a href="{}">{}</a> tests it: change or delete that rule first',
                reverse("admin:knowledge_rule_change", args=[rule.pk]),
                rule.name,
            )
            for rule in rules
        ]
        reasons += [
            format_html(
                'the obligation <a href="{}">{}</a> is triggered by its answers: change its '
                "triggers first",
                reverse("admin:knowledge_obligation_change", args=[obligation.pk]),
                obligation.title,
            )
            for question in questions
            for obligation in protection.triggered_by_question(question.key)
        ]
        return deleted, counts, perms_needed, reasons or protected

    @admin.display(description="answers")
    def answers(self, question: Question) -> str:
        if question.kind == Question.Kind.NUMBER:
            unit = f" {question.unit}" if question.unit else ""
            return f"{question.min_value} to {question.max_value}{unit}"
        return ", ".join(option.label for option in question.options.all())

    @admin.display(description="only asked when")
    def asked_when(self, question: Question) -> str:
        if question.show_if_question is None:
            return "always"
        labels = " or ".join(option.label for option in question.show_if_options.all())
        return f"{question.show_if_question.key} is {labels}"


# --- approaches, dimensions, access paths ------------------------------------------------


class AccessPathInline(admin.StackedInline):
    model = AccessPath
    fields = ("kind", "title", "description", "steps", "commands", "order")
    ordering = ("order", "id")
    extra = 0
    classes = ("collapse",)


class RatingInline(admin.TabularInline):
    """One row per pairing; the missing ones are offered prefilled (``PrefilledRatingsAdmin``)."""

    model = DimensionRating
    extra = 0
    #: The model on the other side of the pairing.
    other: type[Approach] | type[Dimension] = Approach

    def get_extra(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> int:
        return len(forms.unrated(obj, self.other))


class DimensionRatingInline(RatingInline):
    formset = forms.DimensionRatingFormSet
    fields = ("approach", "score", "note")
    ordering = ("approach__order", "approach__key")
    other = Approach
    verbose_name = "rating"
    verbose_name_plural = "ratings: one per approach, 1 (weak) to 5 (strong)"


class ApproachRatingInline(RatingInline):
    formset = forms.ApproachRatingFormSet
    fields = ("dimension", "score", "note")
    ordering = ("dimension__order", "dimension__key")
    other = Dimension
    verbose_name = "rating"
    verbose_name_plural = "ratings: one per dimension, 1 (weak) to 5 (strong)"


class PrefilledRatingsAdmin(KnowledgeAdmin):
    """Offers the missing pairings of a ``RatingInline`` as prefilled empty rows."""

    def get_formset_kwargs(
        self, request: HttpRequest, obj: Any, inline: Any, prefix: str
    ) -> dict[str, Any]:
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, RatingInline):
            field = "approach" if inline.other is Approach else "dimension"
            kwargs["initial"] = [{field: item.pk} for item in forms.unrated(obj, inline.other)]
        return kwargs


@admin.register(Approach)
class ApproachAdmin(PrefilledRatingsAdmin):
    form = forms.ApproachForm
    inlines = (ApproachRatingInline, AccessPathInline)
    list_display = ("order", "label", "key", "summary", "rule_count")
    list_display_links = ("label",)
    list_editable = ("order",)
    search_fields = ("key", "label", "summary", "description")
    ordering = ("order", "key")
    fieldsets = (
        (None, {"fields": ("label", "summary", "key", "order")}),
        ("Details shown on the result page", {"fields": ("description", "strengths", "risks")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Approach]:
        return super().get_queryset(request).annotate(rule_total=Count("rules"))

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> tuple[Any, Any, Any, Any]:
        """Refuse to delete an approach the code reads (``contract.py``), saying which."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        reasons = [
            f"the code relies on it: {contract.why(entry)}"
            for approach in objs
            if (entry := contract.approach(approach.key)) is not None
        ]
        return deleted, counts, perms_needed, reasons or protected

    @admin.display(description="rules", ordering="rule_total")
    def rule_count(self, approach: Approach) -> int:
        return approach.rule_total  # type: ignore[attr-defined]  # annotated in get_queryset


@admin.register(Dimension)
class DimensionAdmin(PrefilledRatingsAdmin):
    inlines = (DimensionRatingInline,)
    list_display = ("order", "label", "key", "closed_view", "open_view")
    list_display_links = ("label",)
    list_editable = ("order",)
    search_fields = ("key", "label", "description", "closed_view", "open_view")
    ordering = ("order", "key")
    fieldsets = (
        (None, {"fields": ("label", "key", "description", "closed_view", "open_view")}),
        ("Advanced", {"classes": ("collapse",), "fields": ("order",)}),
    )


@admin.register(AccessPath)
class AccessPathAdmin(KnowledgeAdmin):
    list_display = ("title", "approach", "kind", "order")
    list_display_links = ("title",)
    list_editable = ("order",)
    list_filter = ("approach", "kind")
    list_select_related = ("approach",)
    search_fields = ("title", "description", "steps")
    ordering = ("approach__order", "order", "id")
    fieldsets = (
        (None, {"fields": ("approach", "kind", "title", "description")}),
        ("Next steps", {"fields": ("steps", "commands")}),
        ("Advanced", {"classes": ("collapse",), "fields": ("order",)}),
    )


# --- rules -------------------------------------------------------------------------------


class RuleConditionInline(admin.TabularInline):
    model = RuleCondition
    form = forms.RuleConditionForm
    fields = ("question", "operator", "option", "threshold")
    extra = 1
    verbose_name = "condition"
    verbose_name_plural = "conditions (all must hold; a rule without conditions always applies)"

    class Media:
        js = ("advisor/js/admin-conditions.js",)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "option":
            kwargs["queryset"] = Option.objects.select_related("question").order_by(
                "question__order", "question__key", "order", "key"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class QuestionTestedFilter(admin.SimpleListFilter):
    title = "question tested"
    parameter_name = "tests"
    NONE = "none"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            *((str(pk), key) for pk, key in Question.objects.values_list("pk", "key")),
            (self.NONE, "no condition (always applies)"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Rule]) -> QuerySet[Rule]:
        value = self.value()
        if not value:
            return queryset
        if value == self.NONE:
            return queryset.exclude(Exists(RuleCondition.objects.filter(rule=OuterRef("pk"))))
        return queryset.filter(
            Exists(RuleCondition.objects.filter(rule=OuterRef("pk"), question_id=value))
        )


@admin.register(Rule)
class RuleAdmin(KnowledgeAdmin):
    form = forms.RuleForm
    inlines = (RuleConditionInline,)
    list_display = ("order", "name", "when", "effect", "approach", "points", "enabled")
    list_display_links = ("name",)
    list_editable = ("order", "points", "enabled")
    list_filter = ("effect", "enabled", "approach", QuestionTestedFilter)
    list_select_related = ("approach",)
    list_per_page = 100
    search_fields = ("name", "rationale", "source")
    ordering = ("order", "id")
    save_as = True
    actions = ("enable_rules", "disable_rules")
    fieldsets = (
        (None, {"fields": ("name", "effect", "approach", "points", "rationale", "enabled")}),
        ("Advanced", {"classes": ("collapse",), "fields": ("key", "order", "source")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Rule]:
        conditions = RuleCondition.objects.select_related("question", "option").order_by("id")
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("conditions", queryset=conditions))
        )

    @admin.display(description="when")
    def when(self, rule: Rule) -> str:
        parts = [describe_condition(condition) for condition in rule.conditions.all()]
        return " and ".join(parts) if parts else "always (no condition)"

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        rule = form.instance
        if rule.enabled and not rule.conditions.exists():
            self.message_user(
                request,
                f"'{rule.name}' has no conditions, so it applies to every set of answers. "
                "Add a condition to narrow it, or untick 'enabled' to switch it off.",
                messages.WARNING,
            )

    @admin.action(description="Switch the selected rules on", permissions=["change"])
    def enable_rules(self, request: HttpRequest, queryset: QuerySet[Rule]) -> None:
        self._set_enabled(request, queryset, enabled=True)

    @admin.action(description="Switch the selected rules off", permissions=["change"])
    def disable_rules(self, request: HttpRequest, queryset: QuerySet[Rule]) -> None:
        self._set_enabled(request, queryset, enabled=False)

    def _set_enabled(self, request: HttpRequest, queryset: QuerySet[Rule], enabled: bool) -> None:
        changed = queryset.update(enabled=enabled)
        RulesetState.bump()  # update() sends no signals
        state = "on" if enabled else "off"
        self.message_user(request, f"{changed} rule(s) switched {state}.", messages.SUCCESS)


def describe_condition(condition: RuleCondition) -> str:
    """One condition in words, e.g. 'requests_per_day is at least 1,000'."""
    if condition.option is not None:
        target = condition.option.label
    elif condition.threshold is not None:
        target = f"{condition.threshold:,}"
    else:
        target = "?"
    return f"{condition.question.key} {condition.get_operator_display()} {target}"


# --- presets -----------------------------------------------------------------------------


@admin.register(Preset)
class PresetAdmin(KnowledgeAdmin):
    form = forms.PresetForm
    list_display = ("order", "label", "slug", "expected", "answers", "try_link")
    list_display_links = ("label",)
    list_editable = ("order",)
    list_filter = ("expected",)
    list_select_related = ("expected",)
    search_fields = ("slug", "label", "description")
    ordering = ("order", "slug")
    prepopulated_fields = {"slug": ("label",)}
    fieldsets = (
        (None, {"fields": ("label", "description", "answers", "expected")}),
        ("Advanced", {"classes": ("collapse",), "fields": ("slug", "order")}),
    )

    def get_list_display(self, request: HttpRequest) -> list[Any]:
        ruleset = current_ruleset()  # once per page, not once per row

        @admin.display(description="answers still valid?")
        def answers_check(preset: Preset) -> str:
            if not isinstance(preset.answers, dict):
                return "No: not a JSON object"
            errors = validate_answers(ruleset, preset.answers)
            if not errors:
                return "Yes"
            return "No: " + "; ".join(
                f"{key}: {' '.join(messages)}" for key, messages in errors.items()
            )

        return [*super().get_list_display(request), answers_check]

    @admin.display(description="try it")
    def try_link(self, preset: Preset) -> str:
        return format_html('<a href="{}">Try it</a>', try_it_url(preset=preset.slug))

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> HttpResponse:
        context["knowledge"] = current_knowledge()
        return super().render_change_form(request, context, *args, **kwargs)


# --- the ruleset settings (a single row) -------------------------------------------------


@admin.register(RulesetState)
class RulesetStateAdmin(KnowledgeAdmin):
    list_display = ("__str__", "close_call_margin", "price_stale_after_days", "changed_at")
    fieldsets = (
        (None, {"fields": ("version", "changed_at", "close_call_margin")}),
        (
            "Cost analysis",
            {
                "fields": (
                    "price_stale_after_days",
                    "input_tokens",
                    "output_tokens",
                    "fine_tuning_one_off_usd",
                    "hardware_amortisation_months",
                    "enterprise_uplift_percent",
                    "enterprise_minimum_monthly_usd",
                    "hybrid_closed_share_percent",
                )
            },
        ),
    )
    readonly_fields = ("version", "changed_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not RulesetState.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- price book --------------------------------------------------------------------------


@admin.register(Offering)
class OfferingAdmin(KnowledgeAdmin):
    list_display = (
        "order",
        "label",
        "openness",
        "tier",
        "input_usd_per_mtok",
        "output_usd_per_mtok",
        "as_of",
        "is_default",
    )
    list_display_links = ("label",)
    list_editable = ("order", "input_usd_per_mtok", "output_usd_per_mtok", "as_of")
    list_filter = ("openness", "access", "tier", "provider", StaleFilter)
    search_fields = ("label", "provider", "model", "key")
    fieldsets = (
        (None, {"fields": ("key", "label", "provider", "model", "openness", "access", "tier")}),
        ("Price", {"fields": ("input_usd_per_mtok", "output_usd_per_mtok", "as_of", "source")}),
        ("Use", {"fields": ("is_default", "order")}),
    )


@admin.register(InfraProfile)
class InfraProfileAdmin(KnowledgeAdmin):
    list_display = (
        "order",
        "label",
        "deployment",
        "model_size",
        "gpus_per_replica",
        "gpu_hourly_usd",
        "ops_per_deployment_usd",
        "as_of",
    )
    list_display_links = ("label",)
    list_editable = ("order",)
    list_filter = ("deployment", "model_size", StaleFilter)
    search_fields = ("label", "gpu_type", "key")
    fieldsets = (
        (None, {"fields": ("key", "label", "deployment", "model_size", "is_default", "order")}),
        (
            "GPUs",
            {"fields": ("gpu_type", "gpu_hourly_usd", "gpus_per_replica", "as_of", "source")},
        ),
        (
            "Throughput (from a published benchmark)",
            {
                "fields": (
                    "prefill_tokens_per_second",
                    "decode_tokens_per_second",
                    "utilisation",
                    "throughput_source",
                    "throughput_as_of",
                )
            },
        ),
        (
            "Running it",
            {
                "fields": (
                    "ops_per_deployment_usd",
                    "ops_per_replica_usd",
                    "hardware_usd_per_replica",
                    "max_requests_per_day",
                )
            },
        ),
    )


@admin.register(GpuPrice)
class GpuPriceAdmin(KnowledgeAdmin):
    list_display = ("gpu_type", "provider", "kind", "usd_per_gpu_hour", "offer", "as_of")
    list_display_links = ("provider",)
    list_filter = ("kind", "gpu_type", StaleFilter)
    search_fields = ("gpu_type", "provider", "offer")


@admin.register(TaskProfile)
class TaskProfileAdmin(KnowledgeAdmin):
    list_display = ("order", "label", "key", "input_tokens", "output_tokens", "min_tier")
    list_display_links = ("label",)
    list_editable = ("order", "input_tokens", "output_tokens", "min_tier")
    search_fields = ("label", "key")


@admin.register(CostRule)
class CostRuleAdmin(KnowledgeAdmin):
    list_display = ("order", "name", "kind", "factor", "points", "enabled")
    list_display_links = ("name",)
    list_editable = ("order", "points", "enabled")
    list_filter = ("kind", "enabled")
    search_fields = ("name", "rationale")
    fields = ("name", "kind", "factor", "points", "rationale", "enabled", "order")


# Obligations and provider assurances (registered on import).
from advisor.knowledge import regulation_admin  # noqa: E402, F401
