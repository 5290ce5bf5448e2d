from django.db import migrations


def mark(apps, schema_editor):
    # Plans made before this field existed got "Not due to start" from DEFAULT_STATUSES with
    # the code NDS; it is the status that means work has not started.
    apps.get_model("plans", "Status").objects.filter(code="NDS").update(not_started=True)


class Migration(migrations.Migration):
    dependencies = [("plans", "0004_update_rounds_reminders_sign_off")]

    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]
