"""The decision knowledge that domain experts edit in the admin.

Every change to these rows bumps ``RulesetState.version`` (see ``signals.py``), so cached
snapshots and saved reports can tell which knowledge produced a result.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.db.models import F

# Whole-number answers stay within what the cost maths and the chart handle (the chart
# goes ten times past the answer; beyond int64 it raised) and what JSON clients read exactly.
NUMBER_LIMIT = 10**15
NUMBER_RANGE = [MinValueValidator(-NUMBER_LIMIT), MaxValueValidator(NUMBER_LIMIT)]

KEY_HELP = "A short identifier (lowercase letters, digits, _ or -) used by the API and reports."


class RulesetState(models.Model):
    """The single row that versions the knowledge base and holds its global settings."""

    _CURRENT_SQL = (
        "SELECT version, close_call_margin FROM knowledge_rulesetstate ORDER BY id LIMIT 1"
    )

    version = models.PositiveBigIntegerField(default=1, editable=False)
    close_call_margin = models.DecimalField(
        "close-call margin",
        max_digits=6,
        decimal_places=2,
        default=5,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="When the top two approaches are within this many points (0 to 100), the "
        "result says it is a close call.",
    )
    price_stale_after_days = models.PositiveIntegerField(
        "prices are stale after (days)",
        default=90,
        help_text="Prices older than this are flagged as possibly out of date.",
    )
    input_tokens = models.PositiveIntegerField("typical input tokens per request", default=500)
    output_tokens = models.PositiveIntegerField("typical output tokens per request", default=300)
    fine_tuning_one_off_usd = models.DecimalField(
        "one-off fine-tuning cost (USD)",
        max_digits=12,
        decimal_places=2,
        default=Decimal("5000"),
        validators=[MinValueValidator(0)],
        help_text="Data preparation and training runs for the fine-tuned approach; spread "
        "over 12 months in the cost analysis.",
    )
    hardware_amortisation_months = models.PositiveSmallIntegerField(
        "hardware is written off over (months)",
        default=36,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text="Hardware bought up front (a workstation, an on-premises server) is spread "
        "over this many months.",
    )
    enterprise_uplift_percent = models.DecimalField(
        "enterprise tier: price uplift (%)",
        max_digits=5,
        decimal_places=2,
        default=Decimal("10"),
        validators=[MinValueValidator(0), MaxValueValidator(500)],
        help_text="How much more an enterprise tier charges per token than the standard API "
        "(regional or data-zone processing, support). Set it to your quote.",
    )
    enterprise_minimum_monthly_usd = models.DecimalField(
        "enterprise tier: minimum per month (USD)",
        max_digits=12,
        decimal_places=2,
        default=Decimal("1000"),
        validators=[MinValueValidator(0)],
        help_text="The monthly commitment an enterprise agreement usually carries; below it "
        "you pay the minimum.",
    )
    hybrid_closed_share_percent = models.PositiveSmallIntegerField(
        "hybrid: share of requests sent to a closed model (%)",
        default=20,
        validators=[MaxValueValidator(100)],
        help_text="How a single set of answers is split when the pick is hybrid: this share "
        "goes to a closed model (general and frontier work), the rest to the cheapest "
        "allowed open option.",
    )
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "ruleset settings"
        verbose_name_plural = "ruleset settings"

    def __str__(self) -> str:
        return f"Ruleset version {self.version}"

    def save(self, *args: object, **kwargs: object) -> None:
        # Never write back an in-memory version: bump() owns that column.
        if not self._state.adding and "update_fields" not in kwargs:
            kwargs["update_fields"] = [
                "close_call_margin",
                "price_stale_after_days",
                "input_tokens",
                "output_tokens",
                "fine_tuning_one_off_usd",
                "hardware_amortisation_months",
                "enterprise_uplift_percent",
                "enterprise_minimum_monthly_usd",
                "hybrid_closed_share_percent",
                "changed_at",
            ]
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @classmethod
    def bump(cls) -> None:
        """Mark the knowledge as changed: every worker reloads it on its next request."""
        if not cls.objects.update(version=F("version") + 1):
            cls.objects.create(pk=1, version=2)

    @classmethod
    def current(cls) -> tuple[int, float]:
        """(version, close-call margin) in one query; (0, 5.0) before the first migration.

        Every request asks this, so it is plain SQL: building the ORM query cost more than
        running it. Measured (2026-12, in-process, a wizard step): with this and the wizard
        session's raw SELECT the step costs about 1.9 ms, with their ORM equivalents about
        2.4 ms; bench/bench_wizard.py puts the step at 0.27 of the static ceiling, and the
        goal is 0.25, so the ORM versions would miss it.
        """
        with connection.cursor() as cursor:
            cursor.execute(cls._CURRENT_SQL)
            row = cursor.fetchone()
        return (int(row[0]), float(row[1])) if row else (0, 5.0)


class TriggeredQuerySet(models.QuerySet):
    """Questions and answers that obligations' triggers name are not deleted (``protection.py``)."""

    def delete(self) -> tuple[int, dict[str, int]]:
        from advisor.knowledge.protection import refuse_delete

        refuse_delete(self)
        return super().delete()


class Question(models.Model):
    class Kind(models.TextChoices):
        CHOICE = "choice", "Single choice"
        NUMBER = "number", "Whole number"

    key = models.SlugField(max_length=50, unique=True, help_text=KEY_HELP)
    prompt = models.CharField(max_length=200, help_text="The question as the user reads it.")
    help_text = models.TextField(
        "why we ask",
        blank=True,
        help_text="Shown under the question: why it matters for the recommendation.",
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CHOICE)
    order = models.PositiveIntegerField(default=0, help_text="Questions are asked in this order.")
    min_value = models.BigIntegerField(
        null=True,
        blank=True,
        validators=NUMBER_RANGE,
        help_text="Whole-number questions only: the smallest answer.",
    )
    max_value = models.BigIntegerField(
        null=True,
        blank=True,
        validators=NUMBER_RANGE,
        help_text="Whole-number questions only: the largest answer (at most 10^15).",
    )
    unit = models.CharField(
        max_length=40, blank=True, help_text="Whole-number questions: e.g. 'requests per day'."
    )
    show_if_question = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="only ask when",
        help_text="Ask this question only when an earlier question got one of the answers below.",
    )
    show_if_options: models.ManyToManyField[Option, Any] = models.ManyToManyField(
        "Option",
        blank=True,
        related_name="+",
        verbose_name="has one of these answers",
    )

    objects = TriggeredQuerySet.as_manager()

    class Meta:
        ordering = ["order", "key"]

    def __str__(self) -> str:
        return self.prompt

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        from advisor.knowledge.protection import refuse_delete

        refuse_delete([self])
        return super().delete(*args, **kwargs)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.kind == self.Kind.NUMBER:
            if self.min_value is None or self.max_value is None:
                errors["max_value"] = "A whole-number question needs a smallest and largest answer."
            elif self.min_value > self.max_value:
                errors["max_value"] = "The largest answer must not be below the smallest."
        elif self.min_value is not None or self.max_value is not None:
            errors["min_value"] = "Only whole-number questions have a smallest/largest answer."
        parent = self.show_if_question
        if parent is not None:
            if self.pk and parent.pk == self.pk:
                errors["show_if_question"] = "A question cannot depend on itself."
            elif parent.order >= self.order:
                errors["show_if_question"] = (
                    "It must depend on an earlier question (one with a lower order)."
                )
            elif parent.kind != self.Kind.CHOICE:
                errors["show_if_question"] = "It can only depend on a single-choice question."
        if errors:
            raise ValidationError(errors)


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    key = models.SlugField(max_length=50, help_text=KEY_HELP)
    label = models.CharField(max_length=200)
    help_text = models.CharField(max_length=300, blank=True)
    order = models.PositiveIntegerField(default=0)

    objects = TriggeredQuerySet.as_manager()

    class Meta:
        ordering = ["question__order", "order", "key"]
        constraints = [
            models.UniqueConstraint(fields=["question", "key"], name="unique_option_key"),
        ]

    def __str__(self) -> str:
        return f"{self.question.key} = {self.label}"

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        from advisor.knowledge.protection import refuse_delete

        refuse_delete([self])
        return super().delete(*args, **kwargs)


class Approach(models.Model):
    key = models.SlugField(max_length=50, unique=True, help_text=KEY_HELP)
    label = models.CharField(max_length=100)
    summary = models.CharField(max_length=250, help_text="One line, shown in rankings.")
    description = models.TextField(blank=True)
    strengths = models.TextField(blank=True, help_text="One per line.")
    risks = models.TextField(blank=True, help_text="One per line.")
    order = models.PositiveIntegerField(
        default=0, help_text="Display order, and the tie-break when two scores are equal."
    )

    class Meta:
        ordering = ["order", "key"]
        verbose_name_plural = "approaches"

    def __str__(self) -> str:
        return self.label


class Dimension(models.Model):
    key = models.SlugField(max_length=50, unique=True, help_text=KEY_HELP)
    label = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    closed_view = models.CharField(
        "closed models",
        max_length=200,
        help_text="What this dimension looks like for closed models.",
    )
    open_view = models.CharField(
        "open models", max_length=200, help_text="What it looks like for open-weight models."
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "key"]

    def __str__(self) -> str:
        return self.label


class DimensionRating(models.Model):
    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="ratings")
    approach = models.ForeignKey(Approach, on_delete=models.CASCADE, related_name="ratings")
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="1 (weak) to 5 (strong).",
    )
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["dimension__order", "approach__order"]
        constraints = [
            models.UniqueConstraint(fields=["dimension", "approach"], name="unique_rating"),
        ]

    def __str__(self) -> str:
        return f"{self.dimension.label}: {self.approach.label} = {self.score}"


class Rule(models.Model):
    """Adds points to an approach, excludes or requires it, or adds a caveat, when all its
    conditions hold. A rule without conditions always applies (an empty "and" is true):
    the engine, the snapshot, the admin and the importer all read it so."""

    class Effect(models.TextChoices):
        POINTS = "points", "Add or remove points"
        EXCLUDE = "exclude", "Exclude the approach"
        REQUIRE = "require", "Require the approach (exclude all others)"
        CAVEAT = "caveat", "Show a caveat (where the guidance pulls apart)"
        NOTE = "note", "Show a note (the guide's framing, worth knowing)"

    name = models.CharField(max_length=120, help_text="For editors: what this rule is about.")
    key = models.SlugField(
        max_length=60,
        blank=True,
        help_text="Optional short identifier for caveats and notes that the API, reports and "
        "tests refer to (e.g. 'domain-without-ml-team'). Unique when set.",
    )
    effect = models.CharField(max_length=10, choices=Effect.choices, default=Effect.POINTS)
    approach = models.ForeignKey(
        Approach,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="rules",
        help_text="The approach this rule scores, excludes or requires (optional for caveats).",
    )
    points = models.DecimalField(
        max_digits=7,
        decimal_places=2,
        default=0,
        help_text="Points added (negative: removed) when all conditions hold.",
    )
    rationale = models.TextField(
        help_text="The sentence the user sees as the reason, e.g. 'Regulated data should "
        "stay in your own environment.'"
    )
    enabled = models.BooleanField(default=True)
    order = models.PositiveIntegerField(default=0, help_text="Reasons are listed in this order.")
    source = models.CharField(
        max_length=200, blank=True, help_text="Where this rule comes from, e.g. 'Guide, step 1'."
    )

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=~models.Q(key=""), name="unique_rule_key"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.effect in (self.Effect.CAVEAT, self.Effect.NOTE):
            if self.points:
                raise ValidationError({"points": "Caveats and notes carry no points."})
        elif self.approach_id is None:
            raise ValidationError({"approach": "Choose the approach this rule applies to."})
        elif self.effect != self.Effect.POINTS and self.points:
            raise ValidationError({"points": "Only 'add or remove points' rules carry points."})
        elif self.effect == self.Effect.POINTS and not self.points:
            raise ValidationError({"points": "Give the number of points (negative to remove)."})


class RuleCondition(models.Model):
    class Operator(models.TextChoices):
        IS = "is", "is"
        IS_NOT = "is_not", "is not"
        GT = "gt", "is more than"
        GTE = "gte", "is at least"
        LT = "lt", "is less than"
        LTE = "lte", "is at most"

    CHOICE_OPERATORS = frozenset({"is", "is_not"})

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="conditions")
    # PROTECT: deleting a question would silently change every rule that tests it.
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    operator = models.CharField(max_length=6, choices=Operator.choices, default=Operator.IS)
    option = models.ForeignKey(
        Option,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="For single-choice questions.",
    )
    threshold = models.BigIntegerField(
        null=True, blank=True, help_text="For whole-number questions."
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        target = self.option.label if self.option is not None else self.threshold
        return f"{self.question.key} {self.get_operator_display()} {target}"

    def clean(self) -> None:
        """The one check of a condition: the admin's forms and the importer both call it."""
        problems = self.problems()
        if problems:
            raise ValidationError(problems)

    def problems(self) -> dict[str, str]:
        """Per-field messages: what this condition lacks or has too much of for its question."""
        if self.question_id is None:
            return {}
        question = self.question
        errors: dict[str, str] = {}
        if question.kind == Question.Kind.CHOICE:
            if self.operator and self.operator not in self.CHOICE_OPERATORS:
                errors["operator"] = "A single-choice question takes 'is' or 'is not'."
            if self.option is None:
                errors["option"] = f"Choose one of the answers to '{question.prompt}'."
            elif self.option.question_id != question.pk:
                errors["option"] = f"'{self.option.label}' is not an answer to '{question.prompt}'."
            if self.threshold is not None:
                errors["threshold"] = "Single-choice questions take no number: clear it."
            return errors
        if self.operator in self.CHOICE_OPERATORS:
            errors["operator"] = "A whole-number question takes a comparison (more/less than)."
        if self.option_id is not None:
            errors["option"] = "Whole-number questions take a number, not an answer: clear it."
        if self.threshold is None:
            errors["threshold"] = "Give the number to compare with."
        else:
            low, high = question.min_value, question.max_value
            if (low is not None and self.threshold < low) or (
                high is not None and self.threshold > high
            ):
                errors["threshold"] = f"The number must be between {low} and {high}."
        return errors


class Preset(models.Model):
    """A use-case situation from the cheat sheet, with its answers prefilled."""

    slug = models.SlugField(max_length=60, unique=True)
    label = models.CharField(max_length=120)
    description = models.CharField(max_length=300, blank=True)
    expected = models.ForeignKey(
        Approach,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="cheat-sheet recommendation",
        help_text="What the guide recommends for this situation (shown beside the result).",
    )
    answers = models.JSONField(
        default=dict,
        help_text='The prefilled answers, e.g. {"data_sensitivity": "sensitive", '
        '"requests_per_day": 5000}.',
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.label


class AccessPath(models.Model):
    """A concrete way in to an approach, with next steps the result page lists."""

    class Kind(models.TextChoices):
        CHAT = "chat", "Chat interface"
        AUTOMATION = "automation", "Automation tool"
        SDK = "sdk", "Provider SDK"
        LOCAL = "local", "Local (Ollama)"
        API_HOST = "api_host", "Third-party API host"
        CLOUD = "cloud", "Self-host on cloud or on-prem"
        FINE_TUNE = "fine_tune", "Fine-tune and deploy"
        ENTERPRISE = "enterprise", "Enterprise agreement"
        ROUTING = "routing", "Routing layer"

    approach = models.ForeignKey(Approach, on_delete=models.CASCADE, related_name="access_paths")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    title = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    steps = models.TextField(blank=True, help_text="Next steps, one per line.")
    commands = models.TextField(blank=True, help_text="Commands to copy, one per line.")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["approach__order", "order", "id"]
        verbose_name = "access path"

    def __str__(self) -> str:
        return f"{self.approach.label}: {self.title}"

    @property
    def step_list(self) -> list[str]:
        return [line.strip() for line in self.steps.splitlines() if line.strip()]

    @property
    def command_list(self) -> list[str]:
        return [line.rstrip() for line in self.commands.splitlines() if line.strip()]


class Offering(models.Model):
    """A model sold per token: a closed model's own API, or an open model on an API host."""

    class Openness(models.TextChoices):
        CLOSED = "closed", "Closed"
        OPEN = "open", "Open weights"

    class Access(models.TextChoices):
        API = "api", "Provider API"
        API_HOST = "api_host", "Third-party API host"

    class Tier(models.TextChoices):
        SMALL = "small", "Small (8B to 14B class): classification, extraction"
        STANDARD = "standard", "Standard: most everyday work"
        FRONTIER = "frontier", "Frontier: the hardest reasoning, newest features"

    key = models.SlugField(max_length=60, unique=True, help_text=KEY_HELP)
    label = models.CharField(max_length=120, help_text="e.g. 'GPT-5 mini (OpenAI API)'.")
    provider = models.CharField(max_length=80)
    model = models.CharField("model", max_length=80)
    openness = models.CharField(max_length=6, choices=Openness.choices)
    access = models.CharField(max_length=10, choices=Access.choices)
    tier = models.CharField(
        max_length=10,
        choices=Tier.choices,
        default=Tier.STANDARD,
        help_text="The work this model is good enough for: a task needing a tier is priced "
        "with the cheapest model of that tier or above.",
    )
    input_usd_per_mtok = models.DecimalField(
        "input price (USD per million tokens)",
        max_digits=10,
        decimal_places=4,
        validators=[MinValueValidator(0)],
    )
    output_usd_per_mtok = models.DecimalField(
        "output price (USD per million tokens)",
        max_digits=10,
        decimal_places=4,
        validators=[MinValueValidator(0)],
    )
    as_of = models.DateField("price as of", help_text="When this price was checked.")
    source = models.CharField(max_length=200, help_text="Where the price comes from.")
    is_default = models.BooleanField(
        "default for its kind",
        default=False,
        help_text="Used in the break-even analysis for recommendations of this kind "
        "(closed or open).",
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "key"]
        verbose_name = "priced model (offering)"

    def __str__(self) -> str:
        return self.label


class InfraProfile(models.Model):
    """What it costs to run an open model yourself, all in: GPUs, operations, hardware."""

    class Deployment(models.TextChoices):
        LOCAL = "local", "A workstation (Ollama)"
        CLOUD = "cloud", "Rented GPUs in a cloud"
        ON_PREM = "on_prem", "Your own servers (on premises)"
        MANAGED = "managed", "A managed private deployment (dedicated endpoint)"

    class ModelSize(models.TextChoices):
        SMALL = "small", "Small models (8B to 14B)"
        MEDIUM = "medium", "Mid-size models (about 70B)"
        LARGE = "large", "The largest open models (400B and up)"

    key = models.SlugField(max_length=60, unique=True, help_text=KEY_HELP)
    label = models.CharField(max_length=120)
    deployment = models.CharField(
        max_length=10,
        choices=Deployment.choices,
        default=Deployment.CLOUD,
        help_text="A managed deployment is run by a host for you (used for open models on "
        "an API host when your data must not share a public endpoint); a workstation is not "
        "offered for mission-critical uptime.",
    )
    model_size = models.CharField(
        "largest model it serves",
        max_length=10,
        choices=ModelSize.choices,
        default=ModelSize.MEDIUM,
        help_text="Small serves small-tier work; mid-size serves standard work; the largest "
        "open models serve frontier work.",
    )
    gpu_type = models.CharField(
        "GPU type",
        max_length=80,
        help_text="As in the GPU price list, so the cost section can show its prices side by side.",
    )
    gpu_hourly_usd = models.DecimalField(
        "price per GPU hour (USD)",
        max_digits=10,
        decimal_places=4,
        validators=[MinValueValidator(0)],
        help_text="Rented GPUs: the hourly price used. Owned hardware: power and hosting.",
    )
    gpus_per_replica = models.PositiveSmallIntegerField(
        "GPUs per replica", default=1, validators=[MinValueValidator(1)]
    )
    prefill_tokens_per_second = models.DecimalField(
        "input throughput (tokens per second per replica)",
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text="Prompt tokens read per second by one replica under batching (prefill).",
    )
    decode_tokens_per_second = models.DecimalField(
        "output throughput (tokens per second per replica)",
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text="Tokens written per second by one replica under batching (decode), summed "
        "over the requests it serves at once.",
    )
    throughput_source = models.CharField(
        max_length=300,
        help_text="The benchmark behind the throughput: engine, GPU, precision, concurrency.",
    )
    throughput_as_of = models.DateField("throughput as of")
    utilisation = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.6"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(1)],
        help_text="Share of the throughput usable on average (0.01 to 1).",
    )
    ops_per_deployment_usd = models.DecimalField(
        "operations per deployment per month (USD)",
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(0)],
        help_text="Engineering time to run it at all: deployment, monitoring, upgrades, on-call.",
    )
    ops_per_replica_usd = models.DecimalField(
        "operations per replica per month (USD)",
        max_digits=12,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
        help_text="What each further replica adds to the operations work.",
    )
    max_requests_per_day = models.PositiveBigIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="A hard capacity cap (e.g. one workstation). A capped profile cannot be "
        "the default.",
    )
    hardware_usd_per_replica = models.DecimalField(
        "hardware bought per replica (USD)",
        max_digits=12,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
        help_text="Hardware bought up front; spread over the hardware's life (a setting).",
    )
    as_of = models.DateField("prices as of")
    source = models.CharField(max_length=200)
    is_default = models.BooleanField(
        "default",
        default=False,
        help_text="Used by the break-even API when no profile is named.",
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "key"]
        verbose_name = "self-hosting profile"

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        if self.is_default and self.max_requests_per_day is not None:
            raise ValidationError(
                {
                    "is_default": "A profile with a capacity cap cannot be the default: every "
                    "result above its cap would have no self-hosting cost. Make an uncapped "
                    "profile the default, or clear the cap."
                }
            )


class GpuPrice(models.Model):
    """What one GPU costs an hour at one provider: hyperscalers beside tier-2 GPU clouds."""

    class Kind(models.TextChoices):
        HYPERSCALER = "hyperscaler", "Hyperscaler (AWS, Google Cloud, Azure)"
        TIER2 = "tier2", "GPU cloud (tier 2)"

    gpu_type = models.CharField("GPU type", max_length=80)
    provider = models.CharField(max_length=80)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    usd_per_gpu_hour = models.DecimalField(
        "price per GPU hour (USD)",
        max_digits=10,
        decimal_places=4,
        validators=[MinValueValidator(0)],
    )
    offer = models.CharField(
        max_length=160, help_text="The instance or offer priced, e.g. 'p5.48xlarge on demand'."
    )
    as_of = models.DateField("price as of")
    source = models.CharField(max_length=200)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["gpu_type", "order", "provider"]
        verbose_name = "GPU price"

    def __str__(self) -> str:
        return f"{self.gpu_type} at {self.provider}"


class TaskProfile(models.Model):
    """The shape of a typical request for a kind of task: tokens in and out, and the model
    tier the task needs."""

    key = models.SlugField(max_length=40, unique=True, help_text=KEY_HELP)
    label = models.CharField(max_length=80)
    description = models.CharField(max_length=200, blank=True)
    input_tokens = models.PositiveIntegerField(
        "input tokens per request", validators=[MaxValueValidator(2_000_000)]
    )
    output_tokens = models.PositiveIntegerField(
        "output tokens per request", validators=[MaxValueValidator(2_000_000)]
    )
    min_tier = models.CharField(
        "model tier needed",
        max_length=10,
        choices=Offering.Tier.choices,
        default=Offering.Tier.STANDARD,
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "key"]
        verbose_name = "task profile"

    def __str__(self) -> str:
        return self.label


class CostRule(models.Model):
    """Points that follow the computed costs at the user's volume and token shape.

    Only these may say an approach is cheaper or dearer: they fire on the cost table the
    result shows, so the words always agree with the numbers.
    """

    class Kind(models.TextChoices):
        CHEAPEST = "cheapest", "The cheapest allowed approach"
        DEARER = "dearer", "Approaches costing at least N times the cheapest allowed"

    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    factor = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(1)],
        help_text="Cheapest: by at least this factor against the next one (1 = any "
        "saving). Dearer: at least this many times the cheapest allowed.",
    )
    points = models.DecimalField(max_digits=7, decimal_places=2)
    rationale = models.TextField(
        help_text="The reason the user reads. May use {approach}, {monthly}, {cheapest}, "
        "{cheapest_monthly}, {next}, {next_monthly} and {ratio}."
    )
    enabled = models.BooleanField(default=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "cost rule"

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from advisor.engine.costrules import template_problems

        problems = template_problems(self.rationale)
        if problems:
            raise ValidationError({"rationale": problems})
        if not self.points:
            raise ValidationError({"points": "Give the number of points (negative to remove)."})


class PlanPreset(models.Model):
    """A ready-made hybrid routing plan: several named workloads, each with its answers."""

    slug = models.SlugField(max_length=60, unique=True)
    label = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    workloads = models.JSONField(
        default=list,
        help_text='A list of workloads: [{"name": "...", "answers": {...}, '
        '"alternative": "<offering key, optional: a choice to show beside the plan>", '
        '"note": "..."}].',
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = "routing-plan preset"

    def __str__(self) -> str:
        return self.label


# Regulation lives in its own module; imported here so Django registers its models.
from advisor.knowledge.regulation_models import (  # noqa: E402
    Obligation,
    ObligationEffect,
    ObligationTrigger,
    ProviderAssurance,
)

__all__ = [
    "AccessPath",
    "Approach",
    "CostRule",
    "Dimension",
    "DimensionRating",
    "GpuPrice",
    "InfraProfile",
    "Obligation",
    "ObligationEffect",
    "ObligationTrigger",
    "Offering",
    "Option",
    "PlanPreset",
    "Preset",
    "ProviderAssurance",
    "Question",
    "Rule",
    "RuleCondition",
    "RulesetState",
    "TaskProfile",
]
