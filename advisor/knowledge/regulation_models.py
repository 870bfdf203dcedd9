"""Regulation as knowledge: the obligations that answers trigger, and what providers assure.

Obligations and assurances name questions, options and approaches by key rather than by
foreign key, so that importing or resetting the rules (which recreates those rows) leaves
them in place. Triggers still protect what they name, as rules' conditions do
(``protection.py``): deleting a question or an answer a trigger names is refused (ORM, admin,
importer) and renaming one carries the triggers along. The admin refuses to save a trigger
on a key that does not exist; the snapshot ignores one that no longer does.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from advisor.knowledge.models import KEY_HELP


class Obligation(models.Model):
    class Status(models.TextChoices):
        IN_FORCE = "in_force", "in force"
        PROPOSED = "proposed", "proposed, not yet law"
        SUPERSEDED = "superseded", "superseded by a later entry"

    class Requires(models.TextChoices):
        NOTHING = "", "nothing a provider signs"
        DPA = "dpa", "a data processing agreement"
        BAA = "baa", "a business associate agreement (BAA)"
        EU_PROCESSING = "eu_processing", "processing in the EU"
        UK_PROCESSING = "uk_processing", "processing in the UK or an adequate country"
        ZERO_RETENTION = "zero_retention", "zero data retention"
        NO_TRAINING = "no_training", "no training on customer data"

    key = models.SlugField(max_length=60, unique=True, help_text=KEY_HELP)
    title = models.CharField(max_length=200)
    law = models.CharField(max_length=200, help_text="e.g. 'GDPR (Regulation (EU) 2016/679)'.")
    article = models.CharField(max_length=120, help_text="e.g. 'Art. 28' or 'Chapter V'.")
    url = models.URLField("link to the official text", max_length=500)
    applies_from = models.DateField(help_text="The date from which it applies (or would).")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.IN_FORCE)
    summary = models.TextField(help_text="What it asks of the organisation, in two sentences.")
    requires = models.CharField(
        "a provider meets it with",
        max_length=16,
        choices=Requires.choices,
        blank=True,
        help_text="Which provider assurance satisfies it, to list the providers that do.",
    )
    checked_on = models.DateField(
        "last checked by an editor", help_text="Flagged when older than the staleness setting."
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "key"]

    def __str__(self) -> str:
        return self.title


class ObligationTrigger(models.Model):
    """The obligation applies when, for every question its triggers name, the answer is one
    of the options listed for that question."""

    obligation = models.ForeignKey(Obligation, on_delete=models.CASCADE, related_name="triggers")
    question = models.CharField("question key", max_length=60)
    option = models.CharField("option key", max_length=60)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.question} is {self.option}"


class ObligationEffect(models.Model):
    class Effect(models.TextChoices):
        ALLOWED = "allowed", "allowed"
        CONDITIONAL = "conditional", "allowed with conditions"
        BLOCKED = "blocked", "blocked"

    obligation = models.ForeignKey(Obligation, on_delete=models.CASCADE, related_name="effects")
    approach = models.CharField("approach key", max_length=60)
    effect = models.CharField(max_length=12, choices=Effect.choices, default=Effect.CONDITIONAL)
    condition = models.CharField(
        max_length=400, blank=True, help_text="The condition, in one sentence."
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["obligation", "approach"], name="one_effect_per_obligation_approach"
            )
        ]

    def __str__(self) -> str:
        return f"{self.approach}: {self.effect}"


class ProviderAssurance(models.Model):
    """What one provider's service signs and promises, with its source and the day an
    editor checked it."""

    class Answer(models.TextChoices):
        YES = "yes", "yes"
        ON_REQUEST = "on_request", "on request / for eligible customers"
        NO = "no", "no"
        UNKNOWN = "unknown", "not published: ask the vendor"

    provider = models.CharField(max_length=80, help_text="e.g. 'OpenAI'.")
    service = models.CharField(max_length=120, help_text="e.g. 'OpenAI API' or 'Azure OpenAI'.")
    approaches = models.CharField(
        "approach keys",
        max_length=200,
        help_text="Comma-separated keys of the approaches this service provides, e.g. "
        "'closed_api,closed_enterprise'.",
    )
    dpa = models.CharField(
        "data processing agreement", max_length=12, choices=Answer.choices, default="unknown"
    )
    baa = models.CharField(
        "signs a HIPAA BAA", max_length=12, choices=Answer.choices, default="unknown"
    )
    baa_scope = models.CharField(
        "BAA covers", max_length=300, blank=True, help_text="Which services the BAA covers."
    )
    zero_retention = models.CharField(
        "zero data retention", max_length=12, choices=Answer.choices, default="unknown"
    )
    eu_processing = models.CharField(
        "processing in the EU", max_length=12, choices=Answer.choices, default="unknown"
    )
    uk_processing = models.CharField(
        "processing in the UK or an adequate country",
        max_length=12,
        choices=Answer.choices,
        default="unknown",
    )
    regional_uplift_percent = models.DecimalField(
        "regional processing price uplift (%)",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(500)],
        help_text="Empty when the provider publishes none.",
    )
    trains_by_default = models.CharField(
        "trains on customer data by default",
        max_length=12,
        choices=Answer.choices,
        default="unknown",
    )
    notes = models.TextField(blank=True)
    source_url = models.URLField("source", max_length=500)
    verified_on = models.DateField("verified on")

    class Meta:
        ordering = ["provider", "service"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "service"], name="one_assurance_per_service"
            )
        ]

    def __str__(self) -> str:
        return self.service
