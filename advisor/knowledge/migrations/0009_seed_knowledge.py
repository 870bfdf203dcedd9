"""Load the whole shipped knowledge base (rules, price book, task profiles, GPU prices, cost
rules, plan presets) into the tables as they now are, as ``reset_knowledge`` does.

On a database that already held knowledge this replaces it with the shipped version: export
your own first (``manage.py export_ruleset``) and import it again afterwards if you had edits.
"""

from django.db import migrations


def seed(apps, schema_editor):
    from advisor.knowledge.loader import load_seed

    load_seed(apps=apps)


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0008_costs_right_sized")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
