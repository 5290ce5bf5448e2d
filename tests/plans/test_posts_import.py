"""The importer and posts: it says which actions nobody would update, lets the administrator
choose the column giving lead officers (remembered for the plan), and reads a near-duplicate
of a known post as that post rather than making another."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plans.excel.load import create_plan, load_workbook
from plans.excel.read import read_workbook
from plans.models import Action, ImportJob, Plan, Post
from plans.posts import post_key
from tests import workbooks

NEW_ACTION = {"New Action Added": "Not due to start"}
# The sample's actions that carry their own status (its 7 focus actions show a roll-up).
ASKED = 15


def load(plan, **options):
    return load_workbook(
        plan=plan, result=read_workbook(workbooks.SAMPLE), mapping=NEW_ACTION, **options
    )


def test_the_sample_leaves_actions_nobody_holds_the_post_of(db, people):
    """The lead holds Head of HR, lead officer of three of the sample's actions; the rest
    name posts nobody holds, or no lead officer at all (no Other Leads)."""
    preview = load(create_plan("Improvement Plan"))
    nobody = preview.nobody
    assert (nobody["count"], nobody["of"]) == (ASKED - 3, ASKED)
    posts = {item["post"]: item["refs"] for item in nobody["posts"]}
    assert "Head of HR" not in posts
    assert posts[""] == ["OC.C4.1", "OC.C4.2", "OC.C4.4", "OC.D3.2", "OC.G1.4", "OC.G1.5"]
    assert posts["HR Team Manager L&D/OD"] == ["OC.B2.5"]  # its update owner: nobody holds it


def test_an_inactive_holder_updates_nothing(db, people):
    people["lead"].is_active = False
    people["lead"].save()
    assert load(create_plan("Improvement Plan")).nobody["count"] == ASKED


def test_choosing_the_director_column_gives_the_lead_officers(db, people):
    plan = create_plan("Improvement Plan")
    Post.objects.create(name="Chief Executive").holders.add(people["clerk"])
    preview = load(plan, lead_officer_from="director", dry_run=False)
    assert preview.lead_officer_from == "director"
    assert [value for value, _ in preview.lead_officer_columns] == [
        "other_leads",
        "director",
        "update_owner",
    ]
    action = Action.objects.get(ref="OC.A2.1")
    assert str(action.lead_officer) == "Chief Executive"
    assert [str(p) for p in action.other_leads.all()] == ["Head of HR"]
    lead = Action.objects.get(ref="OC.C4.1").lead_officer
    assert post_key(lead.name) == post_key("Director - Law & Governance")
    # The Chief Executive now answers for five (OC.B2.5, its sixth, names an update owner).
    assert preview.nobody["count"] == ASKED - 5
    plan.refresh_from_db()
    assert plan.lead_officer_from == "director"  # remembered for the next import


def test_the_choice_is_remembered_only_when_the_import_is_confirmed(db):
    plan = create_plan("Improvement Plan")
    load(plan, lead_officer_from="director", dry_run=True)
    plan.refresh_from_db()
    assert plan.lead_officer_from == ""
    load(plan, lead_officer_from="director", dry_run=False)
    preview = load(plan)  # the next import asks nothing and reads the same
    assert preview.lead_officer_from == "director"
    assert preview.totals["changed"] == 0


def test_a_column_the_workbook_lacks_is_never_used(db):
    preview = load(create_plan("Improvement Plan"), lead_officer_from="lead_officer")
    assert preview.lead_officer_from == "other_leads"


def test_a_near_duplicate_of_a_known_post_is_read_as_it_and_the_preview_says_so(db):
    known = Post.objects.create(name="Director - Law and Governance")
    preview = load(create_plan("Improvement Plan"), dry_run=False)
    assert preview.posts_matched == {
        "Director- Law & Governance": "Director - Law and Governance",
        "Director - Law & Governance": "Director - Law and Governance",
    }
    assert not Post.objects.filter(name__startswith="Director", name__contains="&").exists()
    assert Action.objects.get(ref="OC.B2.0").lead_officer == known
    assert Action.objects.get(ref="OC.C4.1").director == known


def test_one_workbook_spelling_a_post_two_ways_makes_one_post(db):
    load(create_plan("Improvement Plan"), dry_run=False)
    assert (
        Post.objects.filter(name__startswith="Director").exclude(name="Director-Finance").count()
        == 1
    )


def upload(client):
    with open(workbooks.SAMPLE, "rb") as file:
        workbook = SimpleUploadedFile("tracker.xlsx", file.read())
    client.post(reverse("plans:import"), {"workbook": workbook, "new_plan_name": "Theme 1"})
    job = ImportJob.objects.get()
    client.post(reverse("plans:import_job", args=[job.pk]), {"status_0": "Not due to start"})
    return job


def test_the_preview_counts_them_and_asks_which_column_gives_lead_officers(client_for):
    admin = client_for("admin")
    job = upload(admin)
    url = reverse("plans:import_job", args=[job.pk])
    response = admin.get(url)
    page = response.content.decode()
    assert f"12 of {ASKED} actions asked for monthly updates have no one to update them" in page
    assert "Nobody holds the post HR Team Manager L&amp;D/OD: OC.B2.5" in page
    assert "Which column gives each action’s lead officer?" in page
    choices = response.context["lead_form"].fields["column"].choices
    assert [value for value, _ in choices] == ["other_leads", "director", "update_owner"]
    assert "Other Leads" in page  # each choice is named by the workbook's heading
    assert "first of Other Leads" not in page

    page = admin.post(url, {"lead-column": "director"}, follow=True).content.decode()
    job.refresh_from_db()
    assert job.lead_officer_from == "director"
    assert f"{ASKED} of {ASKED} actions" in page  # the lead's Head of HR now leads none
    assert "Nobody holds the post Chief Executive: OC.A2.1" in page
    admin.post(reverse("plans:import_confirm", args=[job.pk]))
    plan = Plan.objects.get(name="Theme 1")
    assert plan.lead_officer_from == "director"
    assert str(plan.actions.get(ref="OC.A2.1").lead_officer) == "Chief Executive"
