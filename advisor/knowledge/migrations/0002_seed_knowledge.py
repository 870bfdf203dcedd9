"""Load the shipped knowledge base (the sourcing guide), as `reset_knowledge` does."""

from django.db import migrations


def seed(apps, schema_editor):
    from advisor.knowledge.loader import load_seed

    load_seed(apps=apps)


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
