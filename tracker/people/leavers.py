"""A leaver: their posts handed on to successors and their account deactivated, in one step.
Actions and measures name posts, not people, so handing on a post moves everything it holds;
`moving` says what that is before anything is done."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q

from plans.models import Action, Measure, Post, Round
from tracker.models import User

# How an action names a post: the words shown beside it.
POST_FIELDS = {
    "lead_officer": "Lead officer",
    "update_owner": "Update owner",
    "other_leads": "Other lead",
    "director": "Director",
}


def actions_of(posts):
    """Each action naming one of `posts` with the ways it names them, in plan order:
    [(action, ["Lead officer", ...]), ...]."""
    ids = {post.pk for post in posts}
    actions = (
        Action.objects.filter(
            Q(lead_officer__in=ids)
            | Q(update_owner__in=ids)
            | Q(other_leads__in=ids)
            | Q(director__in=ids)
        )
        .distinct()
        .select_related("plan")
        .prefetch_related("other_leads")
    )
    named = []
    for action in actions:
        ways = [
            words
            for name, words in POST_FIELDS.items()
            if (
                {p.pk for p in action.other_leads.all()} & ids
                if name == "other_leads"
                else getattr(action, f"{name}_id") in ids
            )
        ]
        named.append((action, ways))
    return named


@dataclass
class Moving:
    """What handing on a leaver's posts moves."""

    posts: list  # (post, successor)
    actions: list  # (action, ways)
    measures: list
    owed: list  # (round, action): updates owed in open rounds, now the successor's to give
    delegators: list  # people who named the leaver as their delegate


def moving(leaver, successors):
    """What handing on `leaver`'s posts to `successors` ({post: user}) would move."""
    posts = list(successors)
    answerable = Action.objects.answerable_by([leaver.pk]).filter(
        Q(update_owner__in=posts) | Q(update_owner__isnull=True, lead_officer__in=posts)
    )
    owed = [
        (round_, action)
        for round_ in Round.objects.open().select_related("plan")
        for action in answerable.needing_update(round_)
    ]
    return Moving(
        posts=list(successors.items()),
        actions=actions_of(posts),
        measures=list(Measure.objects.filter(owner__in=posts).select_related("plan")),
        owed=owed,
        delegators=list(leaver.delegators.all()),
    )


def hand_on(leaver, successors, by):
    """Give each of `leaver`'s posts to its successor ({post: user}), clear the leaver as
    anyone's delegate and deactivate them: all or nothing, each change recorded in the
    history of the people it touches, with `by` as who made it."""
    with transaction.atomic():
        leaver = User.objects.select_for_update().get(pk=leaver.pk)
        words = []
        for post, successor in successors.items():
            post = Post.objects.select_for_update().get(pk=post.pk)
            post.holders.remove(leaver)
            post.holders.add(successor)
            words.append(f"{post} to {successor}")
            _record(successor, by, f"Took on {post} from {leaver}")
        for person in leaver.delegators.all():
            person.delegate = None
            _record(person, by, f"Delegate {leaver} cleared: they left")
        leaver.is_active = False
        _record(
            leaver,
            by,
            "Left" + (": handed on " + "; ".join(words) if words else ""),
        )


def _record(person, by, reason):
    person._change_reason = reason
    person._history_user = by
    person.save()
