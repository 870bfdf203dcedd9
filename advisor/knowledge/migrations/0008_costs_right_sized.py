"""Costs a CFO can check: model tiers, self-hosting profiles with separate input and output
throughput, operations that grow with the fleet, hardware bought per replica, GPU prices side
by side, task profiles, cost rules, and the enterprise and hybrid settings.

Existing self-hosting profiles keep their figures: the one throughput becomes both the input
and the output throughput, the fixed operations cost the per-deployment one, the one-off cost
the hardware of a replica. ``0009`` then loads the shipped price book.
"""

import django.core.validators
from decimal import Decimal

from django.db import migrations, models


def carry_over(apps, schema_editor):
    InfraProfile = apps.get_model("knowledge", "InfraProfile")
    for profile in InfraProfile.objects.all():
        profile.prefill_tokens_per_second = profile.tokens_per_second
        profile.decode_tokens_per_second = profile.tokens_per_second
        profile.ops_per_deployment_usd = profile.fixed_monthly_usd
        profile.hardware_usd_per_replica = profile.one_off_usd
        profile.throughput_source = profile.source
        profile.throughput_as_of = profile.as_of
        profile.save()


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0007_validate_ranges_protect_tested_questions")]

    operations = [
        migrations.AddField(
            model_name="rule",
            name="key",
            field=models.SlugField(
                blank=True,
                help_text="Optional short identifier for caveats and notes that the API, "
                "reports and tests refer to (e.g. 'domain-without-ml-team'). Unique when set.",
                max_length=60,
            ),
        ),
        migrations.AlterField(
            model_name="rule",
            name="effect",
            field=models.CharField(
                choices=[
                    ("points", "Add or remove points"),
                    ("exclude", "Exclude the approach"),
                    ("require", "Require the approach (exclude all others)"),
                    ("caveat", "Show a caveat (where the guidance pulls apart)"),
                    ("note", "Show a note (the guide's framing, worth knowing)"),
                ],
                default="points",
                max_length=10,
            ),
        ),
        migrations.AddConstraint(
            model_name="rule",
            constraint=models.UniqueConstraint(
                condition=models.Q(("key", ""), _negated=True),
                fields=("key",),
                name="unique_rule_key",
            ),
        ),
        migrations.AddField(
            model_name="offering",
            name="tier",
            field=models.CharField(
                choices=[
                    ("small", "Small (8B to 14B class): classification, extraction"),
                    ("standard", "Standard: most everyday work"),
                    ("frontier", "Frontier: the hardest reasoning, newest features"),
                ],
                default="standard",
                help_text="The work this model is good enough for: a task needing a tier is "
                "priced with the cheapest model of that tier or above.",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="infraprofile",
            name="deployment",
            field=models.CharField(
                choices=[
                    ("local", "A workstation (Ollama)"),
                    ("cloud", "Rented GPUs in a cloud"),
                    ("on_prem", "Your own servers (on premises)"),
                    ("managed", "A managed private deployment (dedicated endpoint)"),
                ],
                default="cloud",
                help_text="A managed deployment is run by a host for you (used for open models "
                "on an API host when your data must not share a public endpoint); a workstation "
                "is not offered for mission-critical uptime.",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="infraprofile",
            name="model_size",
            field=models.CharField(
                choices=[
                    ("small", "Small models (8B to 14B)"),
                    ("medium", "Mid-size models (about 70B)"),
                    ("large", "The largest open models (400B and up)"),
                ],
                default="medium",
                help_text="Small serves small-tier work; mid-size serves standard work; the "
                "largest open models serve frontier work.",
                max_length=10,
                verbose_name="largest model it serves",
            ),
        ),
        migrations.AddField(
            model_name="infraprofile",
            name="prefill_tokens_per_second",
            field=models.DecimalField(
                decimal_places=2,
                default=Decimal("1"),
                help_text="Prompt tokens read per second by one replica under batching (prefill).",
                max_digits=12,
                validators=[django.core.validators.MinValueValidator(Decimal("0.01"))],
                verbose_name="input throughput (tokens per second per replica)",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="infraprofile",
            name="decode_tokens_per_second",
            field=models.DecimalField(
                decimal_places=2,
                default=Decimal("1"),
                help_text="Tokens written per second by one replica under batching (decode), "
                "summed over the requests it serves at once.",
                max_digits=12,
                validators=[django.core.validators.MinValueValidator(Decimal("0.01"))],
                verbose_name="output throughput (tokens per second per replica)",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="infraprofile",
            name="throughput_source",
            field=models.CharField(
                default="",
                help_text="The benchmark behind the throughput: engine, GPU, precision, "
                "concurrency.",
                max_length=300,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="infraprofile",
            name="throughput_as_of",
            field=models.DateField(default="2025-01-01", verbose_name="throughput as of"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="infraprofile",
            name="ops_per_deployment_usd",
            field=models.DecimalField(
                decimal_places=2,
                default=Decimal("0"),
                help_text="Engineering time to run it at all: deployment, monitoring, upgrades, "
                "on-call.",
                max_digits=12,
                validators=[django.core.validators.MinValueValidator(0)],
                verbose_name="operations per deployment per month (USD)",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="infraprofile",
            name="ops_per_replica_usd",
            field=models.DecimalField(
                decimal_places=2,
                default=0,
                help_text="What each further replica adds to the operations work.",
                max_digits=12,
                validators=[django.core.validators.MinValueValidator(0)],
                verbose_name="operations per replica per month (USD)",
            ),
        ),
        migrations.AddField(
            model_name="infraprofile",
            name="hardware_usd_per_replica",
            field=models.DecimalField(
                decimal_places=2,
                default=0,
                help_text="Hardware bought up front; spread over the hardware's life (a setting).",
                max_digits=12,
                validators=[django.core.validators.MinValueValidator(0)],
                verbose_name="hardware bought per replica (USD)",
            ),
        ),
        migrations.RunPython(carry_over, migrations.RunPython.noop),
        migrations.RemoveField(model_name="infraprofile", name="tokens_per_second"),
        migrations.RemoveField(model_name="infraprofile", name="fixed_monthly_usd"),
        migrations.RemoveField(model_name="infraprofile", name="one_off_usd"),
        migrations.AlterField(
            model_name="infraprofile",
            name="gpu_type",
            field=models.CharField(
                help_text="As in the GPU price list, so the cost section can show its prices "
                "side by side.",
                max_length=80,
                verbose_name="GPU type",
            ),
        ),
        migrations.AlterField(
            model_name="infraprofile",
            name="gpu_hourly_usd",
            field=models.DecimalField(
                decimal_places=4,
                help_text="Rented GPUs: the hourly price used. Owned hardware: power and "
                "hosting.",
                max_digits=10,
                validators=[django.core.validators.MinValueValidator(0)],
                verbose_name="price per GPU hour (USD)",
            ),
        ),
        migrations.AlterField(
            model_name="infraprofile",
            name="is_default",
            field=models.BooleanField(
                default=False,
                help_text="Used by the break-even API when no profile is named.",
                verbose_name="default",
            ),
        ),
        migrations.AlterModelOptions(
            name="infraprofile",
            options={"ordering": ["order", "key"], "verbose_name": "self-hosting profile"},
        ),
        migrations.CreateModel(
            name="GpuPrice",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("gpu_type", models.CharField(max_length=80, verbose_name="GPU type")),
                ("provider", models.CharField(max_length=80)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("hyperscaler", "Hyperscaler (AWS, Google Cloud, Azure)"),
                            ("tier2", "GPU cloud (tier 2)"),
                        ],
                        max_length=12,
                    ),
                ),
                (
                    "usd_per_gpu_hour",
                    models.DecimalField(
                        decimal_places=4,
                        max_digits=10,
                        validators=[django.core.validators.MinValueValidator(0)],
                        verbose_name="price per GPU hour (USD)",
                    ),
                ),
                (
                    "offer",
                    models.CharField(
                        help_text="The instance or offer priced, e.g. 'p5.48xlarge on demand'.",
                        max_length=160,
                    ),
                ),
                ("as_of", models.DateField(verbose_name="price as of")),
                ("source", models.CharField(max_length=200)),
                ("order", models.PositiveIntegerField(default=0)),
            ],
            options={"verbose_name": "GPU price", "ordering": ["gpu_type", "order", "provider"]},
        ),
        migrations.CreateModel(
            name="TaskProfile",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.SlugField(help_text="A short identifier (lowercase letters, digits, _ or -) used by the API and reports.", max_length=40, unique=True)),
                ("label", models.CharField(max_length=80)),
                ("description", models.CharField(blank=True, max_length=200)),
                ("input_tokens", models.PositiveIntegerField(validators=[django.core.validators.MaxValueValidator(2000000)], verbose_name="input tokens per request")),
                ("output_tokens", models.PositiveIntegerField(validators=[django.core.validators.MaxValueValidator(2000000)], verbose_name="output tokens per request")),
                (
                    "min_tier",
                    models.CharField(
                        choices=[
                            ("small", "Small (8B to 14B class): classification, extraction"),
                            ("standard", "Standard: most everyday work"),
                            ("frontier", "Frontier: the hardest reasoning, newest features"),
                        ],
                        default="standard",
                        max_length=10,
                        verbose_name="model tier needed",
                    ),
                ),
                ("order", models.PositiveIntegerField(default=0)),
            ],
            options={"verbose_name": "task profile", "ordering": ["order", "key"]},
        ),
        migrations.CreateModel(
            name="CostRule",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=120)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("cheapest", "The cheapest allowed approach"),
                            ("dearer", "Approaches costing at least N times the cheapest allowed"),
                        ],
                        max_length=10,
                    ),
                ),
                (
                    "factor",
                    models.DecimalField(
                        decimal_places=2,
                        default=1,
                        help_text="Cheapest: by at least this factor against the next one (1 = "
                        "any saving). Dearer: at least this many times the cheapest allowed.",
                        max_digits=8,
                        validators=[django.core.validators.MinValueValidator(1)],
                    ),
                ),
                ("points", models.DecimalField(decimal_places=2, max_digits=7)),
                (
                    "rationale",
                    models.TextField(
                        help_text="The reason the user reads. May use {approach}, {monthly}, "
                        "{cheapest}, {cheapest_monthly}, {next}, {next_monthly} and {ratio}."
                    ),
                ),
                ("enabled", models.BooleanField(default=True)),
                ("order", models.PositiveIntegerField(default=0)),
            ],
            options={"verbose_name": "cost rule", "ordering": ["order", "id"]},
        ),
        migrations.AddField(
            model_name="rulesetstate",
            name="hardware_amortisation_months",
            field=models.PositiveSmallIntegerField(
                default=36,
                help_text="Hardware bought up front (a workstation, an on-premises server) is "
                "spread over this many months.",
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(120),
                ],
                verbose_name="hardware is written off over (months)",
            ),
        ),
        migrations.AddField(
            model_name="rulesetstate",
            name="enterprise_uplift_percent",
            field=models.DecimalField(
                decimal_places=2,
                default=Decimal("10"),
                help_text="How much more an enterprise tier charges per token than the standard "
                "API (regional or data-zone processing, support). Set it to your quote.",
                max_digits=5,
                validators=[
                    django.core.validators.MinValueValidator(0),
                    django.core.validators.MaxValueValidator(500),
                ],
                verbose_name="enterprise tier: price uplift (%)",
            ),
        ),
        migrations.AddField(
            model_name="rulesetstate",
            name="enterprise_minimum_monthly_usd",
            field=models.DecimalField(
                decimal_places=2,
                default=Decimal("1000"),
                help_text="The monthly commitment an enterprise agreement usually carries; below "
                "it you pay the minimum.",
                max_digits=12,
                validators=[django.core.validators.MinValueValidator(0)],
                verbose_name="enterprise tier: minimum per month (USD)",
            ),
        ),
        migrations.AddField(
            model_name="rulesetstate",
            name="hybrid_closed_share_percent",
            field=models.PositiveSmallIntegerField(
                default=20,
                help_text="How a single set of answers is split when the pick is hybrid: this "
                "share goes to a closed model (general and frontier work), the rest to the "
                "cheapest allowed open option.",
                validators=[django.core.validators.MaxValueValidator(100)],
                verbose_name="hybrid: share of requests sent to a closed model (%)",
            ),
        ),
    ]
