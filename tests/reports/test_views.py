"""A clerk builds, checks and publishes a report; councillors read and download it. Tests use
the immediate task backend, so asking for a report builds it before the answer comes back."""

import datetime
import hashlib

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from plans.models import Action, Committee
from reports import pdf
from reports.models import Meeting, Report
from tests import factories
from tracker.models import User

Q4 = {"plan": "", "period": "quarterly:2023-Q4", "committee": "", "meeting": ""}
LONDON = datetime.timezone(datetime.timedelta(hours=1))  # British Summer Time


@pytest.fixture
def clerk(client_for):
    return client_for("clerk")


@pytest.fixture
def councillor(client_for):
    return client_for("councillor")


def ask(client, plan, **fields):
    """Ask for a report, building it whatever is missing (tests/reports/test_checks.py)."""
    data = {**Q4, "plan": plan.pk, "confirm": "yes", **fields}
    return client.post(reverse("reports:new"), data, follow=True)


def publish(client, report, sha256=None, **fields):
    """Publish `report` from its confirmation page, as checked (its draft's checksum)."""
    data = {"sha256": sha256 or report.draft_sha256, "confirm": "yes", **fields}
    return client.post(reverse("reports:publish", args=[report.pk]), data, follow=True)


def body(response):
    return " ".join(response.content.decode().split())


@pytest.fixture
def ready(quarter, clerk, time_machine):
    time_machine.move_to(datetime.datetime(2024, 4, 3, 10, tzinfo=LONDON), tick=False)
    ask(clerk, quarter)
    return Report.objects.get()


@pytest.fixture
def published(ready, clerk):
    publish(clerk, ready)
    ready.refresh_from_db()
    return ready


def test_clerk_asks_for_a_report_and_it_is_ready_to_check(quarter, clerk, time_machine):
    time_machine.move_to(datetime.datetime(2024, 4, 3, 10, tzinfo=LONDON), tick=False)
    response = ask(clerk, quarter)
    report = Report.objects.get()
    assert response.redirect_chain == [(report.get_absolute_url(), 302)]
    page = body(response)
    assert "Quarterly report: Quarter 4 2023/24" in page
    assert "Ready to check." in page
    assert "5 of 8 actions (62%) are on track, complete or closed" in page
    assert "Draft — not for publication" in page
    assert (report.state, report.pages, report.created_by.username) == (
        "ready",
        report.pages,
        "clerk",
    )
    download = clerk.get(reverse("reports:pdf", args=[report.pk]))
    assert download["Content-Type"] == "application/pdf"
    # The draft is what a clerk downloads to check.
    assert hashlib.sha256(b"".join(download.streaming_content)).hexdigest() == report.draft_sha256
    assert 'filename="DRAFT-corporate-plan-quarterly' in download["Content-Disposition"]


def test_the_period_list_offers_ended_periods_only(quarter, clerk, time_machine):
    time_machine.move_to(datetime.datetime(2024, 4, 3, 10, tzinfo=LONDON), tick=False)
    page = body(clerk.get(reverse("reports:new")))
    assert '<option value="quarterly:2023-Q4">Quarter 4 2023/24 (January to March 2024)' in page
    assert '<option value="annual:2023">2023/24 (April 2023 to March 2024)' in page
    assert "quarterly:2024-Q1" not in page


def test_asking_again_for_a_draft_rebuilds_it_rather_than_adding_one(ready, clerk, quarter):
    ask(clerk, quarter)
    assert Report.objects.count() == 1
    assert Report.objects.get().attempts == 2


def test_two_build_clicks_at_once_make_one_draft(quarter, clerk, people, time_machine):
    time_machine.move_to(datetime.datetime(2024, 4, 3, 10, tzinfo=LONDON), tick=False)
    other = {}

    def other_click_meanwhile(execute, sql, params, many, context):
        # The other click writes its draft just after this one looked for a draft.
        found = execute(sql, params, many, context)
        if not other and sql.startswith("SELECT") and '"reports_report"' in sql:
            other["draft"] = None
            other["draft"] = Report.objects.create(
                plan=quarter, kind="quarterly", period="2023-Q4", created_by=people["clerk"]
            )
        return found

    with connection.execute_wrapper(other_click_meanwhile):
        response = ask(clerk, quarter)
    assert response.status_code == 200
    assert response.redirect_chain == [(other["draft"].get_absolute_url(), 302)]
    assert list(Report.objects.all()) == [other["draft"]]


def test_the_database_keeps_one_draft_of_each_report(quarter):
    audit = Committee.objects.get(slug="audit")
    for committee in (None, audit):
        draft = {"plan": quarter, "kind": "quarterly", "period": "2023-Q4", "committee": committee}
        Report.objects.create(**draft, state=Report.State.READY)
        with pytest.raises(IntegrityError), transaction.atomic():
            Report.objects.create(**draft)
        # A published report leaves room for the next draft.
        Report.objects.filter(**draft).update(
            state=Report.State.PUBLISHED,
            file="r.pdf",
            sha256="0" * 64,
            published_at=timezone.now(),
            published_by=User.objects.create(username=f"publisher-{committee}"),
        )
        Report.objects.create(**draft)
    assert Report.objects.count() == 4


def test_a_committee_report_must_go_to_that_committees_meeting(quarter, clerk):
    audit = Committee.objects.get(slug="audit")
    other = Committee.objects.create(name="Planning Committee", slug="planning")
    meeting = Meeting.objects.create(committee=other, date=datetime.date(2099, 1, 8))
    response = ask(clerk, quarter, committee=audit.pk, meeting=meeting.pk)
    assert "Choose a meeting of the Audit Committee, or report on the whole plan" in body(response)
    assert not Report.objects.exists()


def test_councillors_cannot_see_drafts(ready, councillor):
    assert councillor.get(reverse("reports:detail", args=[ready.pk])).status_code == 404
    assert councillor.get(reverse("reports:pdf", args=[ready.pk])).status_code == 404
    assert "No reports have been published yet." in body(councillor.get(reverse("reports:index")))


def test_publishing_freezes_the_checked_pdf_for_councillors(published, councillor, clerk):
    assert published.state == "published"
    assert published.published_by.username == "clerk"
    assert published.published_at == datetime.datetime(2024, 4, 3, 10, tzinfo=LONDON)
    url = reverse("reports:pdf", args=[published.pk])
    first = b"".join(councillor.get(url).streaming_content)
    second = councillor.get(url)
    assert b"".join(second.streaming_content) == first
    assert hashlib.sha256(first).hexdigest() == published.sha256
    assert second["ETag"] == f'"{published.sha256}"'
    assert "immutable" in second["Cache-Control"]
    assert 'filename="corporate-plan-quarterly-report-2023-Q4.pdf"' in second["Content-Disposition"]
    assert (
        councillor.get(url, headers={"If-None-Match": f'"{published.sha256}"'}).status_code == 304
    )
    index = body(councillor.get(reverse("reports:index")))
    assert "Quarterly report: Quarter 4 2023/24" in index


def test_the_published_page_shows_the_frozen_figures_not_live_data(published, councillor):
    factories.update(Action.objects.get(ref="HS.1.3"), "2024-03", "Significant issues / slippage")
    page = body(councillor.get(reverse("reports:detail", args=[published.pk])))
    assert "5 of 8 actions (62%) are on track, complete or closed" in page
    assert "1 (12%) is grey (On hold)" in page
    assert "3 April 2024, 10:00 by clerk" in page
    assert f"{published.pages} pages" in page


def test_a_published_report_cannot_be_rebuilt_published_again_or_deleted(published, clerk):
    clerk.post(reverse("reports:rebuild", args=[published.pk]))
    publish(clerk, published, published.draft_sha256)
    again = Report.objects.get()
    assert (again.state, again.sha256, again.file.name, again.published_at) == (
        "published",
        published.sha256,
        published.file.name,
        published.published_at,
    )
    with pytest.raises(ValueError, match="cannot be deleted"):
        again.delete()


def test_publishing_a_version_the_clerk_has_not_seen_is_refused(ready, clerk):
    response = publish(clerk, ready, "0" * 64)
    assert "The report was built again since you opened it." in body(response)
    assert Report.objects.get().state == "ready"


def test_a_failed_build_says_why_and_can_be_tried_again(quarter, clerk, monkeypatch):
    def broken(snapshot, **options):
        raise RuntimeError("Pango is not installed")

    monkeypatch.setattr(pdf, "render", broken)
    page = body(ask(clerk, quarter))
    report = Report.objects.get()
    assert (report.state, report.file.name, report.sha256) == ("failed", "", "")
    assert "The report was not built" in page
    assert "RuntimeError: Pango is not installed" in page
    assert "Try again" in page

    monkeypatch.undo()
    page = body(clerk.post(reverse("reports:rebuild", args=[report.pk]), follow=True))
    assert "Ready to check." in page
    assert Report.objects.get().state == "ready"


def test_a_failure_while_storing_leaves_no_half_written_report(quarter, clerk, monkeypatch):
    from django.core.files.storage import FileSystemStorage

    def full(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(FileSystemStorage, "_save", full)
    ask(clerk, quarter)
    report = Report.objects.get()
    assert (report.state, report.file.name, report.sha256, report.snapshot) == (
        "failed",
        "",
        "",
        {},
    )
    assert report.failure_reason == "OSError: No space left on device"


def test_a_build_whose_worker_died_shows_as_failed_and_can_be_retried(quarter, clerk, people):
    report = Report.objects.create(
        plan=quarter,
        kind="quarterly",
        period="2023-Q4",
        state="running",
        attempts=1,
        started_at=timezone.now() - datetime.timedelta(minutes=20),
        created_by=people["clerk"],
    )
    page = body(clerk.get(report.get_absolute_url()))
    assert "The report was not built" in page
    assert "never finished: the worker building it stopped" in page
    clerk.post(reverse("reports:rebuild", args=[report.pk]))
    assert Report.objects.get().state == "ready"


def test_a_queued_report_offers_a_refresh_and_its_state(quarter, clerk, people):
    report = Report.objects.create(
        plan=quarter, kind="annual", period="2023", created_by=people["clerk"]
    )
    page = body(clerk.get(report.get_absolute_url()))
    assert "Queued." in page and "Refresh this page" in page
    assert "Publish this report" not in page
    state = clerk.get(reverse("reports:state", args=[report.pk])).json()
    assert state == {"state": "queued", "label": "Queued"}


def test_the_calendar_shows_deadlines_and_late_reports(quarter, clerk, time_machine):
    audit = Committee.objects.get(slug="audit")
    time_machine.move_to(datetime.datetime(2024, 7, 1, 9, tzinfo=LONDON), tick=False)
    response = clerk.post(
        reverse("reports:meetings"),
        {"committee": audit.pk, "date_0": "18", "date_1": "7", "date_2": "2024"},
        follow=True,
    )
    assert (
        "Added Audit Committee, 18 July 2024. Its reports are due by Wednesday 10 July 2024."
        in body(response)
    )
    meeting = Meeting.objects.get()
    ask(clerk, quarter, committee=audit.pk, meeting=meeting.pk)
    assert "Late" not in body(clerk.get(reverse("reports:index")))

    time_machine.move_to(datetime.datetime(2024, 7, 11, 9, tzinfo=LONDON), tick=False)
    page = body(clerk.get(reverse("reports:index")))
    assert 'Wednesday 10 July 2024 <strong class="govuk-tag govuk-tag--red">Late</strong>' in page


def test_a_report_published_by_the_deadline_is_not_late(quarter, clerk, time_machine):
    audit = Committee.objects.get(slug="audit")
    meeting = Meeting.objects.create(committee=audit, date=datetime.date(2024, 7, 18))
    time_machine.move_to(datetime.datetime(2024, 7, 10, 16, tzinfo=LONDON), tick=False)
    ask(clerk, quarter, meeting=meeting.pk)
    report = Report.objects.get()
    publish(clerk, report)
    time_machine.move_to(datetime.datetime(2024, 7, 15, 9, tzinfo=LONDON), tick=False)
    assert "Late" not in body(clerk.get(reverse("reports:index")))


def test_meetings_cannot_be_added_twice_or_removed_with_reports(quarter, clerk, ready):
    audit = Committee.objects.get(slug="audit")
    meeting = Meeting.objects.create(committee=audit, date=datetime.date(2099, 7, 18))
    ready.meeting = meeting
    ready.save()
    response = clerk.post(
        reverse("reports:meetings"),
        {"committee": audit.pk, "date_0": "18", "date_1": "7", "date_2": "2099"},
    )
    assert "The Audit Committee already meets on that day" in body(response)
    clerk.post(reverse("reports:meeting_delete", args=[meeting.pk]))
    assert Meeting.objects.count() == 1


def test_gets_change_nothing(ready, clerk):
    assert clerk.get(reverse("reports:rebuild", args=[ready.pk])).status_code == 405
    # Publishing's GET is its confirmation page.
    assert clerk.get(reverse("reports:publish", args=[ready.pk])).status_code == 200
    assert Report.objects.get().state == "ready"


@pytest.mark.parametrize("count", [1, 4])
def test_the_reports_page_runs_the_same_queries_however_many_reports(
    quarter, clerk, people, count, django_assert_num_queries
):
    audit = Committee.objects.get(slug="audit")
    for n in range(count):
        meeting = Meeting.objects.create(committee=audit, date=datetime.date(2099, 1, 1 + n))
        Report.objects.create(
            plan=quarter,
            kind="annual",
            period=str(2020 + n),
            committee=audit,
            meeting=meeting,
            created_by=people["clerk"],
        )
    # Session, user, roles; the reports; the meetings with their reports (two).
    with django_assert_num_queries(6):
        assert clerk.get(reverse("reports:index")).status_code == 200


def test_a_reports_actions_give_their_due_date_as_every_page_does(quarter, clerk, time_machine):
    time_machine.move_to(datetime.datetime(2024, 4, 3, 10, tzinfo=LONDON), tick=False)
    page = body(ask(clerk, quarter))
    assert "Jun-24 (by 30 June 2024)" in page


def test_a_meeting_in_the_past_is_listed_under_earlier_meetings(quarter, clerk, time_machine):
    audit = Committee.objects.get(slug="audit")
    time_machine.move_to(datetime.datetime(2024, 7, 1, 9, tzinfo=LONDON), tick=False)
    Meeting.objects.create(committee=audit, date=datetime.date(2024, 9, 12))
    response = clerk.post(
        reverse("reports:meetings"),
        {"committee": audit.pk, "date_0": "18", "date_1": "1", "date_2": "2024"},
        follow=True,
    )
    page = body(response)
    assert "Added Audit Committee, 18 January 2024." in page
    coming, earlier = page.split("Earlier meetings</h2>")
    assert "Thursday 12 September 2024" in coming.split("Coming meetings</h2>")[1]
    assert "Thursday 18 January 2024" in earlier
    assert "No meetings yet" not in page


def test_a_report_can_be_tied_to_a_meeting_that_has_passed(quarter, clerk, time_machine):
    audit = Committee.objects.get(slug="audit")
    time_machine.move_to(datetime.datetime(2024, 7, 1, 9, tzinfo=LONDON), tick=False)
    past = Meeting.objects.create(committee=audit, date=datetime.date(2024, 4, 18))
    Meeting.objects.create(committee=audit, date=datetime.date(2024, 9, 12))
    form = body(clerk.get(reverse("reports:new")))
    assert '<optgroup label="Coming meetings"> <option value' in form
    assert f'<optgroup label="Earlier meetings"> <option value="{past.pk}"' in form
    ask(clerk, quarter, meeting=past.pk)
    assert Report.objects.get().meeting == past


def test_publishing_asks_first_naming_what_is_frozen_and_who_reads_it(ready, clerk, people):
    url = reverse("reports:publish", args=[ready.pk])
    # The old one-click form: now it only leads to the confirmation page.
    response = clerk.post(url, {"sha256": ready.draft_sha256}, follow=True)
    assert response.redirect_chain == [(f"{url}?sha256={ready.draft_sha256}", 302)]
    assert Report.objects.get().state == "ready"
    page = body(response)
    # 8 from the plan's figures, and the 3 commentary boxes nobody has written in.
    assert "Publish Quarterly report: Quarter 4 2023/24 with 11 things missing?" in page
    assert "Commentary not written (3)" in page
    assert "Publishing cannot be undone." in page
    assert "without its “Draft — not for publication” mark" in page
    assert "3 April 2024, 10:00: 12 actions with their statuses and latest updates" in page
    assert ready.draft_sha256 in page
    assert not ready.sha256  # the file to publish is made when publishing
    # people: one user per role, and another lead officer.
    assert "Everyone who can sign in to the tracker: 5 people." in page
    assert "Lead officers: 2" in page and "Councillor: 1" in page
    assert "Updates awaiting sign-off (1)" in page
    assert 'name="confirm" value="yes"' in page

    page = body(publish(clerk, ready))
    assert "Published." in page
    assert Report.objects.get().state == "published"
    again = body(clerk.get(url))
    assert "cannot be published now" in again


def test_the_draft_page_lists_what_is_missing_and_leads_to_the_confirmation(ready, clerk):
    page = body(clerk.get(reverse("reports:detail", args=[ready.pk])))
    assert "Still missing" in page
    assert "No update round was run for March 2024" in page
    assert (
        f'href="{reverse("reports:publish", args=[ready.pk])}?sha256={ready.draft_sha256}"' in page
    )
