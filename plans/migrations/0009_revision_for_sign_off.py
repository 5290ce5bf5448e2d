from django.db import migrations, models
from django.db.models import Exists, F, OuterRef, Q


def mark_versions_sent_for_sign_off(apps, schema_editor):
    """Which saved wordings awaited sign-off was not recorded before: a reviewed version did;
    the current version did unless it stands approved without a review; an earlier version
    nobody reviewed did if its plan asks for sign-off and it was not imported. That last guess
    hides from councillors some earlier wordings a performance officer saved, rather than show
    any never approved."""
    UpdateRevision = apps.get_model("plans", "UpdateRevision")
    Review = apps.get_model("plans", "Review")
    reviewed = Review.objects.filter(update=OuterRef("update"), version=OuterRef("version"))
    current = Q(version=F("update__version"))
    UpdateRevision.objects.filter(
        Exists(reviewed)
        | (current & ~Q(update__approval="approved"))
        | (~current & Q(imported=False, update__action__plan__updates_need_sign_off=True))
    ).update(for_sign_off=True)


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0008_cache_versions"),
    ]

    operations = [
        migrations.AddField(
            model_name="updaterevision",
            name="for_sign_off",
            field=models.BooleanField(
                default=False,
                help_text="Saved to await sign-off: only a review approving this version lets "
                "councillors read it.",
            ),
        ),
        migrations.RunPython(mark_versions_sent_for_sign_off, migrations.RunPython.noop),
    ]
