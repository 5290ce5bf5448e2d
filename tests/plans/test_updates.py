import datetime

import pytest
from django.db import IntegrityError, transaction

from plans.models import Update, UpdateRevision
from plans.updates import Conflict, save_update
from plans.vocabulary import status_matcher
from tests import factories

JAN = datetime.date(2024, 1, 1)


@pytest.fixture
def action(plan):
    return factories.action(plan, "OC.A2.1", lead="Head of HR")


def test_revising_an_update_keeps_every_earlier_wording(action, people):
    on_track = status_matcher(action.plan.statuses.all())("On track")
    medium = status_matcher(action.plan.statuses.all())("Medium progress")
    save_update(
        action=action, month=JAN, status=on_track, narrative="First words.", author=people["lead"]
    )
    update, changed = save_update(
        action=action, month=JAN, status=medium, narrative="Second words.", author=people["clerk"]
    )
    assert changed
    assert Update.objects.count() == 1
    assert update.version == 2
    assert list(update.revisions.values_list("narrative", "status__label", "author__username")) == [
        ("First words.", "On track", "lead"),
        ("Second words.", "Medium progress", "clerk"),
    ]


def test_saving_the_same_words_again_writes_nothing(action, people):
    status = status_matcher(action.plan.statuses.all())("On track")
    save_update(action=action, month=JAN, status=status, narrative="Same.", author=people["lead"])
    _, changed = save_update(
        action=action,
        month=JAN,
        status=status,
        narrative="Same.",
        author=people["lead"],
        signature=Update.objects.get().signature,
    )
    assert not changed
    assert UpdateRevision.objects.count() == 1


def test_a_save_against_a_stale_version_is_refused_and_writes_nothing(action, people):
    status = status_matcher(action.plan.statuses.all())("On track")
    save_update(
        action=action,
        month=JAN,
        status=status,
        narrative="Lead's text.",
        author=people["lead"],
        expected_version=0,
    )
    with pytest.raises(Conflict) as refused:
        save_update(
            action=action,
            month=JAN,
            status=status,
            narrative="Clerk's text.",
            author=people["clerk"],
            expected_version=0,
        )
    assert refused.value.current.narrative == "Lead's text."
    assert list(UpdateRevision.objects.values_list("narrative", flat=True)) == ["Lead's text."]


def test_signature_uses_initials_and_the_day_saved(action, people):
    people["lead"].first_name, people["lead"].last_name = "Dana", "Smith"
    status = status_matcher(action.plan.statuses.all())("On track")
    when = datetime.datetime(2024, 1, 11, 10, 0, tzinfo=datetime.UTC)
    update, _ = save_update(
        action=action, month=JAN, status=status, narrative="x", author=people["lead"], when=when
    )
    assert update.signature == "DS 11.01.24"


def test_one_update_per_action_per_month_is_a_database_rule(action):
    status = action.plan.statuses.first()
    Update.objects.create(
        action=action, month=JAN, status=status, updated_at=datetime.datetime.now(datetime.UTC)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Update.objects.create(
            action=action, month=JAN, status=status, updated_at=datetime.datetime.now(datetime.UTC)
        )


def test_update_month_must_be_the_first_of_a_month(action):
    with pytest.raises(IntegrityError), transaction.atomic():
        Update.objects.create(
            action=action,
            month=datetime.date(2024, 1, 15),
            status=action.plan.statuses.first(),
            updated_at=datetime.datetime.now(datetime.UTC),
        )


def test_a_write_raises_the_plans_data_version(action, people):
    before = type(action.plan).objects.get().data_version
    factories.update(action, "2024-01", "On track", author=people["lead"])
    assert type(action.plan).objects.get().data_version == before + 1
