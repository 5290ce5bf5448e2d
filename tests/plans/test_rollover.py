"""A plan rolled into 2024/25: open actions carried with their structure, posts, committees
and measures; complete and closed ones left; both plans linked; a dry run writes nothing;
rolling again is refused."""

import datetime

import pytest
import time_machine
from django.core.management import CommandError, call_command

from plans import rollover
from plans.models import Action, Committee, Measure, Plan, Post, Update
from tests import factories

APRIL_2024 = datetime.datetime(2024, 4, 8, 9, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def april_2024():
    with time_machine.travel(APRIL_2024, tick=False):
        yield


@pytest.fixture
def old(db):
    plan = Plan.objects.create(
        name="Improvement Plan 2023-24",
        slug="improvement-plan",
        organisation="Example Borough Council",
        start=datetime.date(2023, 4, 1),
        end=datetime.date(2024, 3, 31),
    )
    plan.add_default_statuses()
    audit = Committee.objects.create(name="Audit Committee", slug="audit")
    focus = factories.action(plan, "A1.0", title="Workforce strategy")
    open_child = factories.action(
        plan,
        "A1.1",
        parent=focus,
        lead="Head of HR",
        director=Post.objects.create(name="Director of Resources"),
        member_lead="Cllr Patel",
        due_text="Jun-24",
    )
    open_child.committees.add(audit)
    open_child.other_leads.add(Post.objects.create(name="Head of Finance"))
    done_child = factories.action(plan, "A1.2", parent=focus, lead="Head of HR")
    done_focus = factories.action(plan, "B1.0", title="Member briefings")
    closed = factories.action(plan, "B1.1", parent=done_focus)
    never_updated = factories.action(plan, "C1", workstream="Other")
    factories.update(open_child, "2024-03", "On track")
    factories.update(done_child, "2024-02", "Complete")
    factories.update(closed, "2024-03", "Closed")
    factories.measure(
        plan,
        "Appraisals on time",
        owner="Head of HR",
        frequency="quarterly",
        baseline="70",
        targets={"2023-04": "80"},
        values={"2023-04": "75"},
    )
    assert never_updated
    return plan


def refs(plan):
    return set(plan.actions.values_list("ref", flat=True))


def test_the_preview_lists_what_is_carried_and_what_is_left(old):
    found = rollover.preview(old, year=2024)
    assert found.name == "Improvement Plan 2024/25"
    assert found.slug == "improvement-plan-2024-25"
    assert [a.ref for a in found.carried] == ["A1.0", "A1.1", "C1"]
    assert [a.ref for a in found.left] == ["A1.2", "B1.0", "B1.1"]
    assert found.problems == []


def test_open_actions_are_carried_with_their_structure_posts_and_committees(old, people):
    new = rollover.roll(rollover.preview(old, year=2024), by=people["admin"])
    assert (new.start, new.end) == (datetime.date(2024, 4, 1), datetime.date(2025, 3, 31))
    assert refs(new) == {"A1.0", "A1.1", "C1"}
    child = new.actions.get(ref="A1.1")
    assert child.parent == new.actions.get(ref="A1.0")
    assert child.theme.plan == new and child.workstream.theme.plan == new
    assert child.lead_officer.name == "Head of HR"
    assert child.director.name == "Director of Resources"
    assert child.member_lead == "Cllr Patel"
    assert child.due_text == "Jun-24"
    assert [c.name for c in child.committees.all()] == ["Audit Committee"]
    assert [p.name for p in child.other_leads.all()] == ["Head of Finance"]
    # The history stays with the old year: the new action has no updates, and its history
    # starts with its carrying over, by whom.
    assert not Update.objects.filter(action__plan=new).exists()
    first = child.history.earliest("history_date")
    assert first.history_user == people["admin"]
    assert first.history_change_reason == "Carried on from Improvement Plan 2023-24"
    assert Update.objects.filter(action__plan=old).count() == 3
    assert refs(old) == {"A1.0", "A1.1", "A1.2", "B1.0", "B1.1", "C1"}


def test_statuses_and_measures_are_carried_without_figures(old, people):
    new = rollover.roll(rollover.preview(old, year=2024), by=people["admin"])
    assert list(new.statuses.values_list("label", flat=True)) == list(
        old.statuses.values_list("label", flat=True)
    )
    measure = Measure.objects.get(plan=new)
    assert (measure.name, measure.owner.name, str(measure.baseline)) == (
        "Appraisals on time",
        "Head of HR",
        "70.0000",
    )
    assert measure.theme.plan == new
    assert not measure.values.exists() and not measure.targets.exists()


def test_both_plans_link_to_each_other(old, people, client_for):
    new = rollover.roll(rollover.preview(old, year=2024), by=people["admin"])
    old.refresh_from_db()
    assert old.next == new and new.previous == old
    old_page = client_for("councillor").get("/plans/improvement-plan/").content.decode()
    new_page = client_for("councillor").get(f"/plans/{new.slug}/").content.decode()
    assert "Continued in 2024/25" in old_page and f"/plans/{new.slug}/" in old_page
    assert "Carried on from 2023/24" in new_page and "/plans/improvement-plan/" in new_page


def test_rolling_again_is_refused_naming_the_new_plan(old, people):
    rollover.roll(rollover.preview(old, year=2024), by=people["admin"])
    found = rollover.preview(old, year=2024, name="Another", slug="another")
    assert any("already been carried into Improvement Plan 2024/25" in p for p in found.problems)
    with pytest.raises(ValueError, match="already been carried"):
        rollover.roll(found, by=people["admin"])
    assert Plan.objects.count() == 2


def test_a_year_not_after_the_plans_is_refused(old):
    found = rollover.preview(old, year=2023, name="Again", slug="again")
    assert any("2023/24 is not after" in p for p in found.problems)


def test_dry_run_writes_nothing(old, capsys):
    before = Action.objects.count()
    call_command("roll_plan", "improvement-plan", "--to", "2024/25", "--dry-run")
    out = capsys.readouterr().out
    assert "Carried: 3 open actions" in out
    assert "B1.1" in out and "(Closed)" in out
    assert "Dry run: nothing was written." in out
    assert Plan.objects.count() == 1 and Action.objects.count() == before


def test_the_command_rolls_and_refuses_a_second_time(old):
    call_command("roll_plan", "improvement-plan", "--to", "2024/25", "--new-plan-name", "IP 24")
    new = Plan.objects.get(previous=old)
    assert new.name == "IP 24" and refs(new) == {"A1.0", "A1.1", "C1"}
    with pytest.raises(CommandError, match="already been carried"):
        call_command("roll_plan", "improvement-plan", "--to", "2024/25", "--new-plan-name", "X")


def test_the_page_previews_then_rolls(old, client_for):
    admin = client_for("admin")
    page = admin.get("/plans/improvement-plan/new-year/").content.decode()
    assert "Carried: 3 open actions" in page and "Left in Improvement Plan 2023-24" in page
    assert Plan.objects.count() == 1
    response = admin.post(
        "/plans/improvement-plan/new-year/",
        {
            "year": "2024/25",
            "name": "Improvement Plan 2024/25",
            "slug": "ip-2024-25",
            "confirm": "yes",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/plans/ip-2024-25/"
    assert refs(Plan.objects.get(slug="ip-2024-25")) == {"A1.0", "A1.1", "C1"}


@pytest.mark.parametrize("role", ["councillor", "lead", "clerk"])
def test_only_administrators_roll_a_plan(old, client_for, role):
    response = client_for(role).post(
        "/plans/improvement-plan/new-year/", {"year": "2024/25", "confirm": "yes"}
    )
    assert response.status_code == 403
    assert Plan.objects.count() == 1
