import pytest

from plans.models import Post
from tests import factories
from tracker import policy


@pytest.fixture
def actions(plan):
    return {
        "hr": factories.action(plan, "OC.A2.1", lead="Head of HR"),
        "finance": factories.action(plan, "OC.A2.2", lead="Head of Finance"),
        "owned": factories.action(plan, "OC.A2.3", lead="Head of Legal"),
    }


def test_lead_officers_update_only_actions_whose_post_they_hold(people, actions):
    lead = people["lead"]  # holds Head of HR
    assert policy.may_update(lead, actions["hr"])
    assert not policy.may_update(lead, actions["finance"])
    assert not policy.may_update(lead, actions["owned"])


def test_update_owner_and_other_lead_posts_count_too(people, actions):
    lead = people["lead"]
    actions["owned"].update_owner = Post.objects.get(name="Head of HR")
    actions["owned"].save()
    actions["finance"].other_leads.add(Post.objects.get(name="Head of HR"))
    assert policy.may_update(lead, actions["owned"])
    assert policy.may_update(lead, actions["finance"])


def test_a_delegate_may_update_the_actions_of_who_named_them(people, actions):
    people["lead"].delegate = people["other_lead"]
    people["lead"].save()
    assert policy.may_update(people["other_lead"], actions["hr"])


def test_a_change_of_staff_is_one_edit_to_the_post(people, actions):
    newcomer = factories.user("newcomer", factories.roles.LEAD_OFFICER)
    post = Post.objects.get(name="Head of HR")
    post.holders.set([newcomer])
    assert policy.may_update(newcomer, actions["hr"])
    assert not policy.may_update(people["lead"], actions["hr"])


def test_councillors_read_everything_and_change_nothing(people, actions):
    councillor = people["councillor"]
    assert policy.may_view(councillor, actions["hr"])
    assert not policy.may_update(councillor, actions["hr"])
    assert not policy.may_run(councillor)
    assert not policy.may_manage(councillor)


def test_performance_officers_update_any_action_and_run_reports_but_do_not_manage(people, actions):
    clerk = people["clerk"]
    assert all(policy.may_update(clerk, a) for a in actions.values())
    assert policy.may_run(clerk)
    assert not policy.may_manage(clerk)


def test_administrators_manage(people):
    assert policy.may_manage(people["admin"])


def test_a_user_without_a_role_sees_nothing(db, plan):
    nobody = factories.user("nobody")
    assert not policy.may_view(nobody)


def test_anonymous_visitors_see_nothing(db):
    from django.contrib.auth.models import AnonymousUser

    assert not policy.may_view(AnonymousUser())


def test_a_deactivated_user_sees_nothing(people):
    people["councillor"].is_active = False
    assert not policy.may_view(people["councillor"])
