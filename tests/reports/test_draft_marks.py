"""Draft marks: every page of a draft PDF, and the draft's web page, say "Draft — not for
publication"; the published file has no mark and is otherwise the draft: rendered when
publishing from the snapshot the draft was built from, with the same pages and words, both
checksums kept."""

import hashlib
import io

import pypdf
import pytest
from django.core.management import call_command
from django.urls import reverse

from plans.models import Committee
from reports import pdf, periods, workflow
from reports.models import DRAFT_MARK

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
