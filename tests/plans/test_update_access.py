"""Nobody outside an action's reach changes its updates, evidence or rounds, by any URL or
method; and looking at a page never changes anything.

Each case is a request that does change something when the right person sends it (checked
first, so the data is known to be good), then sent by a councillor, a visitor who is not
signed in, and a lead officer who does not hold the action's post.
"""

import datetime
from types import SimpleNamespace

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from plans.models import Evidence, Plan, Reminder, Review, Round, Update, UpdateRevision
from plans.vocabulary import status_matcher
from tests import factories

JAN, FEB = datetime.date(2024, 1, 1), datetime.date(2024, 2, 1)
PDF = b"%PDF-1.4 minutes"
OUTSIDERS = ["anonymous", "councillor", "other_lead"]
METHODS = ["get", "post", "put", "patch", "delete"]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2024, 2, 20, 10, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def world(plan, people, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(tmp_path)}},
    }
    plan.updates_need_sign_off = True
    plan.save()
    action = factories.action(plan, "OC.A2.1", lead="Head of HR")
    Round.objects.create(plan=plan, month=JAN, due=JAN.replace(day=9), closed_at=timezone.now())
    Round.objects.create(plan=plan, month=FEB, due=datetime.date(2024, 3, 8))
    january = factories.update(action, "2024-01", "On track", author=people["lead"])
    Update.objects.filter(pk=january.pk).update(approval=Update.Approval.SUBMITTED)
    item = Evidence.objects.create(update=january, file=SimpleUploadedFile("m.pdf", PDF))
    on_track = status_matcher(plan.statuses.all())("On track")
    return SimpleNamespace(plan=plan, action=action, evidence=item, status=on_track.pk)


def close_february():
    Round.objects.filter(month=FEB).update(closed_at=timezone.now())


def update_kwargs(world, month):
    return {"slug": "corporate-plan", "ref": world.action.ref, "year": 2024, "month": month}


ROUND = {"slug": "corporate-plan", "year": 2024, "month": 2}
JAN_ROUND = {**ROUND, "month": 1}

# name -> (who may do it, url name, kwargs(world), data(world), preparation)
CASES = {
    "write an update": (
        "lead",
        "plans:update",
        lambda w: update_kwargs(w, 2),
        lambda w: {
            "version": 0,
            "status": w.status,
            "narrative": "Words.",
            "evidence_file": SimpleUploadedFile("e.pdf", PDF),
        },
        None,
    ),
    "correct a closed round": (
        "clerk",
        "plans:update",
        lambda w: update_kwargs(w, 1),
        lambda w: {"version": 1, "status": w.status, "narrative": "Fixed.", "reason": "Typo"},
        None,
    ),
    "save all my actions": (
        "lead",
        "plans:update_all",
        lambda w: {"slug": "corporate-plan"},
        lambda w: {
            f"a{w.action.pk}-version": 0,
            f"a{w.action.pk}-status": w.status,
            f"a{w.action.pk}-narrative": "Words.",
        },
        None,
    ),
    "sign off": (
        "clerk",
        "plans:review",
        lambda w: update_kwargs(w, 1),
        lambda w: {"decision": "approved", "version": 1},
        None,
    ),
    "open a round": (
        "clerk",
        "plans:round_open",
        lambda w: {"slug": "corporate-plan"},
        lambda w: {
            "month_0": 1,
            "month_1": 3,
            "month_2": 2024,
            "due_0": 9,
            "due_1": 4,
            "due_2": 2024,
        },
        close_february,
    ),
    "extend a round": (
        "clerk",
        "plans:round_extend",
        lambda w: ROUND,
        lambda w: {"due_0": 20, "due_1": 3, "due_2": 2024},
        None,
    ),
    "close a round": (
        "clerk",
        "plans:round_close",
        lambda w: ROUND,
        lambda w: {"confirm": "yes"},
        None,
    ),
    "reopen a round": (
        "clerk",
        "plans:round_reopen",
        lambda w: JAN_ROUND,
        lambda w: {"reason": "Late update"},
        close_february,
    ),
    "remind officers": (
        "clerk",
        "plans:remind",
        lambda w: ROUND,
        lambda w: {},
        None,
    ),
}


def snapshot(world):
    """Everything these requests could change."""
    return (
        list(Update.objects.order_by("pk").values_list("pk", "version", "approval", "narrative")),
        UpdateRevision.objects.count(),
        list(Evidence.objects.order_by("pk").values_list("pk", "file", "link")),
        list(
            Round.objects.order_by("pk").values_list("month", "due", "closed_at", "reopen_reason")
        ),
        Reminder.objects.count(),
        Review.objects.count(),
        Plan.objects.get().data_version,
        len(mail.outbox),
    )


def send(client, method, world, case):
    _, name, kwargs, data, _ = CASES[case]
    url = reverse(name, kwargs=kwargs(world))
    if method in ("get", "post"):
        return getattr(client, method)(url, data(world))
    return getattr(client, method)(url)


@pytest.mark.parametrize("case", CASES)
def test_the_right_person_can_make_each_change(world, client_for, case):
    who, _, _, _, prepare = CASES[case]
    if prepare:
        prepare()
    before = snapshot(world)
    response = send(client_for(who), "post", world, case)
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert snapshot(world) != before


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("role", OUTSIDERS)
@pytest.mark.parametrize("case", CASES)
def test_outsiders_change_nothing_by_any_url_or_method(world, client_for, case, role, method):
    _, _, _, _, prepare = CASES[case]
    if prepare:
        prepare()
    before = snapshot(world)
    response = send(client_for(role), method, world, case)
    # Refused, or (the other officer's own all-my-actions page) shown with nothing of theirs.
    assert response.status_code in (200, 302, 403, 404, 405)
    if role == "anonymous":
        assert response.status_code == 302 and "/sign-in/" in response["Location"]
    assert snapshot(world) == before


def test_outsiders_cannot_download_or_delete_evidence_of_a_draft(world, client_for):
    url = world.evidence.get_absolute_url()
    assert client_for("councillor").get(url).status_code == 404
    for method in ("post", "put", "delete"):
        assert getattr(client_for("councillor"), method)(url).status_code == 405
    assert Evidence.objects.filter(pk=world.evidence.pk).exists()


PAGES = [
    ("plans:update", lambda w: update_kwargs(w, 2)),
    ("plans:update", lambda w: update_kwargs(w, 1)),
    ("plans:update_all", lambda w: {"slug": "corporate-plan"}),
    ("plans:review", lambda w: update_kwargs(w, 1)),
    ("plans:sign_off", lambda w: {"slug": "corporate-plan"}),
    ("plans:evidence", lambda w: {"slug": "corporate-plan", "pk": w.evidence.pk}),
    ("plans:delegate", lambda w: {}),
    ("plans:rounds", lambda w: {"slug": "corporate-plan"}),
    ("plans:round_open", lambda w: {"slug": "corporate-plan"}),
    ("plans:round", lambda w: ROUND),
    ("plans:round_extend", lambda w: ROUND),
    ("plans:round_close", lambda w: ROUND),
    ("plans:round_reopen", lambda w: JAN_ROUND),
    ("plans:chase", lambda w: ROUND),
    ("plans:remind", lambda w: ROUND),
]


@pytest.mark.parametrize("role", ["lead", "clerk", "admin"])
def test_looking_at_any_page_changes_nothing(world, client_for, people, role):
    people["lead"].delegate = people["other_lead"]
    people["lead"].save()
    client = client_for(role)
    before = snapshot(world)
    for name, kwargs in PAGES:
        response = client.get(reverse(name, kwargs=kwargs(world)))
        assert response.status_code in (200, 403, 405), name
    assert snapshot(world) == before
    people["lead"].refresh_from_db()
    assert people["lead"].delegate == people["other_lead"]
