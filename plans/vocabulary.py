"""Matching the words people wrote to the plan's status vocabulary, and refs to parents."""

import re
from collections.abc import Callable, Iterable

from plans.models import Status, normalise_label


def status_matcher(statuses: Iterable[Status]) -> Callable[[str], Status | None]:
    """A function from a label as written to one of `statuses` (or None).

    Matches the label, code or any synonym ignoring case, spacing and trailing descriptions:
    "On Track- little or no slippage" is On track, "complete" is Complete.
    """
    names = {}
    for status in statuses:
        for name in [status.label, status.code, *status.synonym_list()]:
            names.setdefault(normalise_label(name), status)
    # Longest first, so "Complete" is not mistaken for a prefix of something longer.
    prefixes = sorted(names, key=len, reverse=True)

    def match(text):
        key = normalise_label(text)
        if not key:
            return None
        if key in names:
            return names[key]
        for prefix in prefixes:
            if key.startswith(prefix) and not key[len(prefix)].isalnum():
                return names[prefix]
        return None

    return match


_SUB_ACTION = re.compile(r"^(?P<stem>.+\.[A-Za-z]*\d+)\.(?P<n>\d+)$")


def parent_ref(ref):
    """The ref of the focus action a sub-action belongs to: "OC.A2.3" -> "OC.A2.0".

    A ref ending in ".0" is itself a focus action and has no parent.
    """
    match = _SUB_ACTION.match(ref.strip())
    if not match or int(match["n"]) == 0:
        return None
    return f"{match['stem']}.0"
