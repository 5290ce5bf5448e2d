"""A plan's public page, its published reports' PDFs and their Atom feed, read signed out."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.test import Client, override_settings
from django.urls import reverse

from plans import updates
from plans.models import Plan, Recommendation, Round, Source
from plans.vocabulary import status_matcher
from reports.models import Report
from tests import factories

FEBRUARY = datetime.date(2024, 2, 1)
PENDING = "Pending draft: Cabinet slipped to May."
RETURNED = "Returned draft: no date given."
SIGNED_OFF = "Signed-off wording: adopted by Cabinet."
JANUARY_WORDS = "January: consultation under way."
ATOM = "{http://www.w3.org/2005/Atom}"


def publish(plan, clerk, period="2023-Q4", state="published", pk=None):
    """A report of `plan` for the quarter `period`, published (or in `state`)."""
    published = state == "published"
    return Report.objects.create(
        pk=pk,
        plan=plan,
        kind="quarterly",
        period=period,
        state=state,
        file=ContentFile(b"%PDF-1.7 published", name="report.pdf") if published else "",
        draft_file=ContentFile(b"%PDF-1.7 draft", name="draft.pdf"),
        sha256="1" * 64 if published else "",
        published_by=clerk if published else None,
        published_at=datetime.datetime(2024, 4, 2, tzinfo=datetime.UTC) if published else None,
    )


@pytest.fixture
def public_plan(plan, people):
    """A public plan asking for sign-off, with a published report for January to March 2024,
    a source, and February updates of three actions: one awaiting sign-off, one returned, one
    signed off."""
    plan.public = True
    plan.updates_need_sign_off = True
    plan.save()
    amber = status_matcher(plan.statuses.all())("Medium progress")
    lead, clerk = people["lead"], people["clerk"]
    actions = [factories.action(plan, f"CM.1.{n}", lead="Head of HR") for n in (1, 2, 3)]
    for action in actions:
        factories.update(action, "2024-01", "On track", narrative=JANUARY_WORDS)

    Round.objects.create(plan=plan, month=FEBRUARY, due=datetime.date(2024, 3, 8))

    def write(action, narrative):
        return updates.submit_update(
            action=action,
            month=FEBRUARY,
            by=lead,
            status=amber,
            narrative=narrative,
            expected_version=0,
        )[0]

    def review(update, decision):
        updates.review_update(
            update=update, by=clerk, decision=decision, note="Say when.", expected_version=1
        )

    write(actions[0], PENDING)
    review(write(actions[1], RETURNED), "returned")
    review(write(actions[2], SIGNED_OFF), "approved")
    source = Source.objects.create(plan=plan, name="LGA peer challenge")
    source.recommendations.create(number=1, text="Agree shared priorities.").actions.add(*actions)
    publish(plan, clerk)
    return plan


def page(plan):
    return Client().get(reverse("public:plan", args=[plan.slug]))


def test_a_plan_has_no_public_page_until_an_administrator_makes_one(plan):
    factories.action(plan, "CM.1.1")
    assert page(plan).status_code == 404
    Plan.objects.filter(pk=plan.pk).update(public=True)
    response = page(plan)
    assert response.status_code == 200
    assert "Action CM.1.1" in response.text


@pytest.mark.parametrize("as_at", ["report", "approved"])
def test_the_public_never_read_wording_awaiting_sign_off_or_returned(public_plan, as_at):
    Plan.objects.filter(pk=public_plan.pk).update(public_as_at=as_at)
    text = page(public_plan).text
    assert PENDING not in text
    assert RETURNED not in text
    assert SIGNED_OFF in text
    # The actions whose February words are not signed off show January's.
    assert text.count(JANUARY_WORDS) == 2
    assert "Agree shared priorities." in text
    assert "3 actions: 2 On track, 1 Medium progress." in text


def test_statuses_are_as_at_the_latest_published_report_unless_the_plan_says_otherwise(
    public_plan, people
):
    action = public_plan.actions.get(ref="CM.1.3")
    factories.update(action, "2024-04", "Complete", narrative="April: adopted and done.")
    assert "April: adopted and done." not in page(public_plan).text
    assert "as at March 2024" in page(public_plan).text
    publish(public_plan, people["clerk"], period="2024-Q1")
    assert "April: adopted and done." in page(public_plan).text
    factories.update(action, "2024-07", "Closed", narrative="July: evidence filed.")
    assert "July: evidence filed." not in page(public_plan).text
    Plan.objects.filter(pk=public_plan.pk).update(public_as_at="approved")
    assert "July: evidence filed." in page(public_plan).text


def test_with_no_report_published_the_page_shows_no_status(plan):
    plan.public = True
    plan.save()
    factories.update(factories.action(plan, "CM.1.1"), "2024-01", "On track", narrative="Done.")
    text = page(plan).text
    assert "No committee report has been published yet." in text
    assert "once the first committee report on the plan is published" in text
    assert "1999" not in text
    assert "Done." not in text
    assert "No update yet" in text


def test_officers_are_named_only_when_the_plan_allows(public_plan):
    assert "Head of HR" not in page(public_plan).text
    Plan.objects.filter(pk=public_plan.pk).update(public_shows_officers=True)
    assert "Head of HR" in page(public_plan).text


def test_the_page_offers_no_evidence_and_no_signed_in_links(public_plan):
    text = page(public_plan).text
    assert "/evidence/" not in text
    assert "/plans/" not in text
    assert "/reports/1/" not in text


def test_published_reports_download_signed_out_only_from_public_plans(public_plan, people):
    report = Report.objects.get()
    draft = publish(public_plan, people["clerk"], period="2024-Q1", state="ready")
    url = reverse("public:report_pdf", args=[public_plan.slug, report.pk])
    assert url in page(public_plan).text
    response = Client().get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == b"%PDF-1.7 published"
    assert (
        Client().get(reverse("public:report_pdf", args=[public_plan.slug, draft.pk])).status_code
        == 404
    )
    # Another plan's report is not this plan's to give.
    other = factories.plan(name="Other plan", slug="other")
    other.public = True
    other.save()
    assert (
        Client().get(reverse("public:report_pdf", args=[other.slug, report.pk])).status_code == 404
    )
    Plan.objects.filter(pk=public_plan.pk).update(public=False)
    assert Client().get(url).status_code == 404


def test_the_feed_lists_the_published_reports(public_plan, people):
    publish(public_plan, people["clerk"], period="2024-Q1", state="ready")
    response = Client().get(reverse("public:feed", args=[public_plan.slug]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    assert feed.find(f"{ATOM}title").text == "Corporate Plan 2024-28: published committee reports"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["Quarterly report: Quarter 4 2023/24"]
    (entry,) = entries
    assert entry.find(f"{ATOM}id").text
    assert entry.find(f"{ATOM}updated").text.startswith("2024-04-02")
    link = entry.find(f"{ATOM}link").get("href")
    assert link.endswith(
        reverse("public:report_pdf", args=[public_plan.slug, Report.objects.published().get().pk])
    )
    Plan.objects.filter(pk=public_plan.pk).update(public=False)
    assert Client().get(reverse("public:feed", args=[public_plan.slug])).status_code == 404


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}})
def test_the_cached_page_shows_a_new_sign_off_and_a_new_report(public_plan, people):
    cache.clear()
    assert PENDING not in page(public_plan).text
    update = public_plan.actions.get(ref="CM.1.1").updates.get(month=FEBRUARY)
    updates.review_update(
        update=update, by=people["clerk"], decision="approved", expected_version=1
    )
    text = page(public_plan).text
    assert PENDING in text
    assert "Quarter 1 2024/25" not in text
    publish(public_plan, people["clerk"], period="2024-Q1")
    assert "Quarterly report: Quarter 1 2024/25" in page(public_plan).text
    cache.clear()


def grow(plan, count):
    """`count` more actions, each with an update and a recommendation answered by it."""
    source = Source.objects.get(plan=plan)
    for number in range(count):
        action = factories.action(plan, f"X.{number}", theme_name=f"Theme {number % 3}")
        factories.update(action, "2024-01", "On track")
        Recommendation.objects.create(source=source, number=100 + number, text="Do.").actions.add(
            action
        )


# The plan, its published reports; then the statuses, the rows, the figures (four) and the
# recommendations (four).
PUBLIC_PAGE_QUERIES = 12


@pytest.mark.parametrize("size", [5, 50])
def test_the_public_page_runs_a_fixed_number_of_queries(
    public_plan, django_assert_max_num_queries, size
):
    grow(public_plan, size)
    with django_assert_max_num_queries(PUBLIC_PAGE_QUERIES):
        response = page(public_plan)
    assert response.status_code == 200
    assert response.text.count("Do.") == size
