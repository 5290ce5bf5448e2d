"""Who owes a round's missing updates: the one answer the home page, the reminder emails
(plans/tasks.py) and the chase list all give, and what each person has left to do."""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from plans.models import Action, Post, Reminder, Round
from tracker.models import User


@dataclass
class Owed:
    """Updates a round still needs from one person, or from a post nobody holds (`person`
    None), or from nobody at all (both None: the actions name no lead officer)."""

    person: User | None
    post: Post | None
    actions: list[Action]

    @property
    def key(self) -> tuple[int, str, int]:
        if self.person is not None:
            return (0, str(self.person).lower(), self.person.pk)
        if self.post is not None:
            return (1, self.post.name.lower(), self.post.pk)
        return (2, "", 0)


def covered_by(user: User) -> QuerySet[User]:
    """`user` and the active officers who named them delegate: whose updates they owe."""
    return User.objects.filter(Q(pk=user.pk) | Q(delegate=user, is_active=True))


def owed(round_: Round, *, people: list[User] | None = None) -> list[Owed]:
    """Who owes the round's missing updates: the one answer the home page, the reminder
    emails and the chase list all give.

    An action's update is owed by the active holders of its update owner post or, when it
    names none, of its lead officer post (ActionQuerySet.answerable_by); when nobody holds that post, by the post itself;
    with neither post, by nobody (it needs a lead officer). People come first by name, then
    vacant posts, then the actions without a lead officer. With `people`, only what those
    people owe. Three queries whatever the size of the plan.
    """
    active = User.objects.filter(is_active=True)
    actions = (
        Action.objects.needing_update(round_)
        .select_related("plan", "update_owner", "lead_officer")
        .prefetch_related(
            Prefetch("update_owner__holders", queryset=active),
            Prefetch("lead_officer__holders", queryset=active),
        )
        .order_by("sort_order", "ref")
    )
    if people is not None:
        actions = actions.answerable_by(people)
    groups: dict[tuple, Owed] = {}
    for action in actions:
        post = action.answerable_post
        holders = list(post.holders.all()) if post else []
        for owner in [Owed(person, None, []) for person in holders] or [Owed(None, post, [])]:
            if people is None or owner.person in people:
                groups.setdefault(owner.key, owner).actions.append(action)
    return sorted(groups.values(), key=lambda owner: owner.key)


def owed_by(user: User, round_: Round) -> list[Action]:
    """The round's actions still needing an update that `user` owes."""
    return next((owner.actions for owner in owed(round_, people=[user])), [])


def reachable(
    round_: Round, owing: list[Owed], today: datetime.date
) -> tuple[list[User], list[str]]:
    """([people], [reasons]): whom of `owing` a chase reminder can go to now, and why each
    of the rest cannot be reminded (nobody holds the post, no email address, chased
    already today: a second chase the same day is refused when sending)."""
    chased = set(
        Reminder.objects.filter(round=round_, kind=Reminder.Kind.CHASE, sent_on=today).values_list(
            "user_id", flat=True
        )
    )
    people, reasons = [], []
    for owner in owing:
        count = len(owner.actions)
        what = f"{count} action{'' if count == 1 else 's'}"
        if owner.person is None and owner.post is None:
            reasons.append(f"{what} with no lead officer")
        elif owner.person is None:
            reasons.append(f"nobody holds the post {owner.post} ({what})")
        elif not owner.person.email:
            reasons.append(f"{owner.person} has no email address ({what})")
        elif owner.person.pk in chased:
            reasons.append(f"{owner.person} was chased already today")
        else:
            people.append(owner.person)
    return people, reasons


def due_in(round_: Round, user: User, people: list[User] | None = None) -> list[Action]:
    """The round's actions still needing an update that `user` owes, and those owed by
    anyone who named them delegate (`people`, when the caller has them: covered_by(user)),
    in plan order."""
    people = list(covered_by(user)) if people is None else people
    actions = {a.pk: a for owner in owed(round_, people=people) for a in owner.actions}
    return sorted(actions.values(), key=lambda a: (a.sort_order, a.ref))


def due_for(user: User) -> list[tuple[Round, list[Action]]]:
    """[(round, [actions])]: for each open round, what `user` owes in it (`due_in`)."""
    people = list(covered_by(user))
    due = []
    for round_ in Round.objects.open().select_related("plan"):
        actions = due_in(round_, user, people)
        for action in actions:
            action.plan = round_.plan
        due.append((round_, actions))
    return due


def count_actions(owing: list[Owed]) -> int:
    """How many actions `owing` names: an action whose post several people hold is listed
    under each of them but counted once."""
    return len({action.pk for owner in owing for action in owner.actions})
