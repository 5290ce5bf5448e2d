"""Browser journeys on the People pages: an administrator imports 150 people from a CSV and
invites them; one accepts, chooses a password, signs in and lands on the home page. And a
leaver's posts are handed on, their actions appearing on the new holder's home page. Every
page is checked with axe-core, the Nu checker and at 320 px."""

import re

from django.core import mail

from tests import factories
from tests.e2e.conftest import DEMO_PASSWORD, screenshot
from tracker import roles
from tracker.models import User

PEOPLE = 150


def staff_list(path):
    lines = ["Full name,E-mail address,Role,Job title"]
    lines += [
        f"Person{n:03} Officer,person{n:03}@example.org,Lead officer,Post {n:03}"
        for n in range(1, PEOPLE + 1)
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def post_and_check(checked, button):
    """Press `button`, whose form answers a POST with a page of its own (not a redirect):
    axe-core and the reflow checks on it, and the Nu checker on the page as the server sent
    it (a GET of its address is another page)."""
    page = checked.page
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name=button).click()
    page.wait_for_load_state()
    checked.check()
    errors = [e["message"] for e in checked.check_html(answer.value.text())]
    assert not errors, f"Nu HTML checker on the answer at {page.url}:\n" + "\n".join(errors)


def test_an_administrator_imports_150_people_invites_them_and_one_signs_in(visit, tmp_path):
    admin = visit("admin")
    page = admin.page
    admin.goto("/people/")
    page.get_by_role("button", name="Import people from a staff list").click()
    page.wait_for_load_state()
    admin.check()
    page.set_input_files("#id_staff_list", str(staff_list(tmp_path / "staff.csv")))
    post_and_check(admin, "Upload and preview")
    assert f"New people\t{PEOPLE}" in page.locator("main").inner_text()
    screenshot(page, "people-import-preview")
    page.get_by_role("button", name=f"Import {PEOPLE} new and 0 changed").click()
    page.wait_for_load_state()
    admin.check()
    assert User.objects.filter(email__startswith="person").count() == PEOPLE
    mail.outbox.clear()
    page.get_by_role("button", name="Invite everyone not yet invited").click()
    page.wait_for_load_state()
    admin.check()
    invited = {address for message in mail.outbox for address in message.to}
    assert {f"person{n:03}@example.org" for n in range(1, PEOPLE + 1)} <= invited
    screenshot(page, "people-list")

    admin.goto(f"/people/{User.objects.get(email='person007@example.org').pk}/")
    admin.goto("/people/add/")

    [letter] = [m for m in mail.outbox if m.to == ["person007@example.org"]]
    link = re.search(r"http://\S+/people/welcome/\S+/", letter.body)[0]
    person = visit(None)
    person.goto(re.sub(r"^http://[^/]+", "", link))
    person.page.wait_for_load_state()
    assert person.page.get_by_role("heading", level=1).inner_text() == "Choose your password"
    person.check()
    person.page.fill("#id_new_password1", "a-long-new-password-7")
    person.page.fill("#id_new_password2", "a-long-new-password-7")
    person.page.get_by_role("button", name="Save password").click()
    person.page.wait_for_load_state()
    assert person.page.url.endswith("/sign-in/")
    person.check()
    person.page.fill("#id_username", "person007@example.org")
    person.page.fill("#id_password", "a-long-new-password-7")
    person.page.get_by_role("button", name="Sign in").click()
    person.page.wait_for_load_state()
    assert person.page.url.endswith("/"), person.page.url
    person.check()
    assert person.page.locator(".app-service-navigation__user").inner_text() == "Person007 Officer"


def test_a_leavers_posts_are_handed_on_and_their_actions_reach_the_new_holder(visit):
    successor = factories.user("newlead", roles.LEAD_OFFICER, first_name="Nia", last_name="New")
    successor.set_password(DEMO_PASSWORD)
    successor.save()
    newcomer = visit("newlead")
    assert "needs an update" not in newcomer.page.locator("main").inner_text()

    leaver = User.objects.get(username="lead")
    admin = visit("admin")
    page = admin.page
    admin.goto(f"/people/{leaver.pk}/")
    page.get_by_role("button", name="Deactivate and hand on").click()
    page.wait_for_load_state()
    admin.check()
    page.select_option("#id_everyone", label="Nia New (newlead@example.org)")
    post_and_check(admin, "Continue")
    text = page.locator("main").inner_text()
    assert "Head of HR goes to Nia New" in text and "OC.A2.1" in text
    screenshot(page, "people-leaver-confirm")
    page.get_by_role("button", name="Deactivate and hand on").click()
    page.wait_for_load_state()
    admin.check()
    assert "Deactivated" in page.locator("main").inner_text()

    newcomer.goto("/")
    assert "1 of your actions needs an update for February 2024" in (
        newcomer.page.locator("main").inner_text()
    )


def test_someone_signed_in_without_a_role_is_told_whom_to_ask(visit):
    nobody = factories.user("nobody", first_name="Noel", last_name="Body")
    nobody.set_password(DEMO_PASSWORD)
    nobody.save()
    checked = visit("nobody")
    text = checked.page.locator("main").inner_text()
    assert "You do not have access to the" in text
    assert "Ada Admin: admin@example.org" in text
    checked.check()
    screenshot(checked.page, "people-no-role")
