"""Load the shipped price book (published prices and self-hosting profiles)."""

from django.db import migrations


def seed(apps, schema_editor):
    from advisor.knowledge.loader import load_price_book

    load_price_book(apps=apps)


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0003_price_book")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
