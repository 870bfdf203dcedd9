"""Load the shipped knowledge base (the sourcing guide), as `reset_knowledge` does.

Now a no-op: the shipped knowledge changes shape over time, and loading today's seed into this
migration's older tables cannot work. ``0009_seed_knowledge`` loads the whole current seed
once the tables have their present shape.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
