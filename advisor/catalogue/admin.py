"""The model catalogue in the admin: models with their prices and scores inline, and the
price import as a page (review the changes, then apply exactly those).

A changed price is never overwritten: saving a new amount closes the old price (kept, with
its dates) and adds a new one, as ``import_prices`` does.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone

from advisor.catalogue import importer
from advisor.catalogue.models import AIModel, ModelPrice, PriceImport, QualityScore

AMOUNTS = ("input_usd_per_mtok", "output_usd_per_mtok")
#: Room left in a request for the upload form's other parts (token, boundaries, headers).
FORM_OVERHEAD_BYTES = 1024
#: Reviews never applied are forgotten after this long.
REVIEW_KEPT = datetime.timedelta(days=1)


def upload_limit() -> int:
    """The largest price file the import page takes: the site refuses any request over
    ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (nginx too, ``client_max_body_size``)."""
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE) - FORM_OVERHEAD_BYTES


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
    file = forms.FileField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            f"A JSON price file (source, as_of, prices) of at most {upload_limit() // 1024} KiB. "
            "Leave empty to use the price data bundled with the application (genai-prices)."
        )


def _uploaded_data(upload: PriceFileForm) -> tuple[importer.PriceData, PriceImport]:
    """The uploaded file, checked, and kept as a review until it is applied."""
    uploaded = upload.cleaned_data["file"]
    if uploaded.size > upload_limit():
        raise importer.PriceDataError(
            [f"The file is larger than {upload_limit() // 1024} KiB: split it."]
        )
    try:
        text = uploaded.read().decode("utf-8")
    except UnicodeDecodeError as error:
        raise importer.PriceDataError([f"The file is not UTF-8 text: {error}."]) from error
    data = importer.price_data_from_json(text)
    reviewed = importer.plan(data)
    PriceImport.objects.filter(
        applied_at__isnull=True, created_at__lt=timezone.now() - REVIEW_KEPT
    ).delete()
    review = PriceImport.objects.create(
        fingerprint=reviewed.fingerprint, source=data.source, as_of=data.as_of, data=text
    )
    return data, review


def _reviewed_data(code: str) -> tuple[importer.PriceData, PriceImport | None]:
    """The data of the review being applied: a kept file, or the bundled data."""
    if not code:
        return importer.bundled_price_data(), None
    try:
        review = PriceImport.objects.filter(code=uuid.UUID(code)).first()
    except ValueError:
        review = None
    if review is None:
        raise importer.PriceDataError(
            ["This review is no longer available: upload the file again."]
        )
    return importer.price_data_from_json(review.data), review


def import_prices_view(request: HttpRequest, model_admin: ModelPriceAdmin) -> HttpResponse:
    """Review the changes the price data would make; apply exactly the reviewed ones."""
    upload = PriceFileForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    data: importer.PriceData | None = None
    review: PriceImport | None = None
    plan: importer.Plan | None = None
    changelist = reverse("admin:catalogue_modelprice_changelist")
    try:
        if request.method == "POST" and "apply" in request.POST:
            data, review = _reviewed_data(request.POST.get("review_code", ""))
            try:
                applied = importer.apply(data, request.POST.get("fingerprint", ""), review=review)
            except importer.AlreadyApplied as error:
                messages.warning(request, str(error))
                return HttpResponseRedirect(changelist)
            except importer.StaleReview as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request,
                    f"Applied {len(applied.actionable)} price changes ({applied.summary()}).",
                )
                return HttpResponseRedirect(changelist)
        elif request.method == "POST" and upload.is_valid() and upload.cleaned_data["file"]:
            data, review = _uploaded_data(upload)
        else:
            data = importer.bundled_price_data()
        plan = importer.plan(data)
    except importer.PriceDataError as error:
        problems, plan = error.problems, None
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": ModelPrice._meta,
        "title": "Import prices",
        "form": upload,
        "problems": problems,
        "plan": plan,
        "review": review,
        "groups": [(kind, [c for c in plan.changes if c.kind == kind]) for kind in importer.KINDS]
        if plan
        else [],
    }
    return TemplateResponse(request, "admin/catalogue/import_prices.html", context)
