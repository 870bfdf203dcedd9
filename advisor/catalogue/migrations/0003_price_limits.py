"""Price limits in the database, and a record of price imports.

Before the constraints, ``repair`` removes what an import could store before they existed:
on SQLite an amount wider than its column (1250000, 1e308), which breaks every query
that reads the row, and links that are not http(s) (``javascript:``). A removed current
price gives its place back to the price it had replaced, and the price book's offering
that followed it takes that price back.
"""

import uuid
from decimal import Decimal

import django.core.validators
from django.db import migrations, models

AMOUNTS = ("input_usd_per_mtok", "output_usd_per_mtok")
LARGEST = Decimal("999999.9999")  # max_digits=10, decimal_places=4


def out_of_range():
    found = models.Q()
    for name in AMOUNTS:
        found |= models.Q(**{f"{name}__lt": 0}) | models.Q(**{f"{name}__gt": LARGEST})
    return found


def http_or_blank():
    return (
        models.Q(source_url="")
        | models.Q(source_url__istartswith="http://")
        | models.Q(source_url__istartswith="https://")
    )


def repair(apps, schema_editor):
    ModelPrice = apps.get_model("catalogue", "ModelPrice")
    Offering = apps.get_model("knowledge", "Offering")
    bad = ModelPrice.objects.filter(out_of_range())
    # Never read the amounts of a bad row: only its other columns.
    replaced = list(
        bad.filter(valid_until__isnull=True).values_list("model_id", "provider", "offering_key")
    )
    bad.only("pk").delete()
    for model_id, provider, offering_key in replaced:
        same = ModelPrice.objects.filter(model_id=model_id, provider=provider)
        if same.filter(valid_until__isnull=True).exists():
            continue
        before = same.order_by("-valid_until", "-pk").first()
        if before is None:
            continue
        before.valid_until = None
        before.save(update_fields=["valid_until"])
        if offering_key:
            Offering.objects.filter(out_of_range(), key=offering_key).update(
                input_usd_per_mtok=before.input_usd_per_mtok,
                output_usd_per_mtok=before.output_usd_per_mtok,
                as_of=before.as_of,
                source=before.source,
            )
    ModelPrice.objects.exclude(http_or_blank()).update(source_url="")


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0002_seed_catalogue"),
        ("knowledge", "0011_seed_regulation"),
    ]

    operations = [
        migrations.CreateModel(
            name="PriceImport",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("code", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ("fingerprint", models.CharField(db_index=True, max_length=64)),
                ("source", models.CharField(max_length=200)),
                ("as_of", models.DateField()),
                (
                    "data",
                    models.TextField(
                        blank=True, help_text="The reviewed file; blank: the bundled data."
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("applied_at", models.DateTimeField(blank=True, null=True)),
                ("summary", models.CharField(blank=True, max_length=200)),
            ],
            options={
                "verbose_name": "price import",
                "ordering": ["-created_at"],
            },
        ),
        migrations.AlterField(
            model_name="aimodel",
            name="licence_url",
            field=models.URLField(
                max_length=300,
                validators=[
                    django.core.validators.URLValidator(
                        message="Enter an http:// or https:// link.", schemes=["http", "https"]
                    )
                ],
                verbose_name="licence link",
            ),
        ),
        migrations.AlterField(
            model_name="modelprice",
            name="import_ref",
            field=models.CharField(
                blank=True,
                help_text="'provider:model id' in the bundled price data; blank: kept by hand.",
                max_length=200,
                validators=[django.core.validators.ProhibitNullCharactersValidator()],
                verbose_name="price data reference",
            ),
        ),
        migrations.AlterField(
            model_name="modelprice",
            name="provider",
            field=models.CharField(
                help_text="Who sells it at this price, e.g. 'Groq'.",
                max_length=80,
                validators=[django.core.validators.ProhibitNullCharactersValidator()],
                verbose_name="where",
            ),
        ),
        migrations.AlterField(
            model_name="modelprice",
            name="source",
            field=models.CharField(
                help_text="Where the price comes from.",
                max_length=200,
                validators=[django.core.validators.ProhibitNullCharactersValidator()],
            ),
        ),
        migrations.AlterField(
            model_name="modelprice",
            name="source_url",
            field=models.URLField(
                blank=True,
                max_length=300,
                validators=[
                    django.core.validators.URLValidator(
                        message="Enter an http:// or https:// link.", schemes=["http", "https"]
                    )
                ],
                verbose_name="source link",
            ),
        ),
        migrations.AlterField(
            model_name="qualityscore",
            name="source_url",
            field=models.URLField(
                max_length=300,
                validators=[
                    django.core.validators.URLValidator(
                        message="Enter an http:// or https:// link.", schemes=["http", "https"]
                    )
                ],
                verbose_name="source link",
            ),
        ),
        migrations.RunPython(repair, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="modelprice",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("input_usd_per_mtok__gte", 0),
                    ("input_usd_per_mtok__lte", Decimal("999999.9999")),
                ),
                name="input_price_in_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="modelprice",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("output_usd_per_mtok__gte", 0),
                    ("output_usd_per_mtok__lte", Decimal("999999.9999")),
                ),
                name="output_price_in_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="modelprice",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("source_url", ""),
                    ("source_url__istartswith", "http://"),
                    ("source_url__istartswith", "https://"),
                    _connector="OR",
                ),
                name="price_source_url_is_http",
            ),
        ),
    ]
