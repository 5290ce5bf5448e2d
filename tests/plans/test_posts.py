"""Posts: the one rule for "the same post", merging near-duplicates (everything naming the
duplicate moves, recorded in the actions' history), and the administrators' Posts pages."""

import pytest
from django.urls import reverse

from plans import posts
from plans.history import action_changes
from plans.models import Action, Post
from plans.posts import post_key
from tests import factories


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Director - Law & Governance", "Director- Law & Governance"),
        ("Director - Law & Governance", "director – law and governance"),
        ("Head of HR", "HEAD OF  HR "),
        ("Head of HR", "Head of H.R."),
        ("Director-Finance", "Director – Finance"),
        ("HR Team Manager L&D/OD", "HR team manager L and D / OD"),
    ],
)
def test_names_differing_in_case_spacing_punctuation_or_ampersand_are_one_post(one, other):
    assert post_key(one) == post_key(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Head of HR", "Head of Finance"),
        ("Director - Law & Governance", "Director - Law"),
        ("Comms", "Comms 2"),
    ],
)
def test_different_words_are_different_posts(one, other):
    assert post_key(one) != post_key(other)


def test_near_duplicates_are_grouped(db):
    for name in ["Director - Law & Governance", "Director- Law & Governance", "Head of HR"]:
        Post.objects.create(name=name)
    groups = posts.near_duplicates(Post.objects.all())
    assert [[p.name for p in group] for group in groups] == [
        ["Director - Law & Governance", "Director- Law & Governance"]
    ]


@pytest.fixture
def pair(plan, people):
    """A post and its near-duplicate; the duplicate named by every kind of field that can
    name a post, and held by the lead officer."""
    keep = Post.objects.create(name="Director - Law & Governance")
    duplicate = Post.objects.create(name="Director- Law & Governance", email="law@example.org")
    duplicate.holders.add(people["lead"])
    both = factories.action(plan, "A1", lead=duplicate.name, director=duplicate)
    both.other_leads.add(duplicate, keep)
    factories.action(plan, "A2", update_owner=duplicate)
    factories.action(plan, "A3", lead=keep.name)
    factories.measure(plan, "Complaints answered", owner=duplicate.name)
    return keep, duplicate


def test_a_merge_moves_everything_naming_the_duplicate_then_deletes_it(pair, people):
    keep, duplicate = pair
    relations = posts.relations()
    # Every relation to Post the models have is exercised: a new one fails here until this
    # test (and so the merge) covers it.
    unused = [r.label for r in relations if not posts.uses(r, duplicate).exists()]
    assert unused == []
    merged = posts.merge(keep, duplicate, by=people["admin"])

    assert not Post.objects.filter(pk=duplicate.pk).exists()
    for relation in relations:
        assert posts.uses(relation, keep).exists(), relation.label
    a1 = Action.objects.get(ref="A1")
    assert (a1.lead_officer, a1.director) == (keep, keep)
    assert list(a1.other_leads.all()) == [keep]
    assert Action.objects.get(ref="A2").update_owner == keep
    assert list(keep.holders.all()) == [people["lead"]]
    keep.refresh_from_db()
    assert keep.email == "law@example.org"
    assert merged.moved["actions as lead officer"] == 1
    assert merged.moved["measures as owner"] == 1


def test_a_merge_is_recorded_once_in_each_actions_history_with_who_and_why(pair, people):
    keep, duplicate = pair
    before = Action.objects.get(ref="A1").history.count()
    posts.merge(keep, duplicate, by=people["admin"])
    a1 = Action.objects.get(ref="A1")
    assert a1.history.count() == before + 1
    latest = a1.history.latest()
    assert latest.history_user == people["admin"]
    assert latest.history_change_reason == (
        "Post “Director- Law & Governance” merged into “Director - Law & Governance”"
    )
    entry = action_changes(a1)[0]
    assert entry.who == people["admin"]
    assert {c.field for c in entry.changes} == {"director", "lead officer", "other leads"}
    assert Action.objects.get(ref="A3").history.count() == 1  # named only the survivor


def test_a_merge_is_all_or_nothing(pair, people, monkeypatch):
    keep, duplicate = pair

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    before = Action.objects.get(ref="A1").history.count()
    monkeypatch.setattr(Post, "delete", fail)
    with pytest.raises(RuntimeError):
        posts.merge(keep, duplicate, by=people["admin"])
    assert Action.objects.get(ref="A1").lead_officer == duplicate
    assert Action.objects.get(ref="A1").history.count() == before
    assert list(keep.holders.all()) == []


def test_the_posts_page_lists_vacant_posts_first_with_their_actions_and_flags_duplicates(
    pair, client_for, django_assert_max_num_queries
):
    keep, duplicate = pair
    admin = client_for("admin")
    admin.get(reverse("posts:index"))  # the session's first queries
    with django_assert_max_num_queries(16):
        page = admin.get(reverse("posts:index")).content.decode()
    vacant = page.index("Posts nobody holds")
    assert page.index("Director - Law &amp; Governance", vacant) < page.index("All posts")
    assert "A3</a> (lead officer" in page
    assert "may be one post" in page
    assert reverse("posts:merge", args=[keep.pk]) in page
    table = page[page.index("All posts") :]
    # Vacant posts come first in the table too; the lead holds the duplicate and Head of HR.
    assert table.index("Director - Law") < table.index("Head of HR")


def test_the_posts_page_counts_what_names_each_post(pair, client_for):
    keep, duplicate = pair
    response = client_for("admin").get(reverse("posts:index"))
    row = next(r for r in response.context["rows"] if r["post"] == duplicate)
    columns = response.context["columns"]
    counts = dict(zip(columns, row["counts"], strict=True))
    assert counts == {
        "actions as director": 1,
        "actions as lead officer": 1,
        "actions as update owner": 1,
        "actions as other leads": 1,
        "measures as owner": 1,
    }


def test_the_merge_confirmation_lists_what_moves_and_merging_needs_confirming(
    pair, client_for, people
):
    keep, duplicate = pair
    admin = client_for("admin")
    url = reverse("posts:merge", args=[duplicate.pk])
    page = admin.get(url, {"keep": keep.pk}).content.decode()
    assert "Merge into “Director - Law &amp; Governance”?" in page
    assert "A1 Action A1" in page and "A2 Action A2" in page
    assert "Complaints answered" in page
    assert str(people["lead"]) in page
    admin.post(url, {"keep": keep.pk})  # no confirm: nothing happens
    assert Post.objects.filter(pk=duplicate.pk).exists()
    response = admin.post(url, {"keep": keep.pk, "confirm": "yes"}, follow=True)
    assert "Merged “Director- Law &amp; Governance” into" in response.content.decode()
    assert not Post.objects.filter(pk=duplicate.pk).exists()
    assert Action.objects.get(ref="A2").update_owner == keep


def test_a_second_merge_of_the_same_posts_finds_them_merged(pair, people):
    keep, duplicate = pair
    stale = Post.objects.get(pk=duplicate.pk)
    posts.merge(keep, duplicate, by=people["admin"])
    with pytest.raises(Post.DoesNotExist, match="merged already"):
        posts.merge(keep, stale, by=people["admin"])
    assert Action.objects.get(ref="A1").lead_officer == keep


def test_either_name_can_survive(pair, client_for):
    keep, duplicate = pair
    url = reverse("posts:merge", args=[keep.pk])
    client_for("admin").post(url, {"keep": duplicate.pk, "confirm": "yes"})
    assert list(Post.objects.filter(name__startswith="Director")) == [duplicate]
    assert Action.objects.get(ref="A3").lead_officer == duplicate


def test_a_post_without_near_duplicates_has_no_merge(plan, client_for):
    post = Post.objects.create(name="Head of Waste")
    assert client_for("admin").get(reverse("posts:merge", args=[post.pk])).status_code == 404


def test_an_administrator_adds_and_removes_a_holder_on_the_posts_page(plan, client_for, people):
    post = Post.objects.create(name="Head of Waste")
    factories.action(plan, "W1", lead="Head of Waste")
    admin = client_for("admin")
    url = reverse("posts:detail", args=[post.pk])
    page = admin.get(url).content.decode()
    assert "Nobody holds this post" in page and "W1</a>" in page
    page = admin.post(url, {"add": people["other_lead"].pk}, follow=True).content.decode()
    assert "now holds the post Head of Waste" in page
    assert list(post.holders.all()) == [people["other_lead"]]
    assert Action.objects.held_by([people["other_lead"]]).filter(ref="W1").exists()
    admin.post(url, {"remove": people["other_lead"].pk})
    assert not post.holders.exists()


def test_adding_nobody_says_what_to_choose(plan, client_for):
    post = Post.objects.create(name="Head of Waste")
    response = client_for("admin").post(reverse("posts:detail", args=[post.pk]), {})
    assert "Choose the person to add" in response.content.decode()
