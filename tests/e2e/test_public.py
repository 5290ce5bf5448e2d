"""The public page of the demo plan and the footer pages, signed out, in a real browser: each
held to axe-core, the Nu checker and 320 px (conftest.Checked); and every page the
accessibility statement says is checked, checked."""

import datetime
from itertools import groupby

from plans import updates
from plans.models import Plan
from plans.vocabulary import status_matcher
from tracker.models import User
from tracker.pages import CHECKED_PAGES

FEBRUARY = datetime.date(2024, 2, 1)
PENDING = "Awaiting sign-off: the strategy goes to Cabinet in May."
RETURNED = "Returned: no date for the consultation."


def test_the_public_page_of_the_demo_plan_shows_only_signed_off_words_signed_out(visit):
    Plan.objects.update(public=True, updates_need_sign_off=True, public_as_at="approved")
    plan = Plan.objects.get(slug="improvement-plan")
    lead, clerk = User.objects.get(username="lead"), User.objects.get(username="clerk")
    amber = status_matcher(plan.statuses.all())("Medium progress")
    written = []
    for ref, words in (("OC.A2.1", PENDING), ("OC.A2.4", RETURNED)):
        action = plan.actions.get(ref=ref)
        version = action.updates.filter(month=FEBRUARY).values_list("version", flat=True)
        written.append(
            updates.submit_update(
                action=action,
                month=FEBRUARY,
                by=lead,
                status=amber,
                narrative=words,
                expected_version=next(iter(version), 0),
            )[0]
        )
    updates.review_update(
        update=written[1],
        by=clerk,
        decision="returned",
        note="Give a date.",
        expected_version=written[1].version,
    )

    public = visit(None)
    public.goto("/public/improvement-plan/")
    text = public.page.inner_text("main")
    assert PENDING not in text
    assert RETURNED not in text
    # OC.A2.1's signed-off January words stand until February's are approved.
    assert "Decision to obtain Cabinet approval" in text
    assert "Head of HR" not in text
    public.page.get_by_role("link", name="Accessibility statement").click()
    public.check()
    assert "axe-core" in public.page.inner_text("main")
    public.page.get_by_role("link", name="Privacy").click()
    public.check()
    public.page.get_by_role("link", name="Help").click()
    public.check()


def test_every_page_the_accessibility_statement_lists_is_checked(visit):
    Plan.objects.update(public=True)
    for role, pages in groupby(CHECKED_PAGES, key=lambda page: page[1]):
        checked = visit(role)
        for _, _, path in pages:
            checked.goto(path)
