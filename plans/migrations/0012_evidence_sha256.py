import hashlib

from django.db import migrations, models


def checksum_stored_files(apps, schema_editor):
    """Give files stored before checksums were kept theirs, so sending one of them again is
    recognised too. A file missing from storage keeps a blank checksum."""
    Evidence = apps.get_model("plans", "Evidence")
    for item in Evidence.objects.exclude(file="").iterator():
        try:
            with item.file.open("rb") as stored:
                digest = hashlib.file_digest(stored, "sha256").hexdigest()
        except OSError:
            continue
        Evidence.objects.filter(pk=item.pk).update(sha256=digest)


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0011_status_asked_while_held"),
    ]

    operations = [
        migrations.AddField(
            model_name="evidence",
            name="sha256",
            field=models.CharField(
                blank=True,
                help_text="Of the file's content, so the same file is not attached to an update twice.",
                max_length=64,
                verbose_name="SHA-256",
            ),
        ),
        migrations.RunPython(checksum_stored_files, migrations.RunPython.noop),
    ]
