"""Load the shipped price book (published prices and self-hosting profiles).

Now a no-op: the shipped knowledge changes shape over time, and loading today's seed into this
migration's older tables cannot work. ``0009_seed_knowledge`` loads the whole current seed
once the tables have their present shape.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0003_price_book")]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
