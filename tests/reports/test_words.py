"""The officers' words in a report: commentary beside the figures and the council's cover
report, saved with every wording kept, refused over someone else's save, shown on the page,
printed in the PDF, written to the Word document, and frozen when the report is published."""

import datetime
import io
import json

import docx
import pypdf
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from plans.models import Committee
from reports import checks, compose, pdf, periods, word, wording
from reports.forms import WordsForm
from reports.models import Report, Wording, WordingRevision

LONDON = datetime.timezone(datetime.timedelta(hours=1))
SUMMARY = "Delivery held up well despite the procurement delay in Community."
PRIORITY = "Listening to residents slipped because two consultations moved to May."
TO_MEMBERS = "That members note progress and ask for a recovery plan for CM.1.2."
RISKS = [["Failure to deliver the plan", "H", "H", "Re-prioritise resources", "M", "M"]]


def words_of(values):
    """The words part of a snapshot, as a build takes it from a draft."""
    return {"fields": values, "versions": dict.fromkeys(values, 1)}


COVER = {
    "cover:title": "Corporate Plan Action Tracker: quarter 4",
    "cover:purpose": "To note",
    "cover:author": "Lee O’Neil, Deputy Chief Executive",
    "cover:wards": "All Wards",
    "cover:exempt": "No",
    "cover:corporate_priority": "Listening to residents",
    "cover:recommendations": "Committee is asked to note the progress.",
    "cover:reason": "Not applicable",
    "implications:financial": "No direct financial implications.",
    "implications:risk": "Risks are monitored through the tracker.",
    "implications:risks": RISKS,
}
ALL_WORDS = {
    "summary": SUMMARY,
    "priority:Listening to residents": PRIORITY,
    "recommendations": TO_MEMBERS,
    **COVER,
}


def text(data):
    return " ".join(
        " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages).split()
    )


def outline_titles(reader):
    titles = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)

    walk(reader.outline)
    return titles


@pytest.fixture
def clerk(client_for):
    return client_for("clerk")


@pytest.fixture
def ready(quarter, clerk, time_machine):
    time_machine.move_to(datetime.datetime(2024, 4, 3, 10, tzinfo=LONDON), tick=False)
    clerk.post(
        reverse("reports:new"),
        {
            "plan": quarter.pk,
            "period": "quarterly:2023-Q4",
            "committee": "",
            "meeting": "",
            "confirm": "yes",  # build with the updates still missing
        },
    )
    return Report.objects.get()


def page(response):
    return " ".join(response.content.decode().split())


# Saving: every wording kept, conflicts refused, published words frozen.


def test_every_wording_is_kept_with_who_and_when(ready, people):
    clerk, admin = people["clerk"], people["admin"]
    wording.save(report=ready, values={"summary": "First go."}, versions={}, by=clerk)
    wording.save(report=ready, values={"summary": SUMMARY}, versions={"summary": 1}, by=admin)
    # The same words again, even from an old page, write nothing.
    assert wording.save(report=ready, values={"summary": SUMMARY}, versions={}, by=clerk) == []
    revisions = WordingRevision.objects.filter(wording__report=ready)
    assert [(r.version, r.text, r.author) for r in revisions] == [
        (1, "First go.", clerk),
        (2, SUMMARY, admin),
    ]


def test_a_save_over_someone_elses_is_refused_and_writes_nothing(ready, people):
    clerk, admin = people["clerk"], people["admin"]
    wording.save(report=ready, values={"summary": SUMMARY}, versions={}, by=admin)
    with pytest.raises(wording.Conflict) as refused:
        wording.save(
            report=ready,
            values={"recommendations": TO_MEMBERS, "summary": "Mine."},
            versions={"summary": 0},
            by=clerk,
        )
    assert [w.key for w in refused.value.current] == ["summary"]
    # All or nothing: the other field was not saved either.
    assert list(Wording.objects.values_list("key", "text")) == [("summary", SUMMARY)]


def test_a_published_reports_words_are_frozen(ready, clerk, people):
    clerk.post(reverse("reports:commentary", args=[ready.pk]), {"w-summary": SUMMARY})
    ready.refresh_from_db()
    clerk.post(
        reverse("reports:publish", args=[ready.pk]),
        {"sha256": ready.draft_sha256, "confirm": "yes"},
    )
    ready.refresh_from_db()
    assert ready.is_published
    with pytest.raises(ValidationError):
        wording.save(report=ready, values={"summary": "Later."}, versions={"summary": 1}, by=None)
    response = clerk.post(
        reverse("reports:commentary", args=[ready.pk]), {"w-summary": "Later."}, follow=True
    )
    assert "its words are frozen" in page(response)
    assert ready.snapshot["words"]["fields"]["summary"] == SUMMARY
    assert SUMMARY in text(ready.file.read())


# The pages.


def test_commentary_shows_the_figures_it_sits_beside_and_builds_the_draft_again(ready, clerk):
    form = page(clerk.get(reverse("reports:commentary", args=[ready.pk])))
    assert "5 of 8 actions (62%) are on track, complete or closed" in form
    assert "Listening to residents" in form
    old = ready.draft_sha256
    response = clerk.post(
        reverse("reports:commentary", args=[ready.pk]),
        {
            "w-summary": SUMMARY,
            "w-priority-Listening_to_residents": PRIORITY,
            "w-recommendations": TO_MEMBERS,
        },
        follow=True,
    )
    assert "Saved. The draft is being built again with your words." in page(response)
    ready.refresh_from_db()
    assert ready.draft_sha256 != old
    shown = page(response)
    for words in (SUMMARY, PRIORITY, TO_MEMBERS):
        assert words in shown
    # The priority's paragraph follows its figures; the summary follows the headline.
    assert shown.index("Listening to residents:</strong>") < shown.index(PRIORITY)
    printed = text(ready.draft_file.read())
    assert printed.index("5 of 8 actions (62%)") < printed.index(SUMMARY)
    assert PRIORITY in printed and TO_MEMBERS in printed


def test_a_conflicting_save_on_the_page_keeps_the_writers_words(ready, clerk, client_for):
    other = client_for("admin")
    url = reverse("reports:commentary", args=[ready.pk])
    other.post(url, {"w-summary": SUMMARY, "versions": "{}"})
    response = clerk.post(url, {"w-summary": "My own summary.", "versions": "{}"})
    assert response.status_code == 409
    shown = page(response)
    assert "Not saved" in shown and SUMMARY in shown and "My own summary." in shown
    assert Wording.objects.get(key="summary").text == SUMMARY
    # Saving again, having seen theirs, replaces it; theirs stays among the revisions.
    clerk.post(url, {"w-summary": "My own summary.", "versions": '{"summary": 1}'})
    assert Wording.objects.get(key="summary").text == "My own summary."
    assert WordingRevision.objects.count() == 2


def test_councillors_cannot_write_or_see_the_words(ready, client_for):
    councillor = client_for("councillor")
    for name in ("commentary", "cover", "words_history"):
        assert councillor.get(reverse(f"reports:{name}", args=[ready.pk])).status_code in (
            403,
            404,
        )


def test_cover_report_defaults_then_first_pages_of_the_pdf(ready, clerk, people):
    url = reverse("reports:cover", args=[ready.pk])
    form = page(clerk.get(url))
    assert "All Wards</textarea>" in form and ">No</textarea>" in form
    assert f"{ready.plan.name}: Quarterly report: Quarter 4 2023/24</textarea>" in form
    fields = {WordsForm.name(f): COVER.get(f.key, "") for f in wording.COVER + wording.IMPLICATIONS}
    risk = dict(
        zip(["description", "impact", "likelihood", "mitigation"], RISKS[0][:4], strict=True)
    )
    risk |= {"residual_impact": "M", "residual_likelihood": "M"}
    post = {
        **fields,
        "risk-TOTAL_FORMS": "2",
        "risk-INITIAL_FORMS": "0",
        **{f"risk-0-{k}": v for k, v in risk.items()},
    }
    response = clerk.post(url, post, follow=True)
    assert "Saved." in page(response)
    ready.refresh_from_db()
    data = ready.draft_file.read()
    reader = pypdf.PdfReader(io.BytesIO(data))
    first = " ".join(reader.pages[0].extract_text().split())
    for label, value in [
        ("Title", COVER["cover:title"]),
        ("Purpose of the report", "To note"),
        ("Report Author", "Lee O’Neil"),
        ("Ward(s) Affected", "All Wards"),
        ("Exempt", "No"),
        ("Corporate Priority", "Listening to residents"),
        ("Recommendations", "Committee is asked to note the progress."),
        ("Reason for Recommendation", "Not applicable"),
    ]:
        assert label in first and value in first
    whole = text(data)
    assert "Implications: risk management" in whole
    assert "Failure to deliver the plan H H Re-prioritise resources M M" in whole
    # The cover comes before the report's own title page; bookmarks lead with it.
    assert whole.index("Reason for Recommendation") < whole.index("Contents")
    assert outline_titles(reader)[0] == COVER["cover:title"]
    assert "Implications: legal" not in whole  # left empty, left out
    # The next report for this plan and committee starts from this one's author.
    again = Report.objects.create(plan=ready.plan, kind="quarterly", period="2024-Q1")
    assert wording.defaults(again)["cover:author"] == COVER["cover:author"]


def test_leaving_out_the_cover_report(ready, clerk):
    wording.save(report=ready, values=COVER, versions={}, by=None)
    versions = dict.fromkeys(COVER, 1)
    clerk.post(
        reverse("reports:cover", args=[ready.pk]),
        {"remove": "yes", "versions": json.dumps(versions)},
    )
    ready.refresh_from_db()
    assert "Ward(s) Affected" not in text(ready.draft_file.read())
    assert WordingRevision.objects.filter(text=COVER["cover:title"]).exists()


def test_the_page_says_when_words_changed_since_the_build(ready, clerk, people):
    wording.save(report=ready, values={"summary": SUMMARY}, versions={}, by=people["clerk"])
    shown = page(clerk.get(ready.get_absolute_url()))
    assert "changed since this draft was built" in shown
    response = clerk.post(
        reverse("reports:publish", args=[ready.pk]),
        {"sha256": ready.draft_sha256, "confirm": "yes"},
        follow=True,
    )
    assert "Build it again" in page(response)
    ready.refresh_from_db()
    assert not ready.is_published


# The Word document.


def word_document(data):
    return docx.Document(io.BytesIO(data))


def headings(document):
    return [
        (p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")
    ]


def alt_texts(document):
    return [shape._inline.docPr.get("descr") for shape in document.inline_shapes]


def test_the_word_document_has_headings_tables_and_described_charts(ready, clerk):
    wording.save(report=ready, values=ALL_WORDS, versions={}, by=None)
    clerk.post(reverse("reports:rebuild", args=[ready.pk]))
    shown = page(clerk.get(ready.get_absolute_url()))
    assert "Word document, editable" in shown
    response = clerk.get(reverse("reports:docx", args=[ready.pk]))
    assert response["Content-Type"] == word.CONTENT_TYPE
    assert response["Content-Disposition"].endswith('.docx"')
    document = word_document(response.content)
    found = headings(document)
    assert found[0] == ("Heading 1", COVER["cover:title"])
    assert ("Heading 1", "Quarterly report: Quarter 4 2023/24") in found
    for heading in ("Summary", "Recommendations to members", "Red and amber actions"):
        assert ("Heading 2", heading) in found
    assert ("Heading 2", "Implications: risk management") in found
    assert ("Heading 3", "By priority") in found
    # The cover sheet, the risk table and the figures are Word tables.
    sheet = document.tables[0]
    assert [row.cells[0].text for row in sheet.rows][:3] == [
        "Title",
        "Purpose of the report",
        "Report Author",
    ]
    assert sheet.rows[3].cells[1].text == "All Wards"
    risks = document.tables[1]
    assert [c.text for c in risks.rows[1].cells] == RISKS[0]
    assert [c.text for c in risks.rows[0].cells][0] == "Description of the risk"
    status_table = next(t for t in document.tables if t.rows[0].cells[0].text == "Status")
    assert status_table.rows[0]._tr.trPr is not None  # a header row repeated on each page
    body = "\n".join(p.text for p in document.paragraphs)
    for words in (SUMMARY, PRIORITY, TO_MEMBERS, "5 of 8 actions (62%)"):
        assert words in body
    alts = alt_texts(document)
    assert len(alts) >= 4
    assert alts[0].startswith("Bar chart of the number of actions with each status in March 2024")
    assert all(alts)
    # A draft's Word document is marked as its PDF is.
    assert document.core_properties.title.startswith(
        f"Draft — not for publication: {ready.plan.name}: quarterly report"
    )
    assert "Draft — not for publication" in document.paragraphs[0].text


def test_build_report_writes_the_word_document_with_the_drafts_words(ready, tmp_path):
    wording.save(report=ready, values={"summary": SUMMARY}, versions={}, by=None)
    out = io.StringIO()
    path = tmp_path / "q4.docx"
    call_command(
        "build_report",
        plan="corporate-plan",
        kind="quarterly",
        period="2023-Q4",
        docx=str(path),
        stdout=out,
    )
    assert "Wrote" in out.getvalue()
    document = word_document(path.read_bytes())
    assert SUMMARY in "\n".join(p.text for p in document.paragraphs)
    assert ("Heading 2", "Summary") in headings(document)


# Every kind of report, whole plan and one committee, with commentary and a cover report.


@pytest.mark.parametrize(
    ("kind", "code"),
    [(periods.QUARTERLY, "2023-Q4"), (periods.SIX_MONTHLY, "2023-H2"), (periods.ANNUAL, "2023")],
)
@pytest.mark.parametrize("committee", [None, "audit"])
def test_each_kind_carries_the_words_into_pdf_and_word(quarter, kind, code, committee):
    scope = committee and Committee.objects.get(slug=committee)
    snapshot = compose.compose(
        plan=quarter,
        period=periods.parse(kind, code),
        committee=scope,
        words=words_of(ALL_WORDS),
    )
    rendered = pdf.render(snapshot)
    reader = pypdf.PdfReader(io.BytesIO(rendered.pdf))
    printed = text(rendered.pdf)
    assert "Ward(s) Affected All Wards" in " ".join(reader.pages[0].extract_text().split())
    for words in (SUMMARY, TO_MEMBERS, "Failure to deliver the plan"):
        assert words in printed
    titles = outline_titles(reader)
    assert titles[0] == COVER["cover:title"] and "Summary" in titles
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    document = word_document(word.render(snapshot))
    assert headings(document)[0] == ("Heading 1", COVER["cover:title"])
    assert SUMMARY in "\n".join(p.text for p in document.paragraphs)
    assert all(alt_texts(document))
    if committee:
        assert "Those for the Audit Committee" in printed


def test_a_report_without_words_is_as_before(quarter):
    snapshot = compose.compose(plan=quarter, period=periods.parse("quarterly", "2023-Q4"))
    printed = text(pdf.render(snapshot).pdf)
    assert "Ward(s) Affected" not in printed and "Recommendations to members" not in printed
    assert wording.present(snapshot)["cover"] is None


def test_old_snapshots_without_words_still_show(quarter):
    snapshot = compose.compose(plan=quarter, period=periods.parse("quarterly", "2023-Q4"))
    del snapshot["words"]
    assert compose.present(snapshot)["words"]["cover"] is None


def test_defaults_for_a_committees_first_cover_report(quarter, people):
    audit = Committee.objects.get(slug="audit")
    report = Report.objects.create(
        plan=quarter, kind="quarterly", period="2023-Q4", committee=audit
    )
    values = wording.defaults(report)
    assert values["cover:wards"] == "All Wards" and values["cover:exempt"] == "No"
    assert values["cover:corporate_priority"] == "Listening to residents"
    assert "cover:author" not in values


def test_missing_names_each_empty_field_with_a_link(ready):
    wording.save(report=ready, values={"summary": SUMMARY}, versions={}, by=None)
    missing = [(gap.name, gap.url) for gap in checks.empty_commentary(ready)]
    commentary = reverse("reports:commentary", args=[ready.pk])
    assert missing == [
        ("Listening to residents", f"{commentary}#id_w-priority-Listening_to_residents"),
        ("Recommendations to members", f"{commentary}#id_w-recommendations"),
    ]
    # With a cover report, its empty sheet fields are missing too.
    wording.save(report=ready, values={"cover:title": "Tracker"}, versions={}, by=None)
    labels = [gap.name for gap in checks.empty_commentary(ready)]
    assert "Report Author" in labels and "Title" not in labels


def test_the_checks_before_publishing_list_the_commentary_not_written(ready, clerk):
    found = {check.key: check for check in checks.for_report(ready)}
    gaps = found["commentary"].gaps
    assert [gap.name for gap in gaps] == [
        "Executive summary",
        "Listening to residents",
        "Recommendations to members",
    ]
    commentary = reverse("reports:commentary", args=[ready.pk])
    assert gaps[0].url == f"{commentary}#id_w-summary"
    values = {f"priority:{name}": "Words." for name in ["Listening to residents"]}
    wording.save(
        report=ready,
        values={"summary": "All well.", "recommendations": "Note the report.", **values},
        versions={},
        by=None,
    )
    assert "commentary" not in {check.key for check in checks.for_report(ready)}
