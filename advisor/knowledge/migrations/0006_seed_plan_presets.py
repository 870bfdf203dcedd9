"""Load the shipped routing-plan presets (and refresh the price book they refer to)."""

from django.db import migrations


def seed(apps, schema_editor):
    from advisor.knowledge.loader import load_price_book

    load_price_book(apps=apps)


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0005_plan_presets")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
