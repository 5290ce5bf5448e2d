"""A save and the round's close never overlap: the save reads whether the round is open under
the round's row lock, inside its own transaction, and closing takes the same lock. (The races
between two real server processes are in tests/faults/test_races.py.)"""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.urls import reverse

from plans import rounds, updates, versions
from plans.measures import values
from plans.models import Measure, MeasureValue, Round, Update
from plans.vocabulary import status_matcher
from tests import factories

FEB = datetime.date(2024, 2, 1)


@pytest.fixture
def round_(plan):
    return Round.objects.create(plan=plan, month=FEB, due=datetime.date(2024, 3, 8))


@pytest.fixture
def action(plan, people, round_):
    return factories.action(plan, "OC.A2.1", lead="Head of HR", due_text="TBC")


def on_track(plan):
    return status_matcher(plan.statuses.all())("On track")


def test_a_round_closed_after_save_was_pressed_refuses_the_save_and_keeps_the_words(
    action, round_, people, client_for, monkeypatch
):
    # The clerk's close commits while the officer's save is under way, before it reaches the
    # round: the save must find the round closed, not the open round it saw a moment ago.
    looked_up = updates.writing_for

    def close_meanwhile(*args):
        rounds.close_round(round_=Round.objects.get(pk=round_.pk), by=people["clerk"])
        return looked_up(*args)

    monkeypatch.setattr(updates, "writing_for", close_meanwhile)
    response = client_for("lead").post(
        reverse("plans:update", args=[action.plan.slug, action.ref, 2024, 2]),
        {"version": 0, "status": on_track(action.plan).pk, "narrative": "Typed in time?"},
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert "The February 2024 update round closed on" in page
    assert "Typed in time?</textarea>" in page
    assert not Update.objects.exists()


def save_update(action, people):
    updates.submit_update(
        action=action,
        month=FEB,
        by=people["lead"],
        status=on_track(action.plan),
        narrative="Saved as the round closed.",
        expected_version=0,
    )
    return Update.objects.get().updated_at


def save_figure(measure, people):
    values.submit_value(
        measure=measure, period=FEB, by=people["lead"], value=Decimal(80), commentary=""
    )
    return MeasureValue.objects.get().updated_at


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite runs one writing transaction at a time"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize(
    ("save", "owner", "slow_step"),
    [(save_update, updates.ratings, "suggest"), (save_figure, Measure, "rate")],
)
def test_closing_waits_for_a_save_under_way(
    plan, people, round_, monkeypatch, save, owner, slow_step
):
    """The save pauses after reading the round (in a step it takes before writing); the close
    must wait for it to finish, so the save is written before the round closed."""
    target = (
        factories.action(plan, "OC.A2.1", lead="Head of HR", due_text="TBC")
        if save is save_update
        else factories.measure(plan, "Appraisals", owner="Head of HR", frequency="monthly")
    )
    reached, release = threading.Event(), threading.Event()
    step = getattr(owner, slow_step)

    def slow(*args, **kwargs):
        reached.set()
        release.wait(5)
        return step(*args, **kwargs)

    monkeypatch.setattr(owner, slow_step, slow)
    saved_at = {}

    def in_thread(work):
        try:
            work()
        finally:
            connections.close_all()

    saving = threading.Thread(
        target=in_thread, args=(lambda: saved_at.setdefault("at", save(target, people)),)
    )
    saving.start()
    assert reached.wait(5)
    closing = threading.Thread(
        target=in_thread,
        args=(lambda: rounds.close_round(round_=round_, by=people["clerk"]),),
    )
    closing.start()
    closing.join(0.5)
    assert closing.is_alive(), "the close did not wait for the save under way"
    release.set()
    saving.join()
    closing.join()
    round_.refresh_from_db()
    assert saved_at["at"] < round_.closed_at


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite runs one writing transaction at a time"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_import_and_a_live_save_at_once_both_finish(plan, people, round_, monkeypatch):
    """The officer's save holds its update row when a workbook import of the same plan starts
    (the import writes another action first, then reaches that one). Both must finish: the
    import waits for the save, never the two for each other (a deadlock loses one)."""
    from plans.excel.load import load_workbook
    from plans.excel.read import read_workbook
    from tests import workbooks

    first = factories.action(plan, "OC.A1.1", lead="Head of HR", due_text="TBC")
    action = factories.action(plan, "OC.A2.1", lead="Head of HR", due_text="TBC")
    book = workbooks.workbook_bytes(
        {
            "Plan": [
                ["Ref", "Action", "Status (February 2024)", "Update (February 2024)"],
                [first.ref, first.title, "On track", "From the workbook."],
                [action.ref, action.title, "On track", "Older words from the workbook."],
            ]
        }
    )
    result = read_workbook(book)
    reached, release = threading.Event(), threading.Event()
    changed = versions.progress_changed

    def slow_changed(target):
        if target.pk == action.pk and threading.current_thread().name == "officer":
            reached.set()
            release.wait(5)
        return changed(target)

    monkeypatch.setattr(versions, "progress_changed", slow_changed)
    problems = []

    def in_thread(work):
        try:
            work()
        except Exception as error:  # the test reports whatever either thread met
            problems.append(repr(error))
        finally:
            connections.close_all()

    saving = threading.Thread(
        name="officer", target=in_thread, args=(lambda: save_update(action, people),)
    )
    saving.start()
    assert reached.wait(5)
    importing = threading.Thread(
        name="import",
        target=in_thread,
        args=(lambda: load_workbook(plan=plan, result=result, dry_run=False),),
    )
    importing.start()
    importing.join(1)
    release.set()
    saving.join(10)
    importing.join(20)
    assert problems == []
    assert Update.objects.get(action=action).narrative == "Saved as the round closed."
    assert Update.objects.get(action=first).narrative == "From the workbook."
