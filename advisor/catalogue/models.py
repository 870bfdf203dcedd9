"""The model catalogue: named models with their licences, prices (with history) and quality
indications, edited in the admin. Every figure carries its date and its source.

The result's shortlist reads a plain snapshot of these rows (``catalogue.snapshot``); the
knowledge version is bumped on every edit (``signals.py``) so that cached results follow.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.core.validators import (
    MinValueValidator,
    ProhibitNullCharactersValidator,
    URLValidator,
)
from django.db import models, transaction
from django.utils import timezone

KEY_HELP = "A short identifier (lowercase letters, digits, _ or -) used by the API and reports."
LIST_HELP = "Comma-separated."
#: Links shown on result pages and frozen into reports: web pages only (no javascript:,
#: data: or ftp: links).
http_url = URLValidator(schemes=["http", "https"], message="Enter an http:// or https:// link.")
no_nul = ProhibitNullCharactersValidator()
#: A price per million tokens: what the columns hold (999,999.9999 at most).
PRICE_DIGITS, PRICE_PLACES = 10, 4


def largest(max_digits: int, decimal_places: int) -> Decimal:
    """The largest amount a ``DecimalField(max_digits, decimal_places)`` holds."""
    return Decimal(10) ** (max_digits - decimal_places) - Decimal(10) ** -decimal_places


def amount_in_range(name: str) -> models.Q:
    """What the database checks of a stored price: 0 to the column's largest amount.

    SQLite stores any number in a decimal column, and a value wider than the column then
    breaks every query that reads the row (``decimal.InvalidOperation``)."""
    return models.Q(**{f"{name}__gte": 0, f"{name}__lte": largest(PRICE_DIGITS, PRICE_PLACES)})


def http_or_blank(name: str) -> models.Q:
    return (
        models.Q(**{name: ""})
        | models.Q(**{f"{name}__istartswith": "http://"})
        | models.Q(**{f"{name}__istartswith": "https://"})
    )


def split_list(value: str) -> list[str]:
    """'text, image' -> ['text', 'image'] (blank entries dropped)."""
    return [item.strip() for item in value.replace("\n", ",").split(",") if item.strip()]


class AIModel(models.Model):
    """One named model: who makes it, under what licence, where it runs."""

    class Tier(models.TextChoices):
        SMALL = "small", "Small (8B to 14B class): classification, extraction"
        STANDARD = "standard", "Standard: most everyday work"
        FRONTIER = "frontier", "Frontier: the hardest reasoning, newest features"

    key = models.SlugField(max_length=60, unique=True, help_text=KEY_HELP)
    name = models.CharField(max_length=100, help_text="e.g. 'Llama 4 Maverick'.")
    vendor = models.CharField(max_length=80, help_text="Who trains and releases it.")
    family = models.CharField(max_length=80, blank=True, help_text="e.g. 'Llama 4', 'GPT-5'.")
    size = models.CharField(
        max_length=80,
        blank=True,
        help_text="Parameters, e.g. '671B (37B active)'. Blank: unpublished.",
    )
    tier = models.CharField(
        max_length=10,
        choices=Tier.choices,
        default=Tier.STANDARD,
        help_text="The work it is good enough for (the same tiers as the price book).",
    )
    open_weights = models.BooleanField(
        default=False, help_text="The weights can be downloaded and run on your own machines."
    )
    licence_name = models.CharField("licence", max_length=120)
    licence_url = models.URLField("licence link", max_length=300, validators=[http_url])
    licence_terms = models.CharField(
        "terms that bite",
        max_length=300,
        help_text="One line a CTO must know: thresholds, use restrictions, attribution.",
    )
    max_monthly_users = models.PositiveBigIntegerField(
        "licence's monthly-user limit",
        null=True,
        blank=True,
        help_text="Above this many monthly active users the licence needs a separate "
        "agreement (Llama: 700 million). Blank: no such limit.",
    )
    excluded_jurisdictions = models.CharField(
        "licence not granted in",
        max_length=60,
        blank=True,
        help_text="Jurisdiction answers (eu, uk, us, other) whose organisations the licence "
        "does not cover, e.g. 'eu' for Llama 4's multimodal models. " + LIST_HELP,
    )
    production_allowed = models.BooleanField(
        "licence allows production use",
        default=True,
        help_text="Untick for research or non-production licences: the model is then never "
        "shortlisted for production work.",
    )
    context_window = models.PositiveIntegerField("context window (tokens)", null=True, blank=True)
    modalities = models.CharField(
        max_length=120, default="text", help_text="What it reads: text, image, audio. " + LIST_HELP
    )
    api_hosts = models.CharField(
        "API hosts",
        max_length=300,
        blank=True,
        help_text="Where it is sold per token (its vendor's API, or third-party hosts). "
        + LIST_HELP,
    )
    self_hosting_profiles = models.CharField(
        max_length=300,
        blank=True,
        help_text="Keys of the price book's self-hosting profiles that can run it. " + LIST_HELP,
    )
    ollama_tag = models.CharField(
        "Ollama tag", max_length=80, blank=True, help_text="e.g. 'llama3.1:8b'. Blank: none."
    )
    ollama_note = models.CharField(
        "Ollama note",
        max_length=300,
        blank=True,
        help_text="Say so when the tag is a smaller or distilled variant, not this model.",
    )
    notes = models.TextField(blank=True, help_text="Why a CTO would pick it, in a line or two.")
    in_guide = models.BooleanField(
        "named in the guide",
        default=False,
        help_text="The sourcing guide names it: shortlists list it first among equals.",
    )
    superseded_by = models.SlugField(
        max_length=60,
        blank=True,
        help_text="Key of the model that replaces it, if any: its shortlist entry says so.",
    )
    import_refs = models.TextField(
        "price data references",
        blank=True,
        help_text="Where import_prices finds its prices in the bundled public price data: one "
        "'provider:model id' a line, e.g. 'groq:llama-3.3-70b-versatile'.",
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "key"]
        verbose_name = "model"

    def __str__(self) -> str:
        return f"{self.name} ({self.vendor})"

    def modality_list(self) -> list[str]:
        return split_list(self.modalities)


class CurrentPrices(models.Manager["ModelPrice"]):
    def get_queryset(self) -> models.QuerySet[ModelPrice]:
        return super().get_queryset().filter(valid_until__isnull=True)


class ModelPrice(models.Model):
    """A per-token price at one provider. History is kept: a new price closes the old one
    (``replace``) instead of overwriting it, so a report can say what it was priced at."""

    model = models.ForeignKey(AIModel, on_delete=models.CASCADE, related_name="prices")
    provider = models.CharField(
        "where",
        max_length=80,
        validators=[no_nul],
        help_text="Who sells it at this price, e.g. 'Groq'.",
    )
    input_usd_per_mtok = models.DecimalField(
        "input (USD per million tokens)",
        max_digits=PRICE_DIGITS,
        decimal_places=PRICE_PLACES,
        validators=[MinValueValidator(0)],
    )
    output_usd_per_mtok = models.DecimalField(
        "output (USD per million tokens)",
        max_digits=PRICE_DIGITS,
        decimal_places=PRICE_PLACES,
        validators=[MinValueValidator(0)],
    )
    as_of = models.DateField("checked on", help_text="When this price was last checked.")
    source = models.CharField(
        max_length=200, validators=[no_nul], help_text="Where the price comes from."
    )
    source_url = models.URLField("source link", max_length=300, blank=True, validators=[http_url])
    import_ref = models.CharField(
        "price data reference",
        max_length=200,
        blank=True,
        validators=[no_nul],
        help_text="'provider:model id' in the bundled price data; blank: kept by hand.",
    )
    manual = models.BooleanField(
        "kept by hand",
        default=False,
        help_text="import_prices never changes this price (e.g. a negotiated rate).",
    )
    offering_key = models.CharField(
        "price book offering",
        max_length=60,
        blank=True,
        help_text="The price book's offering for the same model and provider: an import keeps "
        "its price equal to this one.",
    )
    valid_until = models.DateField(
        null=True, blank=True, help_text="Blank for the current price; set when it was replaced."
    )

    objects = models.Manager()
    current = CurrentPrices()

    class Meta:
        ordering = ["model__order", "model__key", "provider", "-as_of", "-id"]
        verbose_name = "price"
        constraints = [
            models.UniqueConstraint(
                fields=["model", "provider"],
                condition=models.Q(valid_until__isnull=True),
                name="one_current_price_per_provider",
            ),
            models.CheckConstraint(
                condition=amount_in_range("input_usd_per_mtok"), name="input_price_in_range"
            ),
            models.CheckConstraint(
                condition=amount_in_range("output_usd_per_mtok"), name="output_price_in_range"
            ),
            models.CheckConstraint(
                condition=http_or_blank("source_url"), name="price_source_url_is_http"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.model.name} at {self.provider}: ${self.input_usd_per_mtok} in, "
            f"${self.output_usd_per_mtok} out (as of {self.as_of})"
        )

    @transaction.atomic
    def replace(
        self,
        *,
        input_usd_per_mtok: Decimal,
        output_usd_per_mtok: Decimal,
        as_of: datetime.date,
        source: str,
        source_url: str = "",
    ) -> ModelPrice:
        """Close this price (kept, with its dates) and make a new current one."""
        self.valid_until = as_of
        self.save(update_fields=["valid_until"])
        return ModelPrice.objects.create(
            model=self.model,
            provider=self.provider,
            input_usd_per_mtok=input_usd_per_mtok,
            output_usd_per_mtok=output_usd_per_mtok,
            as_of=as_of,
            source=source,
            source_url=source_url,
            import_ref=self.import_ref,
            manual=self.manual,
            offering_key=self.offering_key,
        )

    @property
    def is_current(self) -> bool:
        return self.valid_until is None


class QualityScore(models.Model):
    """A published quality indication: never shown without its source and date."""

    model = models.ForeignKey(AIModel, on_delete=models.CASCADE, related_name="scores")
    metric = models.CharField(
        max_length=120, help_text="What was measured, e.g. 'SWE-bench Verified (%)'."
    )
    value = models.DecimalField(max_digits=10, decimal_places=2)
    source = models.CharField(max_length=200, help_text="Who published it.")
    source_url = models.URLField("source link", max_length=300, validators=[http_url])
    as_of = models.DateField("published on")

    class Meta:
        ordering = ["model__order", "model__key", "metric", "-as_of"]
        verbose_name = "quality score"

    def __str__(self) -> str:
        return f"{self.model.name}: {self.metric} {self.value} ({self.source}, {self.as_of})"


class PriceImport(models.Model):
    """A reviewed price import and whether it was applied.

    An uploaded file is kept here between its review and its application, so the apply
    form sends only the review's ``code``. ``importer.apply`` records every import it
    applies (``applied_at``) under a lock, so sending one review twice (or four times at
    once) applies it once and answers "already applied" to the others.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    fingerprint = models.CharField(max_length=64, db_index=True)
    source = models.CharField(max_length=200)
    as_of = models.DateField()
    data = models.TextField(blank=True, help_text="The reviewed file; blank: the bundled data.")
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    summary = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "price import"

    def __str__(self) -> str:
        return f"{self.source} ({self.as_of}): {self.summary or 'reviewed'}"


def today() -> datetime.date:
    return timezone.now().date()
