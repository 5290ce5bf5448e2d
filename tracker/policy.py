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
  the director of the action.
- may_manage: change the plan's structure, vocabulary and users, and import workbooks:
  administrators.

Views declare what they need with the `rule` decorator, which the URL test reads to prove no
view was left without a rule.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from tracker import roles

STAFF_ROLES = (roles.ADMINISTRATOR, roles.PERFORMANCE_OFFICER)
# Roles whose holders write updates: lead officers (directors among them) and staff.
UPDATING_ROLES = (roles.LEAD_OFFICER, *STAFF_ROLES)


def may_view(user, obj=None):
    return user.is_authenticated and user.is_active and bool(roles.names(user))


def may_update(user, obj):
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


def may_update_any(user):
    """Is the user someone who writes updates at all (for navigation and home pages)?"""
    return may_view(user) and roles.has(user, *UPDATING_ROLES)


def may_approve(user, action):
    """May the user sign off updates of `action` (when the plan asks for sign-off)?
    Performance officers sign off any update; a director signs off the actions they lead."""
    if may_run(user):
        return True
    return bool(
        may_view(user)
        and action.director_id
        and action.director.holders.filter(pk=user.pk).exists()
    )


def may_run(user, obj=None):
    """May the user run the process: update rounds, chasing, committee reports?"""
    return may_view(user, obj) and roles.has(user, *STAFF_ROLES)


def may_manage(user, obj=None):
    """May the user change the plan's structure, vocabulary, users or imports?"""
    return may_view(user, obj) and roles.has(user, roles.ADMINISTRATOR)


def rule(need):
    """Mark a view with the question it asks: "public", "view", "update", "run" or "manage".

    The service-wide part is checked here; "update" views must also ask `may_update` about
    their object, which this decorator cannot know.
    """
    if need not in ("public", "view", "update", "run", "manage"):
        raise ValueError(need)

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if need != "public":
                if not user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                allowed = {
                    "view": may_view(user),
                    "update": may_update_any(user),
                    "run": may_run(user),
                    "manage": may_manage(user),
                }[need]
                if not allowed:
                    raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.policy_rule = need
        return wrapper

    return decorate
