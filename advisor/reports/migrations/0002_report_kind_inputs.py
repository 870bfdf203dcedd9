"""Reports say what they are (result or plan) and keep the inputs that made them.

Existing rows: a plan's workloads are taken from its snapshot (the only place they were
kept); a result's answers and weights move from their own columns into ``inputs``.
"""

from django.db import migrations, models


def fill_kind_and_inputs(apps, schema_editor):
    Report = apps.get_model("reports", "Report")
    for report in Report.objects.all().iterator():
        snapshot = report.snapshot or {}
        if snapshot.get("kind") == "plan":
            report.kind = "plan"
            report.inputs = {
                "workloads": [
                    {
                        "name": row["name"],
                        "note": row.get("note", ""),
                        "answers": row.get("answers", {}),
                        **(
                            {"alternative": row["alternative_key"]}
                            if row.get("alternative_key")
                            else {}
                        ),
                    }
                    for row in snapshot.get("workloads", [])
                ]
            }
        else:
            report.kind = "result"
            report.inputs = {
                "answers": report.answers or {},
                "weights": report.weights or {},
                "assumptions": None,
            }
        report.save(update_fields=["kind", "inputs"])


def restore_answers(apps, schema_editor):
    Report = apps.get_model("reports", "Report")
    for report in Report.objects.filter(kind="result").iterator():
        report.answers = report.inputs.get("answers", {})
        report.weights = report.inputs.get("weights", {})
        report.save(update_fields=["answers", "weights"])


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="report",
            name="kind",
            field=models.CharField(
                choices=[("result", "Recommendation"), ("plan", "Routing plan")],
                default="result",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="report",
            name="inputs",
            field=models.JSONField(
                default=dict,
                help_text="What the report was made from, as given: answers or workloads.",
            ),
        ),
        migrations.RunPython(fill_kind_and_inputs, restore_answers),
        migrations.RemoveField(model_name="report", name="answers"),
        migrations.RemoveField(model_name="report", name="weights"),
    ]
