"""The model catalogue in the admin: models with their prices and scores inline, and the
price import as a page (review the changes, then apply exactly those).

A changed price is never overwritten: saving a new amount closes the old price (kept, with
its dates) and adds a new one, as ``import_prices`` does.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse

from advisor.catalogue import importer
from advisor.catalogue.models import AIModel, ModelPrice, QualityScore

AMOUNTS = ("input_usd_per_mtok", "output_usd_per_mtok")
MAX_UPLOAD_BYTES = 2_000_000


def save_price(price: ModelPrice, changed: list[str]) -> ModelPrice:
    """Save an edited price: a new amount on a current price replaces it (history kept)."""
    if price.pk and price.valid_until is None and any(a in changed for a in AMOUNTS):
        old = ModelPrice.objects.get(pk=price.pk)
        return old.replace(
            input_usd_per_mtok=price.input_usd_per_mtok,
            output_usd_per_mtok=price.output_usd_per_mtok,
            as_of=price.as_of,
            source=price.source,
            source_url=price.source_url,
        )
    price.save()
    return price


class ModelPriceInline(admin.TabularInline):
    model = ModelPrice
    fields = (
        "provider",
        "input_usd_per_mtok",
        "output_usd_per_mtok",
        "as_of",
        "source",
        "source_url",
        "manual",
        "valid_until",
    )
    readonly_fields = ("valid_until",)
    extra = 0
    verbose_name_plural = "prices (old ones are kept, with the date they were replaced)"

    def get_queryset(self, request: HttpRequest) -> QuerySet[ModelPrice]:
        return super().get_queryset(request).order_by("valid_until", "provider", "-as_of")


class QualityScoreInline(admin.TabularInline):
    model = QualityScore
    fields = ("metric", "value", "source", "source_url", "as_of")
    extra = 0


@admin.register(AIModel)
class AIModelAdmin(admin.ModelAdmin):
    inlines = (ModelPriceInline, QualityScoreInline)
    list_display = ("name", "vendor", "tier", "open_weights", "licence_name", "ollama_tag")
    list_filter = ("open_weights", "tier", "vendor", "in_guide", "production_allowed")
    search_fields = ("key", "name", "vendor", "family", "licence_name", "ollama_tag")
    ordering = ("order", "key")
    fieldsets = (
        (None, {"fields": ("name", "vendor", "family", "size", "tier", "notes", "in_guide")}),
        (
            "Licence",
            {
                "fields": (
                    "open_weights",
                    "licence_name",
                    "licence_url",
                    "licence_terms",
                    "max_monthly_users",
                    "excluded_jurisdictions",
                    "production_allowed",
                )
            },
        ),
        (
            "What it reads and where it runs",
            {
                "fields": (
                    "context_window",
                    "modalities",
                    "api_hosts",
                    "self_hosting_profiles",
                    "ollama_tag",
                    "ollama_note",
                )
            },
        ),
        (
            "Advanced",
            {
                "classes": ("collapse",),
                "fields": ("key", "order", "superseded_by", "import_refs"),
            },
        ),
    )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not ModelPrice:
            super().save_formset(request, form, formset, change)
            return
        formset.save(commit=False)  # sorts the rows into new, changed and deleted ones
        for price in formset.deleted_objects:
            price.delete()
        for price in formset.new_objects:
            price.save()
        for price, changed in formset.changed_objects:
            save_price(price, changed)


@admin.register(ModelPrice)
class ModelPriceAdmin(admin.ModelAdmin):
    list_display = (
        "model",
        "provider",
        "input_usd_per_mtok",
        "output_usd_per_mtok",
        "as_of",
        "source",
        "valid_until",
    )
    list_filter = ("provider", "manual", ("valid_until", admin.EmptyFieldListFilter))
    list_select_related = ("model",)
    search_fields = ("model__name", "model__key", "provider", "source", "import_ref")
    date_hierarchy = "as_of"
    autocomplete_fields = ("model",)

    def save_model(self, request: HttpRequest, obj: ModelPrice, form: Any, change: bool) -> None:
        save_price(obj, form.changed_data)

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="catalogue_import_prices",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_change_permission(request):
            raise PermissionDenied
        return import_prices_view(request, self)


@admin.register(QualityScore)
class QualityScoreAdmin(admin.ModelAdmin):
    list_display = ("model", "metric", "value", "source", "as_of")
    list_filter = ("source",)
    list_select_related = ("model",)
    search_fields = ("model__name", "metric", "source")
    autocomplete_fields = ("model",)


class PriceFileForm(forms.Form):
    file = forms.FileField(
        required=False,
        help_text="A JSON price file (source, as_of, prices). Leave empty to use the price "
        "data bundled with the application (genai-prices).",
    )


def import_prices_view(request: HttpRequest, model_admin: ModelPriceAdmin) -> HttpResponse:
    """Review the changes the price data would make; apply exactly the reviewed ones."""
    upload = PriceFileForm(request.POST or None, request.FILES or None)
    data_text = request.POST.get("data", "")
    problems: list[str] = []
    data: importer.PriceData | None = None
    try:
        if request.method == "POST" and upload.is_valid() and upload.cleaned_data["file"]:
            uploaded = upload.cleaned_data["file"]
            if uploaded.size > MAX_UPLOAD_BYTES:
                raise importer.PriceDataError(["The file is larger than 2 MB."])
            data_text = uploaded.read().decode("utf-8", errors="replace")
        data = (
            importer.price_data_from_json(data_text) if data_text else importer.bundled_price_data()
        )
    except importer.PriceDataError as error:
        problems = error.problems
    if data is not None and request.method == "POST" and "apply" in request.POST:
        try:
            applied = importer.apply(data, request.POST.get("fingerprint", ""))
        except importer.StaleReview as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                f"Applied {len(applied.actionable)} price changes ({applied.summary()}).",
            )
            return HttpResponseRedirect(reverse("admin:catalogue_modelprice_changelist"))
    plan = importer.plan(data) if data is not None else None
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": ModelPrice._meta,
        "title": "Import prices",
        "form": upload,
        "problems": problems,
        "plan": plan,
        "data_text": data_text,
        "groups": [(kind, [c for c in plan.changes if c.kind == kind]) for kind in importer.KINDS]
        if plan
        else [],
    }
    return TemplateResponse(request, "admin/catalogue/import_prices.html", context)
