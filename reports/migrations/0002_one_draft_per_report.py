from django.db import migrations, models


def keep_one_draft(apps, schema_editor):
    """Two clicks at once could make two drafts of one report; keep the newest of each set.
    A draft is only ever built from live data, so the others lose nothing."""
    Report = apps.get_model("reports", "Report")
    seen = set()
    for draft in Report.objects.exclude(state="published").order_by("-created_at", "-pk"):
        identity = (draft.plan_id, draft.kind, draft.period, draft.committee_id)
        if identity not in seen:
            seen.add(identity)
            continue
        if draft.file:
            draft.file.delete(save=False)
        draft.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(keep_one_draft, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="report",
            constraint=models.UniqueConstraint(
                condition=models.Q(
                    models.Q(("state", "published"), _negated=True), ("committee__isnull", False)
                ),
                fields=("plan", "kind", "period", "committee"),
                name="one_draft_per_committee_report",
            ),
        ),
        migrations.AddConstraint(
            model_name="report",
            constraint=models.UniqueConstraint(
                condition=models.Q(
                    models.Q(("state", "published"), _negated=True), ("committee__isnull", True)
                ),
                fields=("plan", "kind", "period"),
                name="one_draft_per_plan_report",
            ),
        ),
    ]
