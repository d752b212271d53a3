# A separate migration from 0002: PostgreSQL refuses to ALTER a table with pending trigger events
# left by 0002's updates in the same transaction.

from django.db import migrations, models


def seed_counters(apps, schema_editor):
    """Report numbers continue where the old per-day Sequence rows left off, now in core's Counter."""
    from wuyou.core.numbering import carry_over

    Sequence = apps.get_model("negative_list", "Sequence")
    carry_over(apps.get_model("core", "Counter"), {f"NL{d}": n for d, n in Sequence.objects.values_list("day", "last")})


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("negative_list", "0002_event_chain"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="event",
            constraint=models.UniqueConstraint(fields=("report", "seq"), name="nl_event_report_seq"),
        ),
        migrations.AlterField(
            model_name="event",
            name="action",
            field=models.CharField(
                choices=[
                    ("submit", "提交举报"),
                    ("accept", "受理"),
                    ("reject", "不予受理"),
                    ("investigate", "开始调查核实"),
                    ("request_explanation", "要求被举报单位说明情况"),
                    ("extend", "延长办理期限"),
                    ("extend_reason", "延期理由"),
                    ("conclude", "作出认定"),
                    ("order_rectification", "责令整改"),
                    ("rectification_detail", "整改要求"),
                    ("refer", "移送纪委监委"),
                    ("reply", "答复举报人"),
                    ("close", "办结"),
                    ("rate", "评价"),
                    ("add_material", "补充材料"),
                    ("explanation_received", "收到情况说明"),
                    ("rectification_reported", "收到整改报告"),
                    ("warn", "办理期限预警"),
                    ("escalate", "超期督办"),
                    ("dept_overdue", "被举报单位逾期未回复"),
                ],
                max_length=24,
            ),
        ),
        migrations.CreateModel(
            name="ScanMark",
            fields=[
                ("name", models.CharField(max_length=40, primary_key=True, serialize=False)),
                ("until", models.DateTimeField()),
            ],
        ),
        migrations.RunPython(seed_counters, migrations.RunPython.noop),
        migrations.DeleteModel(name="Sequence"),
    ]
