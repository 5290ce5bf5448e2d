"""The PDFs read back with pypdf: figures and red and amber refs against the database, page
count, metadata, bookmarks, and the tags screen readers need."""

import datetime
import io
import re

import pypdf
import pytest
from django.core.management import CommandError, call_command

from plans.models import Action, Rag, Update
from reports import compose, pdf, periods

MARCH = datetime.date(2024, 3, 1)
REF = re.compile(r"\b[A-Z]{2}\.\d\.\d\b")


def statuses_as_at(plan, month):
    """Each action's status from its latest approved update on or before `month`, worked out
    the slow, obvious way, to check the report against."""
    found = {}
    for action in Action.objects.filter(plan=plan):
        latest = (
            Update.objects.filter(
                action=action, month__lte=month, approval=Update.Approval.APPROVED
            )
            .order_by("-month")
            .first()
        )
        if latest and not action.children.exists():
            found[action.ref] = latest.status
    return found


def text_of(reader):
    return "\n".join(page.extract_text() for page in reader.pages)


def between(text, start, end):
    """The text from the last heading `start` before the heading `end` (the first copy of
    each is in the contents list)."""
    return text[text.rindex(start) : text.rindex(end)]


@pytest.fixture
def built(quarter, tmp_path):
    path = tmp_path / "q4.pdf"
    out = io.StringIO()
    call_command(
        "build_report",
        plan="corporate-plan",
        kind="quarterly",
        period="2023-Q4",
        output=str(path),
        stdout=out,
    )
    return pypdf.PdfReader(path), out.getvalue()


def test_figures_in_the_pdf_match_the_database(quarter, built):
    reader, _ = built
    statuses = statuses_as_at(quarter, MARCH).values()
    counted = [s for s in statuses if s.counted]
    good = [s for s in counted if s.rag in (Rag.GREEN, Rag.BLUE)]
    text = " ".join(text_of(reader).split())
    assert len(counted) == 8 and len(good) == 5
    assert "5 of 8 actions (62%) are on track, complete or closed" in text


def test_red_and_amber_refs_in_the_pdf_match_the_database(quarter, built):
    reader, _ = built
    expected = sorted(
        ref
        for ref, status in statuses_as_at(quarter, MARCH).items()
        if status.rag in (Rag.RED, Rag.AMBER)
    )
    section = between(text_of(reader), "Red and amber actions", "Completed in the period")
    section = " ".join(section.split())
    assert sorted(set(REF.findall(section))) == expected == ["CM.1.1", "CM.1.2"]
    assert "Leadership Team review and remedy." in section
    assert "Funding bid refused; options paper to Cabinet in April." in section


def test_page_count_title_language_and_bookmarks(built):
    reader, output = built
    pages = len(reader.pages)
    assert f", {pages} pages," in output
    last = " ".join(reader.pages[-1].extract_text().split())
    assert f"Page {pages} of {pages}" in last
    assert reader.metadata.title == (
        "Draft — not for publication: Corporate Plan 2024-28: quarterly report, Quarter 4 2023/24"
    )
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712 (a PDF boolean)
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles == [
        "Contents",
        "Summary",
        "Movement since Quarter 3 2023/24",
        "Red and amber actions",
        "Completed in the period",
        "On hold and not due to start",
        "Measures",
        "Status definitions",
        "Appendix: all actions",
    ]


def test_pages_are_a4_with_a_landscape_appendix(built):
    reader, _ = built
    first, last = reader.pages[0].mediabox, reader.pages[-1].mediabox
    assert (round(first.width), round(first.height)) == (595, 842)
    assert (round(last.width), round(last.height)) == (842, 595)


def _structure(node, found):
    node = node.get_object()
    if isinstance(node, pypdf.generic.DictionaryObject):
        if "/S" in node:
            found.append((node["/S"], node.get("/Alt")))
        kids = node.get("/K")
        if kids is not None:
            for kid in kids if isinstance(kids, list) else [kids]:
                _structure(kid, found)
    return found


def test_the_pdf_is_tagged_pdf_ua_with_described_charts(built):
    reader, _ = built
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 (a PDF boolean)
    assert b'pdfuaid:part="1"' in root["/Metadata"].get_data()
    tags = _structure(root["/StructTreeRoot"], [])
    kinds = {kind for kind, _ in tags}
    assert {"/H1", "/H2", "/H3", "/Table", "/TH", "/TD", "/Figure", "/L"} <= kinds
    alts = [alt for kind, alt in tags if kind == "/Figure"]
    assert [alt.split(" in ")[0] for alt in alts] == [
        "Bar chart of the number of actions with each status",
        "Stacked bar chart of the percentage of counted actions",  # by priority
        "Stacked bar chart of the percentage of counted actions",  # by theme
        "Stacked bar chart of the percentage of counted actions",  # month by month
    ]


def test_annual_report_has_the_year_in_review(quarter, tmp_path):
    path = tmp_path / "year.pdf"
    call_command(
        "build_report", plan="corporate-plan", kind="annual", period="2023", output=str(path)
    )
    reader = pypdf.PdfReader(path)
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert "The year in review" in titles
    section = between(text_of(reader), "The year in review", "Status definitions")
    assert "completed during the year: CM.1.4, CM.1.5" in " ".join(section.split())


def test_the_same_snapshot_renders_the_same_bytes(quarter):
    snapshot = compose.compose(plan=quarter, period=periods.parse("quarterly", "2023-Q4"))
    assert pdf.render(snapshot).pdf == pdf.render(snapshot).pdf


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"plan": "nope", "kind": "quarterly", "period": "2023-Q4"}, "No plan with the slug"),
        ({"plan": "corporate-plan", "kind": "quarterly", "period": "2023"}, "look like"),
        (
            {"plan": "corporate-plan", "kind": "annual", "period": "2023", "committee": "x"},
            "No committee with the slug",
        ),
    ],
)
def test_build_report_command_explains_mistakes(quarter, tmp_path, options, message):
    with pytest.raises(CommandError, match=message):
        call_command("build_report", output=str(tmp_path / "x.pdf"), **options)
