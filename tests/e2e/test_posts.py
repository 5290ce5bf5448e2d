"""The Posts pages in a browser: an administrator finds the demo's two spellings of one
post flagged, gives a vacant post a holder, and merges the two, every page held to
axe-core, the Nu HTML checker and reflow at 320 px by the `visit` fixture."""

from plans.models import Action, Post
from tests.e2e.conftest import screenshot


def test_an_administrator_gives_a_post_a_holder_and_merges_a_near_duplicate(visit):
    admin = visit("admin")
    page = admin.page
    page.get_by_role("link", name="Posts").first.click()
    page.wait_for_load_state()
    admin.check()
    main = page.locator("main")
    assert "may be one post" in main.inner_text()
    screenshot(page, "posts")

    page.get_by_role("link", name="HR Team Manager L&D/OD").first.click()
    page.wait_for_load_state()
    admin.check()
    page.get_by_label("Add a holder").select_option(label="Dana Smith")
    page.get_by_role("button", name="Add holder").click()
    page.wait_for_load_state()
    admin.check()
    assert "Dana Smith now holds the post HR Team Manager L&D/OD" in main.inner_text()

    admin.goto("/posts/")
    page.get_by_role("link", name="merge Director - Law & Governance and its duplicates").click()
    page.wait_for_load_state()
    admin.check()
    page.get_by_role("button", name="Continue").click()  # no choice yet: an error
    page.wait_for_load_state()
    admin.check()
    assert "Choose the name that stays" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("Director - Law & Governance").check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    admin.check()
    assert "OC.B2.0" in main.inner_text()
    screenshot(page, "posts-merge")
    page.get_by_role("button", name="Merge the posts").click()
    page.wait_for_load_state()
    admin.check()
    assert "Merged “Director- Law & Governance” into" in main.inner_text()
    assert not Post.objects.filter(name="Director- Law & Governance").exists()
    assert str(Action.objects.get(ref="OC.B2.0").lead_officer) == "Director - Law & Governance"
