"""The People pages as an administrator uses them: the list, adding, importing, inviting,
accepting an invitation, a person's page, handing on a leaver, and the page for no role."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plans.models import Post, Round
from tests import factories
from tracker import roles
from tracker.models import Invitation, User


@pytest.fixture
def admin(client_for):
    return client_for("admin")


def upload(text, name="staff.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_people_page_lists_role_posts_delegate_and_status(admin, people):
    people["lead"].delegate = people["other_lead"]
    people["lead"].save()
    Invitation.objects.create(person=people["councillor"], invited_by=people["admin"])
    User.objects.filter(pk=people["clerk"].pk).update(is_active=False)
    text = admin.get(reverse("people:list")).content.decode()
    row = re.search(r"Head of HR.*?</tr>", text, re.S)[0]
    assert "other_lead" in row and "Not invited" in row
    assert "Deactivated" in text and "Invited" in text
    assert "People" in text  # the navigation


def test_people_page_filters_by_role_and_searches_by_name(admin, people):
    text = admin.get(reverse("people:list"), {"role": roles.COUNCILLOR}).content.decode()
    assert "councillor@example.org" in text and "clerk@example.org" not in text
    text = admin.get(reverse("people:list"), {"q": "other_"}).content.decode()
    assert "other_lead@example.org" in text and ">lead@example.org" not in text


def test_people_page_is_paginated_and_its_queries_do_not_grow(
    admin, people, django_assert_max_num_queries
):
    for number in range(60):
        factories.user(f"person{number:02}", roles.LEAD_OFFICER, [f"Post {number}"])
    with django_assert_max_num_queries(14):
        first = admin.get(reverse("people:list")).content.decode()
    assert first.count('href="/people/') >= 50
    assert "Pages of people" in first
    second = admin.get(reverse("people:list"), {"page": 2}).content.decode()
    assert "person59" in second


def test_adding_a_person_invites_them_and_never_asks_for_a_password(admin, people):
    post = Post.objects.create(name="Head of Policy")
    response = admin.post(
        reverse("people:add"),
        {
            "first_name": "Jo",
            "last_name": "Bloggs",
            "email": "Jo@Example.org",
            "role": roles.LEAD_OFFICER,
            "posts": [post.pk],
            "invite": "on",
        },
    )
    jo = User.objects.get(email="jo@example.org")
    assert response["Location"] == reverse("people:person", args=[jo.pk])
    assert not jo.has_usable_password()
    assert list(post.holders.all()) == [jo]
    assert mail.outbox[0].to == ["jo@example.org"]
    assert "sign in with your username, jo@example.org, and that password" in mail.outbox[0].body
    assert Invitation.objects.get(person=jo).invited_by == people["admin"]
    page = admin.get(response["Location"]).content.decode()
    assert "Sent" in page and "by admin" in page
    assert "Added as Lead officer, holding Head of Policy" in page


def test_adding_someone_already_here_is_refused(admin, people):
    response = admin.post(
        reverse("people:add"),
        {"first_name": "L", "last_name": "O", "email": "LEAD@example.org", "role": "Councillor"},
    )
    assert "already has the email lead@example.org" in response.content.decode()


def test_import_previews_then_imports_and_a_second_time_says_no_changes(admin, people):
    text = "Name,Email,Role,Posts\nJo Bloggs,jo@example.org,Lead officer,Head of Policy\n"
    preview = admin.post(reverse("people:import"), {"staff_list": upload(text)}).content.decode()
    assert "Head of Policy" in preview and "will be created" in preview
    assert not User.objects.filter(email="jo@example.org").exists()
    response = admin.post(reverse("people:import_confirm"))
    assert response["Location"] == reverse("people:list")
    assert User.objects.get(email="jo@example.org").posts.get().name == "Head of Policy"
    again = admin.post(reverse("people:import"), {"staff_list": upload(text)}).content.decode()
    assert "No changes" in again and "Import 0" not in again


def test_import_with_problems_offers_no_import(admin, people):
    text = "Name,Email,Role\nJo Bloggs,jo@example.org,Chief\n"
    page = admin.post(reverse("people:import"), {"staff_list": upload(text)}).content.decode()
    assert "Row 2: the role “Chief”" in page
    assert reverse("people:import_confirm") not in page


def test_import_refuses_a_file_that_is_not_a_staff_list(admin, people):
    page = admin.post(
        reverse("people:import"), {"staff_list": upload("x", name="staff.pdf")}
    ).content.decode()
    assert "Choose a staff list saved as .xlsx or as a CSV file." in page
    fake = SimpleUploadedFile("staff.xlsx", b"PK\x03\x04not really")
    page = admin.post(reverse("people:import"), {"staff_list": fake}).content.decode()
    assert "damaged" in page or "not an Excel" in page


def invited_link(person, admin):
    admin.post(reverse("people:invite"), {"person": person.pk})
    return re.search(r"http://\S+/people/welcome/\S+/", mail.outbox[-1].body)[0]


def test_invitation_link_sets_a_password_once(admin, people, client):
    jo = factories.user("jo@example.org", roles.LEAD_OFFICER)
    jo.set_unusable_password()
    jo.save()
    path = invited_link(jo, admin).removeprefix("http://127.0.0.1:8000")
    form = client.get(path, follow=True)
    assert "Choose your password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-long-new-password-7", "new_password2": "a-long-new-password-7"},
    )
    assert done["Location"] == reverse("login")
    jo.refresh_from_db()
    assert jo.check_password("a-long-new-password-7")
    assert Invitation.objects.get(person=jo).accepted_at is not None
    again = client.get(path, follow=True).content.decode()
    assert "This invitation link does not work" in again


def test_invitation_link_expires(admin, people, client, settings):
    jo = factories.user("jo@example.org", roles.LEAD_OFFICER)
    with time_machine.travel(datetime.datetime(2024, 3, 1, 9, tzinfo=datetime.UTC)):
        path = invited_link(jo, admin).removeprefix("http://127.0.0.1:8000")
    with time_machine.travel(datetime.datetime(2024, 3, 5, 9, tzinfo=datetime.UTC)):
        page = client.get(path, follow=True).content.decode()
    assert "This invitation link does not work" in page


def test_with_single_sign_on_the_invitation_links_to_sign_in(admin, people, settings):
    settings.OIDC_ISSUER = "https://login.microsoftonline.com/tenant/v2.0"
    jo = factories.user("jo@example.org", roles.LEAD_OFFICER)
    admin.post(reverse("people:invite"), {"person": jo.pk})
    assert "Sign in with your Microsoft work account here:\nhttp://127.0.0.1:8000/sign-in/" in (
        mail.outbox[0].body
    )


def test_invite_everyone_not_yet_invited(admin, people):
    User.objects.update(last_login=None)
    Invitation.objects.create(person=people["lead"])
    admin.post(reverse("people:invite"), {"everyone": "yes"})
    invited = sorted(address for message in mail.outbox for address in message.to)
    assert "lead@example.org" not in invited
    assert "councillor@example.org" in invited and "other_lead@example.org" in invited
    admin.post(reverse("people:invite"), {"everyone": "yes"})
    assert len(mail.outbox) == len(invited)


def test_person_page_shows_posts_and_the_actions_they_hold(admin, people, plan):
    factories.action(plan, "CM.A1.1", lead="Head of HR")
    director = Post.objects.create(name="Director of Resources")
    director.holders.add(people["lead"])
    factories.action(plan, "CM.A1.2", director=director)
    page = admin.get(reverse("people:person", args=[people["lead"].pk])).content.decode()
    assert re.search(r"CM.A1.1.*?Lead officer", page, re.S)
    assert re.search(r"CM.A1.2.*?Director", page, re.S)


def test_leaver_hand_on_confirms_then_moves_everything_in_one_step(admin, people, plan):
    lead, successor = people["lead"], people["other_lead"]
    factories.action(plan, "CM.A1.1", lead="Head of HR")
    factories.measure(plan, "Appraisals on time", owner="Head of HR")
    Round.objects.create(plan=plan, month=datetime.date(2024, 2, 1), due=datetime.date(2024, 3, 8))
    people["clerk"].delegate = lead
    people["clerk"].save()
    url = reverse("people:leave", args=[lead.pk])
    post = Post.objects.get(name="Head of HR")
    confirm = admin.post(url, {"everyone": successor.pk}).content.decode()
    assert "Head of HR goes to other_lead" in confirm
    assert "CM.A1.1" in confirm and "Appraisals on time" in confirm
    assert "February 2024 update" in confirm
    assert lead in post.holders.all()  # nothing moved yet
    admin.post(url, {"everyone": successor.pk, "confirm": "yes"})
    lead.refresh_from_db()
    people["clerk"].refresh_from_db()
    assert not lead.is_active
    assert list(post.holders.all()) == [successor]
    assert people["clerk"].delegate is None
    assert plan.actions.answerable_by([successor]).filter(ref="CM.A1.1").exists()
    page = admin.get(reverse("people:person", args=[lead.pk])).content.decode()
    assert "Left: handed on Head of HR to other_lead" in page
    assert "Active: Yes → No" in page
    taker = admin.get(reverse("people:person", args=[successor.pk])).content.decode()
    assert "Took on Head of HR from lead" in taker


def test_leaver_needs_a_successor_for_each_post(admin, people):
    response = admin.post(reverse("people:leave", args=[people["lead"].pk]), {})
    assert "Choose who takes on Head of HR" in response.content.decode()
    people["lead"].refresh_from_db()
    assert people["lead"].is_active


def test_a_person_with_no_role_is_told_whom_to_ask(client, people, settings):
    nobody = factories.user("nobody")
    client.force_login(nobody)
    response = client.get(reverse("home"))
    text = response.content.decode()
    assert response.status_code == 403
    assert "You do not have access" in text
    assert "admin@example.org" in text
    assert 'href="/"' not in text.split("<main", 1)[1]  # no link home to the same refusal
    settings.ADMIN_CONTACT_EMAIL = "it-help@example.gov.uk"
    assert "it-help@example.gov.uk" in client.get(reverse("home")).content.decode()


def test_create_administrator_makes_an_administrator_not_a_superuser(db):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("create_administrator", "First.Admin@example.gov.uk", stdout=out)
    person = User.objects.get(email="first.admin@example.gov.uk")
    assert not person.is_superuser and not person.is_staff
    assert list(person.groups.values_list("name", flat=True)) == [roles.ADMINISTRATOR]
    assert "/people/welcome/" in out.getvalue()
