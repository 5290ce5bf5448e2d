"""The four roles, kept as Django groups so administrators manage them in the admin."""

ADMINISTRATOR = "Administrator"
PERFORMANCE_OFFICER = "Performance officer"
LEAD_OFFICER = "Lead officer"
COUNCILLOR = "Councillor"

ALL = [ADMINISTRATOR, PERFORMANCE_OFFICER, LEAD_OFFICER, COUNCILLOR]


def names(user):
    """The role names the user holds; cached on the user object for the request."""
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_role_names"):
        user._role_names = frozenset(user.groups.values_list("name", flat=True))
    return user._role_names


def has(user, *roles):
    return bool(names(user) & set(roles))
