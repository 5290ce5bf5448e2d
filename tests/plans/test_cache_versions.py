"""Every writer marks the pages it changes stale: with the page cache switched on, a page
read before a write shows the write at once after it. A writer that forgot would go on
serving the page it cached first (the other tests run without a cache, so only these see it).
"""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
import time_machine
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from plans import rounds, updates
from plans.excel.load import load_workbook
from plans.excel.read import read_workbook
from plans.measures.values import save_value
from plans.measures.workbook import load_measures, read_measures
from plans.models import Plan, Priority, Round, Update
from tests import factories, workbooks
from tests.plans.measures.test_import import HEADER, workbook

JAN = datetime.date(2024, 1, 1)
DEC = datetime.date(2023, 12, 1)
OPEN = "the month of the open update round"
CLOSED = "no update round is open"
DUE = datetime.date(2024, 2, 8)
NEWS = "Supplier failed."  # what each write makes appear
SUBMITTED = Update.Approval.SUBMITTED


@pytest.fixture(autouse=True)
def real_cache():
    with (
        override_settings(
            CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
        ),
        time_machine.travel(datetime.datetime(2024, 1, 20, 10, 0, tzinfo=datetime.UTC)),
    ):
        cache.clear()
        yield
        cache.clear()


def _round(plan, *, closed=False):
    return Round.objects.create(
        plan=plan,
        month=JAN,
        due=DUE,
        closed_at=datetime.datetime(2024, 1, 19, tzinfo=datetime.UTC) if closed else None,
    )


def _admin_edit(client, model, pk, **changes):
    """POST the admin's change page for the object as it stands, with `changes`."""
    address = reverse(f"admin:plans_{model}_change", args=[pk])
    form = client.get(address).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {name: ("" if value is None else value) for name, value in data.items()}
    answer = client.post(address, {**data, **changes})
    assert answer.status_code == 302, answer.context and answer.context["adminform"].form.errors


def _submitted(w):
    w.update = factories.update(
        w.action, "2024-01", "Significant issues / slippage", NEWS, approval=SUBMITTED
    )


def _measure(w):
    targets, values = {"2023-12": "85"}, {"2023-12": "90"}
    factories.measure(w.plan, "Sickness", frequency="monthly", targets=targets, values=values)


def _import_actions(w):
    header = ["Ref", "Action", "Status (January 2024)", "Update (January 2024)"]
    row = [w.action.ref, NEWS, "On track", "Questions agreed."]
    book = workbooks.workbook_bytes({"Plan": [header, row]})
    load_workbook(plan=w.plan, result=read_workbook(book), dry_run=False)


def _import_measures(w):
    row = ["Sickness", "A resilient council", "Head of HR", "Percentage", "Higher", "Quarterly"]
    result = read_measures(workbook(rows=[row + [None] * (len(HEADER) - len(row))]))
    load_measures(result=result, plan=w.plan, dry_run=False, source="kpis.xlsx")


# (writer, what to set up first, the page it changes, the text it makes appear there)
CASES = {
    "open a round": (
        lambda w: rounds.open_round(plan=w.plan, month=JAN, due=DUE, by=w.clerk),
        None,
        "tracker",
        OPEN,
    ),
    "close a round": (
        lambda w: rounds.close_round(round_=w.round, by=w.clerk),
        lambda w: setattr(w, "round", _round(w.plan)),
        "tracker",
        CLOSED,
    ),
    "reopen a round": (
        lambda w: rounds.reopen_round(round_=w.round, by=w.clerk, reason="Late data"),
        lambda w: setattr(w, "round", _round(w.plan, closed=True)),
        "tracker",
        OPEN,
    ),
    "save an update": (
        lambda w: factories.update(w.action, "2024-01", "Significant issues / slippage", NEWS),
        None,
        "tracker",
        NEWS,
    ),
    "review an update": (
        lambda w: updates.review_update(
            update=w.update, by=w.clerk, decision="approved", expected_version=w.update.version
        ),
        _submitted,
        "action",
        NEWS,
    ),
    "save a measure figure": (
        lambda w: save_value(
            measure=w.plan.measures.get(), period=DEC, value=Decimal("40"), commentary=NEWS
        ),
        _measure,
        "dashboard",
        NEWS,
    ),
    "import an action workbook": (_import_actions, None, "tracker", NEWS),
    "import a measures workbook": (
        _import_measures,
        lambda w: Priority.objects.create(plan=w.plan, name="A resilient council"),
        "dashboard",
        "1 measure tracked",
    ),
    "edit an action in the admin": (
        lambda w: _admin_edit(w.admin, "action", w.action.pk, title=NEWS),
        None,
        "tracker",
        NEWS,
    ),
    "edit a status in the admin": (
        lambda w: _admin_edit(
            w.admin, "status", w.plan.statuses.get(label="On track").pk, label=NEWS
        ),
        None,
        "tracker",
        NEWS,
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_a_write_shows_at_once_on_the_cached_page_it_changes(plan, people, client_for, case):
    write, setup, page, news = CASES[case]
    action = factories.action(plan, "CM.A1.1", title="Run the residents survey", lead="Head of HR")
    factories.update(action, "2024-01", "On track", "Questions agreed.")
    w = SimpleNamespace(plan=plan, action=action, clerk=people["clerk"], admin=client_for("admin"))
    if setup:
        setup(w)
    args = [plan.slug, action.ref] if page == "action" else [plan.slug]
    address = reverse(f"plans:{page}", args=args)
    reader = client_for("councillor")
    assert news not in reader.get(address).content.decode()
    write(w)
    assert news in reader.get(address).content.decode()


def test_extending_a_round_marks_the_plans_pages_stale(plan, people):
    # No cached page shows a round's due date, so no page can show this write is seen; the
    # raised version is what any page that comes to show it relies on.
    round_ = _round(plan)
    before = Plan.objects.get().data_version
    rounds.extend_round(round_=round_, due=DUE + datetime.timedelta(days=7), by=people["clerk"])
    assert Plan.objects.get().data_version > before
