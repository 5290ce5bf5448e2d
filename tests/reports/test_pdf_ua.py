"""Every kind of report, for the whole plan and for one committee, passes a PDF/UA-1 checker:
page-validation (pinned in pyproject.toml), which runs the machine-checkable rules of the
PDF/UA-1 validation profile veraPDF uses (its corpus is page-validation's own test suite):
tagged content and artifacts, the structure tree and its standard types, heading nesting,
figures' alternative text, tables' headers and scope, lists, links' descriptions, natural
language, the document title shown, fonts embedded with Unicode mappings, the PDF/UA
identifier in the metadata. It cannot judge what needs a person: whether the alternative text
says what the chart shows, whether the reading order makes sense, colour contrast. test_pdf.py
reads the tags, bookmarks and text back for those.

Both files of a report are checked, the draft with its mark and the file published without
it, with the officers' commentary and a cover report, as a report goes to committee."""

import io

import page
import pypdf
import pytest
from django.core.management import call_command

from plans.models import Committee
from reports import pdf, periods, wording, workflow
from reports.models import DRAFT_MARK
from tests.reports.test_words import ALL_WORDS

KINDS = [("quarterly", "2023-Q4"), ("six-monthly", "2023-H2"), ("annual", "2023")]


def failures(report):
    return [f"{f.rule_id}: {f.message}" for f in report.failures]


@pytest.mark.parametrize("committee", [None, "audit"])
@pytest.mark.parametrize(("kind", "period"), KINDS)
def test_each_kind_of_report_passes_the_pdf_ua_checker(audit, tmp_path, kind, period, committee):
    path = tmp_path / "report.pdf"
    call_command(
        "build_report",
        plan="corporate-plan",
        kind=kind,
        period=period,
        output=str(path),
        stdout=io.StringIO(),
        **({"committee": committee} if committee else {}),
    )
    report = page.validate_pdf(path, profile=page.ValidationProfile.PDF_UA_1)
    assert failures(report) == []
    assert report.is_compliant
    # The whole profile ran, not a part of it.
    assert report.rules.total >= 100 and report.rules.failed == 0


@pytest.mark.parametrize("committee", [None, "audit"])
@pytest.mark.parametrize(("kind", "period"), KINDS)
def test_the_draft_and_the_published_file_with_words_pass_the_pdf_ua_checker(
    quarter, audit, people, kind, period, committee
):
    clerk = people["clerk"]
    report = workflow.request_report(
        plan=quarter,
        period=periods.parse(kind, period),
        committee=committee and Committee.objects.get(slug=committee),
        by=clerk,
    )
    wording.save(report=report, values=ALL_WORDS, versions={}, by=clerk)
    report.refresh_from_db()
    assert workflow.build_again(report)
    report.refresh_from_db()
    assert report.state == "ready", report.failure_reason
    report = workflow.publish(report, by=clerk, sha256=report.draft_sha256)
    assert report.state == "published", report.failure_reason

    for stored, marked in ((report.draft_file, True), (report.file, False)):
        with stored.open("rb") as opened:
            data = opened.read()
        first = pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text()
        assert ALL_WORDS["cover:title"] in first  # the cover report is the first page
        assert (DRAFT_MARK in first) == marked
        checked = page.validate_pdf_bytes(data, profile="ua1")
        assert failures(checked) == []
        assert checked.is_compliant and checked.rules.total >= 100


def test_the_checker_finds_what_a_report_must_not_do():
    """A chart without alternative text and a heading that skips a level fail it, so a
    report that passes has neither."""
    html = (
        '<!doctype html><html lang="en-GB"><head><title>Broken</title></head><body>'
        "<h1>Report</h1><h3>Skips a level</h3>"
        '<img src="data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdm'
        'ciIHdpZHRoPSIxMCIgaGVpZ2h0PSIxMCIvPg=="></body></html>'
    )
    report = page.validate_pdf_bytes(pdf.html_to_pdf(html).pdf, profile="ua1")
    assert not report.is_compliant
    assert {f.rule_id for f in report.failures} == {
        "PDFUA1-FIGURE-ALTERNATIVE-TEXT-001",
        "PDFUA1-HEADING-NESTING-001",
    }
