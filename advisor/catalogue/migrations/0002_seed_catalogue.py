"""Load the shipped model catalogue, as ``reset_catalogue`` does."""

from django.db import migrations


def seed(apps, schema_editor):
    from advisor.catalogue.loader import load_catalogue

    load_catalogue(apps=apps)


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial"), ("knowledge", "0009_seed_knowledge")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
