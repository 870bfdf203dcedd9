"""Load the shipped obligations and provider assurances, as ``reset_knowledge`` does."""

from django.db import migrations


def seed(apps, schema_editor):
    from advisor.knowledge.regulation import load_regulation

    load_regulation(apps=apps)


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0010_regulation")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
