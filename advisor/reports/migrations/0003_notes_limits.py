"""Notes are limited in length and lines where they are written (existing longer notes
stay as they are; the PDF shortens them)."""

from django.db import migrations, models

import advisor.reports.models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_report_kind_inputs"),
    ]

    operations = [
        migrations.AlterField(
            model_name="report",
            name="notes",
            field=models.TextField(
                blank=True,
                max_length=4000,
                validators=[advisor.reports.models.validate_notes_lines],
            ),
        ),
    ]
