"""Writing progress: every saved wording of an update is kept, and a save made against an
out-of-date version is refused rather than silently overwriting someone else's words."""

from django.db import transaction
from django.utils import timezone

from plans.models import Update, UpdateRevision


class Conflict(Exception):
    """Someone else saved this update since the writer loaded it."""

    def __init__(self, current):
        super().__init__(f"{current} was changed by someone else")
        self.current = current


REVISED_FIELDS = ["status", "narrative", "no_change", "projected_completion", "signature"]


@transaction.atomic
def save_update(
    *,
    action,
    month,
    status,
    narrative,
    author=None,
    on_behalf_of=None,
    no_change=False,
    projected_completion=None,
    signature=None,
    imported=False,
    expected_version=None,
    reason="",
    when=None,
):
    """Create or revise the update of `action` for `month`, keeping every earlier wording.

    `expected_version` is the version the writer saw (0 if they saw no update); when someone
    else has saved since, Conflict is raised and nothing is written. Returns (update, changed):
    saving the same words again writes nothing and returns changed=False.
    """
    when = when or timezone.now()
    if signature is None:
        signature = Update.sign(author, timezone.localtime(when)) if author else ""
    values = {
        "status": status,
        "narrative": narrative,
        "no_change": no_change,
        "projected_completion": projected_completion,
        "signature": signature,
    }
    update = Update.objects.select_for_update().filter(action=action, month=month).first()
    if update is None:
        if expected_version not in (None, 0):
            raise Conflict(None)
        update = Update.objects.create(
            action=action,
            month=month,
            author=author,
            on_behalf_of=on_behalf_of,
            imported=imported,
            updated_at=when,
            version=1,
            **values,
        )
    else:
        if expected_version is not None and expected_version != update.version:
            raise Conflict(update)
        if all(getattr(update, name) == value for name, value in values.items()):
            return update, False
        for name, value in values.items():
            setattr(update, name, value)
        update.author = author
        update.on_behalf_of = on_behalf_of
        update.imported = imported
        update.updated_at = when
        update.version += 1
        update.save()
    UpdateRevision.objects.create(
        update=update,
        version=update.version,
        author=author,
        on_behalf_of=on_behalf_of,
        imported=imported,
        reason=reason,
        saved_at=when,
        **values,
    )
    action.plan.bump_version()
    return update, True
