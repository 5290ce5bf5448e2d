"""Draft marks: every page of a draft PDF, and the draft's web page, say "Draft — not for
publication"; the published file has no mark and is otherwise the draft: rendered when
publishing from the snapshot the draft was built from, with the same pages and words, both
checksums kept."""

import datetime
import hashlib
import io

import pypdf
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from plans.models import Committee
from reports import pdf, periods, wording, workflow
from reports.models import DRAFT_MARK, Report
from reports.tasks import publish_report

KINDS = [
    (periods.QUARTERLY, "2023-Q4"),
    (periods.SIX_MONTHLY, "2023-H2"),
    (periods.ANNUAL, "2023"),
]


def pages_of(stored):
    with stored.open("rb") as opened:
        reader = pypdf.PdfReader(io.BytesIO(opened.read()))
    return reader, [page.extract_text() for page in reader.pages]


def titles(reader):
    return [item.title for item in reader.outline if not isinstance(item, list)]


@pytest.mark.parametrize(("kind", "code"), KINDS)
@pytest.mark.parametrize("committee", [None, "audit"])
def test_the_draft_is_marked_on_every_page_and_the_published_file_nowhere_else(
    quarter, people, kind, code, committee
):
    committee = committee and Committee.objects.get(slug=committee)
    period = periods.parse(kind, code)
    report = workflow.request_report(
        plan=quarter, period=period, committee=committee, by=people["clerk"]
    )
    report.refresh_from_db()
    assert report.state == "ready", report.failure_reason
    assert not report.file  # nothing to publish is made until publishing
    published = workflow.publish(report, by=people["clerk"], sha256=report.draft_sha256)
    assert published.state == "published", published.failure_reason
    draft_reader, draft = pages_of(published.draft_file)
    final_reader, final = pages_of(published.file)

    assert all(DRAFT_MARK in text for text in draft)
    assert not any("Draft" in text for text in final)
    # The mark takes no room: the same pages, words and bookmarks, the mark aside.
    assert [text.replace(DRAFT_MARK, "").split() for text in draft] == [
        text.split() for text in final
    ]
    assert len(final) == report.pages
    assert titles(draft_reader) == titles(final_reader)
    assert draft_reader.metadata.title == f"{DRAFT_MARK}: {final_reader.metadata.title}"
    assert published.draft_sha256 == report.draft_sha256
    assert published.shown_file[0] == published.file


def test_both_checksums_come_back_from_the_frozen_snapshot(quarter, people):
    """How the published file is guaranteed to be the checked draft less its mark: both are
    rendered from the one stored snapshot, and rendering is repeatable to the byte."""
    period = periods.parse("quarterly", "2023-Q4")
    report = workflow.request_report(plan=quarter, period=period, by=people["clerk"])
    report.refresh_from_db()
    snapshot = report.snapshot
    report = workflow.publish(report, by=people["clerk"], sha256=report.draft_sha256)
    assert report.snapshot == snapshot
    assert pdf.render(report.snapshot, draft=True).sha256 == report.draft_sha256
    assert pdf.render(report.snapshot).sha256 == report.sha256
    with report.file.open("rb") as opened:
        assert hashlib.sha256(opened.read()).hexdigest() == report.sha256


def _struct_texts(reader):
    """The structure elements' kinds in reading order."""
    found = []

    def walk(node):
        node = node.get_object()
        if isinstance(node, pypdf.generic.DictionaryObject):
            if "/S" in node:
                found.append(node["/S"])
            kids = node.get("/K")
            if kids is not None:
                for kid in kids if isinstance(kids, list) else [kids]:
                    walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def test_what_build_report_writes_is_a_draft_marked_on_every_page(quarter, tmp_path):
    path = tmp_path / "q4.pdf"
    call_command(
        "build_report",
        plan="corporate-plan",
        kind="quarterly",
        period="2023-Q4",
        output=str(path),
        stdout=io.StringIO(),
    )
    reader = pypdf.PdfReader(path)
    assert len(reader.pages) > 5
    assert all(DRAFT_MARK in page.extract_text() for page in reader.pages)
    # The mark is tagged text, the document's first paragraph, so screen readers read it.
    assert _struct_texts(reader)[:3] == ["/Document", "/P", "/Span"]


def test_the_draft_web_page_is_marked_and_the_published_one_is_not(quarter, people, client_for):
    period = periods.parse("quarterly", "2023-Q4")
    report = workflow.request_report(plan=quarter, period=period, by=people["clerk"])
    report.refresh_from_db()
    page = client_for("clerk").get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert DRAFT_MARK in page
    assert "<title>Draft: Quarterly report" in " ".join(page.split())
    workflow.publish(report, by=people["clerk"], sha256=report.draft_sha256)
    page = client_for("councillor").get(reverse("reports:detail", args=[report.pk]))
    assert "Draft" not in page.content.decode()


# Publishing is a task: the file without the mark is rendered then, once, not in every build.


@pytest.fixture
def ready(quarter, people):
    period = periods.parse("quarterly", "2023-Q4")
    report = workflow.request_report(plan=quarter, period=period, by=people["clerk"])
    report.refresh_from_db()
    assert report.state == "ready", report.failure_reason
    return report


@pytest.fixture
def busy_worker(settings):
    """A task backend that only records what is queued, as a busy worker would leave it."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def test_a_build_makes_only_the_draft(ready):
    assert ready.draft_file and ready.draft_sha256 and ready.pages
    assert not ready.file and not ready.sha256


def test_while_it_is_being_published_only_clerks_see_it_and_its_words_are_frozen(
    ready, people, client_for, busy_worker
):
    url = reverse("reports:detail", args=[ready.pk])
    clerk = client_for("clerk")
    response = clerk.post(
        reverse("reports:publish", args=[ready.pk]),
        {"confirm": "yes", "sha256": ready.draft_sha256},
        follow=True,
    )
    page = " ".join(response.content.decode().split())
    assert "Being published: the PDF without its draft mark is being made" in page
    assert "Being published." in page and "Write the commentary" not in page
    ready.refresh_from_db()
    assert ready.state == "publishing" and not ready.file
    assert client_for("councillor").get(url).status_code == 404
    assert not workflow.build_again(ready)
    with pytest.raises(ValidationError, match="being published: its words are frozen"):
        wording.save(report=ready, values={"summary": "Late words."}, versions={}, by=None)
    assert clerk.get(reverse("reports:commentary", args=[ready.pk])).status_code == 302

    assert publish_report.call(ready.pk, people["clerk"].pk) == "published"
    ready.refresh_from_db()
    assert ready.published_by == people["clerk"] and ready.published_at
    assert ready.pages == len(pypdf.PdfReader(ready.file.open("rb")).pages)
    assert client_for("councillor").get(url).status_code == 200
    assert publish_report.call(ready.pk, people["clerk"].pk) is None  # a retry does nothing


def test_a_publishing_that_fails_publishes_nothing_and_says_why(
    ready, people, client_for, monkeypatch
):
    rendered = pdf.render(ready.snapshot)
    monkeypatch.setattr(pdf, "render", lambda snapshot: pdf.Rendered(rendered.pdf, pages=1))
    report = workflow.publish(ready, by=people["clerk"], sha256=ready.draft_sha256)
    assert report.state == "failed" and not report.file and report.published_at is None
    assert report.failure_reason.startswith("Publishing failed, so nothing was published.")
    assert f"The draft has {ready.pages} pages and the file to publish 1" in report.failure_reason
    url = reverse("reports:detail", args=[ready.pk])
    assert client_for("councillor").get(url).status_code == 404
    monkeypatch.undo()
    assert workflow.build_again(report)
    report.refresh_from_db()
    report = workflow.publish(report, by=people["clerk"], sha256=report.draft_sha256)
    assert report.state == "published"


def test_a_publishing_whose_worker_died_shows_as_failed_and_may_be_built_again(
    ready, people, busy_worker
):
    workflow.publish(ready, by=people["clerk"], sha256=ready.draft_sha256)
    Report.objects.filter(pk=ready.pk).update(
        started_at=timezone.now() - datetime.timedelta(minutes=20)
    )
    ready.refresh_from_db()
    assert ready.shown_state == "failed"
    assert "never finished: the worker publishing it stopped" in ready.shown_failure_reason
    assert workflow.build_again(ready)
