"""The one permission policy. Every view asks it; nothing else decides who may do what.

Five questions, for any object:
- may_view: read it. Every signed-in role reads the whole plan.
- may_update: write progress on it (an action's monthly update, its evidence; a measure's
  value for a period). Lead officers only for actions whose lead officer, update owner or
  other-lead post, and measures whose owner post, they (or someone who named them as delegate)
  hold; performance officers and administrators for any action or measure.
- may_run: run the process (update rounds, chasing, committee reports): performance officers
  and administrators.
- may_approve: sign off an update when the plan asks for sign-off: performance officers, and
  the director of the action; nobody signs off words they wrote themselves.
- may_read_drafts: read wording not signed off (awaiting sign-off, returned, or a version
  never approved). `visible_updates` applies the same rule to a queryset, and every page,
  export, count and report reads updates through it (Update.objects.visible_to(user)).
- may_manage: change the plan's structure, vocabulary and users, and import workbooks:
  administrators.
- may_read_public: read a plan's public page, signed in or not (public_reports,
  public_as_at): anyone, once an administrator makes the plan public.

Views declare what they need with the `rule` decorator, which the URL test reads to prove no
view was left without a rule.

A session signed in with a password that still owes its second factor (tracker/two_factor.py
decides who owes one, as they sign in) is not signed in fully: every rule but "public" and
"signing-in" (the second step's own pages) sends it to the code page, and so does the admin.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeAlias, TypeGuard, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest, HttpResponseBase

from plans import dates
from tracker import roles
from tracker.models import User

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from plans.models import Action, Plan

# Whoever asks: a signed-in user or not (request.user).
Person: TypeAlias = "User | AnonymousUser"
Row = TypeVar("Row", bound=Model)
View = Callable[..., HttpResponseBase]

STAFF_ROLES = (roles.ADMINISTRATOR, roles.PERFORMANCE_OFFICER)
# Roles whose holders write updates: lead officers (directors among them) and staff.
UPDATING_ROLES = (roles.LEAD_OFFICER, *STAFF_ROLES)

# No reader in particular: what every signed-in reader may see. Pages shared by everyone
# (the tracker, dashboard, home page overview), exports and committee reports read as this.
EVERYONE = None


def may_view(user: Person, obj: object = None) -> TypeGuard[User]:
    return user.is_authenticated and user.is_active and bool(roles.names(user))


def viewers() -> QuerySet[User]:
    """The people `may_view` lets in, as a query: active users holding a role. They read
    every published committee report."""
    return User.objects.filter(is_active=True, groups__name__in=roles.ALL).distinct()


def may_update(user: Person, obj: Any) -> bool:
    """May the user write progress on `obj`: an Action (or anything with an `.action`), or a
    Measure (or anything with a `.measure`)?"""
    if not may_view(user, obj):
        return False
    if roles.has(user, *STAFF_ROLES):
        return True
    if not roles.has(user, roles.LEAD_OFFICER):
        return False
    from plans.models import Action, Measure

    measure = getattr(obj, "measure", obj)
    if isinstance(measure, Measure):
        return Measure.objects.updatable_by(user).filter(pk=measure.pk).exists()
    action = getattr(obj, "action", obj)
    return Action.objects.updatable_by(user).filter(pk=action.pk).exists()


def may_update_any(user: Person) -> TypeGuard[User]:
    """Is the user someone who writes updates at all (for navigation and home pages)?"""
    return may_view(user) and roles.has(user, *UPDATING_ROLES)


def may_approve(user: Person, action: Action, author: User | None = None) -> bool:
    """May the user sign off updates of `action` (when the plan asks for sign-off)?
    Performance officers sign off any update; a director signs off the actions they lead.
    Nobody signs off words they wrote: give the update's `author` to ask about one update."""
    if author is not None and author.pk == user.pk:
        return False
    if may_run(user):
        return True
    return bool(
        may_view(user)
        and action.director is not None
        and action.director.holders.filter(pk=user.pk).exists()
    )


def needs_sign_off(writer: Person, action: Action) -> bool:
    """Does `writer`'s save of `action`'s update wait for someone else's sign-off? Only when
    the plan asks for sign-off, and then for everyone but performance officers and
    administrators: they are the council's sign-off, and what they change in a closed round
    carries a reason. A director's own words (as someone's delegate, or holding the lead
    post) wait like anyone's."""
    return action.plan.updates_need_sign_off and not may_run(writer)


def may_read_drafts(user: Person | None, action: Action | None = None) -> bool:
    """May `user` read wording of `action`'s updates that is not signed off? Performance
    officers and administrators may, for any action (with no action given, the question is
    "for every action?"); so may those who may update the action or sign it off. Councillors,
    other officers and EVERYONE read only signed-off wording."""
    if user is EVERYONE or not may_update_any(user):
        return False
    if may_run(user):
        return True
    return action is not None and (may_update(user, action) or may_approve(user, action))


def visible_updates(
    user: Person | None, updates: QuerySet[Row], *, signed_off: Q, action: str = "action"
) -> QuerySet[Row]:
    """`updates`, a queryset of updates or of their revisions, narrowed to what `user` may
    read: those matching `signed_off` (a Q saying which are signed off) and, for the actions
    whose drafts `user` may read (may_read_drafts), the rest. `action` is the lookup from a
    row to its action. The actions are those may_read_drafts allows, as a query."""
    if may_read_drafts(user):
        return updates
    if user is EVERYONE or not may_update_any(user):
        return updates.filter(signed_off)
    from plans.models import Action

    written = Action.objects.updatable_by(user).values("pk")
    directed = Action.objects.filter(director__holders=user).values("pk")
    return updates.filter(
        signed_off | Q(**{f"{action}__in": written}) | Q(**{f"{action}__in": directed})
    )


# The public, signed in or not, read a plan's public page only once an administrator makes
# the plan public: its published committee reports (each as its published PDF), and
# EVERYONE's statuses and words (visible_updates) as at the month public_as_at gives.


def may_read_public(plan: Plan) -> bool:
    return plan.public


def public_reports(plan: Plan) -> QuerySet[Any]:
    """The committee reports anyone may download from `plan`'s public page: its published
    ones, latest published first; none while the plan is not public."""
    if not may_read_public(plan):
        return plan.reports.none()
    return plan.reports.published().select_related("plan", "committee").order_by("-published_at")


def public_as_at(plan: Plan, reports: list[Any]) -> datetime.date | None:
    """The month the public page's statuses are as at, given `plan`'s public_reports: the
    latest month a published report covers (statuses the committee has seen; the month
    before any update, when none is published), or None for each action's latest approved
    update, as the plan chooses (Plan.public_as_at)."""
    if plan.public_as_at == plan.PublicAsAt.APPROVED:
        return None
    months = [report.period_obj.last_month for report in reports]
    return max(months, default=dates.add_months(dates.FIRST_MONTH, -1))


def may_run(user: Person, obj: object = None) -> bool:
    """May the user run the process: update rounds, chasing, committee reports?"""
    return may_view(user, obj) and roles.has(user, *STAFF_ROLES)


def may_manage(user: Person, obj: object = None) -> bool:
    """May the user change the plan's structure, vocabulary, users or imports?"""
    return may_view(user, obj) and roles.has(user, roles.ADMINISTRATOR)


# The session key two_factor.py sets while a sign-in's second step is still to come.
SECOND_STEP_OWED = "second_step_owed"


def second_step_owed(request: HttpRequest) -> bool:
    return bool(request.session.get(SECOND_STEP_OWED))


def to_second_step(request: HttpRequest) -> HttpResponseBase:
    """On to the code page, coming back here once the code is given."""
    return redirect_to_login(request.get_full_path(), login_url="two_factor_verify")


def rule(need: str) -> Callable[[View], View]:
    """Mark a view with the question it asks: "public", "view", "update", "run" or "manage",
    or "signing-in" for the second step of signing in (signed in, the second factor may be
    still to come).

    The service-wide part is checked here; "update" views must also ask `may_update` about
    their object, which this decorator cannot know.
    """
    if need not in ("public", "signing-in", "view", "update", "run", "manage"):
        raise ValueError(need)

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user = request.user
            if need != "public":
                if not user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                if need == "signing-in":
                    return view(request, *args, **kwargs)
                if second_step_owed(request):
                    return to_second_step(request)
                allowed = {
                    "view": may_view(user),
                    "update": may_update_any(user),
                    "run": may_run(user),
                    "manage": may_manage(user),
                }[need]
                if not allowed:
                    raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.policy_rule = need  # type: ignore[attr-defined]  # the URL test reads it
        return wrapper

    return decorate
