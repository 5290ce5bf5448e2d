"""Every role over every URL, with GET and POST, against a table of expected answers.

A URL added to the project without a row here fails `test_every_url_is_in_the_table`.
"""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver

from plans.models import Committee, Evidence, ImportJob, Round, Source
from reports.models import Meeting, Report
from tests import factories

ROLES = ["anonymous", "councillor", "lead", "other_lead", "clerk", "admin"]

# Shorthands for (GET, POST) answers.
READ = {"anonymous": (302, 302), **{r: (200, 405) for r in ROLES[1:]}}
PUBLIC_FORM = {r: (200, 200) for r in ROLES}
PUBLIC_PAGE = {r: (200, 405) for r in ROLES}
SIGNED_IN_FORM = {"anonymous": (302, 302), **{r: (200, 200) for r in ROLES[1:]}}
MANAGE_FORM = {"anonymous": (302, 302), **{r: (403, 403) for r in ROLES[1:-1]}, "admin": (200, 302)}
ADMIN_ONLY = {"anonymous": (302, 302), **{r: (403, 403) for r in ROLES[1:-1]}, "admin": (200, 200)}

# Running the monthly round: performance officers and administrators.
RUN = {"anonymous": (302, 302), **{r: (403, 403) for r in ROLES[1:4]}}
RUN_PAGE = {**RUN, "clerk": (200, 405), "admin": (200, 405)}
STAFF_FORM = {"clerk": (200, 200), "admin": (200, 200)}
RUN_FORM = {**RUN, **STAFF_FORM}
# Writing updates: anyone who writes (lead officers and staff); councillors never.
WRITERS = {"anonymous": (302, 302), "councillor": (403, 403)}
ROUND = {"slug": "corporate-plan", "year": 2024, "month": 2}

# url name -> (kwargs, {role: (GET status, POST status)})
TABLE = {
    "home": ({}, READ),
    "health": ({}, PUBLIC_PAGE),
    "login": (
        {},
        {"anonymous": (200, 200), **{r: (302, 302) for r in ROLES[1:]}},
    ),
    "logout": ({}, {r: (405, 302) for r in ROLES}),
    "password_change": ({}, SIGNED_IN_FORM),
    "password_change_done": ({}, READ),
    "password_reset": ({}, PUBLIC_FORM),
    "password_reset_done": ({}, PUBLIC_PAGE),
    "password_reset_confirm": ({"uidb64": "MQ", "token": "bad-token"}, PUBLIC_FORM),
    "password_reset_complete": ({}, PUBLIC_PAGE),
    "plans:index": ({}, READ),
    "plans:tracker": ({"slug": "corporate-plan"}, READ),
    "plans:action": ({"slug": "corporate-plan", "ref": "CM.A1.1"}, READ),
    "plans:dashboard": ({"slug": "corporate-plan"}, READ),
    "plans:dashboard_chart": ({"slug": "corporate-plan", "chart": "trend"}, READ),
    "plans:committee": ({"slug": "corporate-plan", "committee": "audit"}, READ),
    "plans:export_xlsx": ({"slug": "corporate-plan"}, READ),
    "plans:export_csv": ({"slug": "corporate-plan"}, READ),
    "plans:export_json": ({"slug": "corporate-plan"}, READ),
    "admin:index": ({}, ADMIN_ONLY),
    "plans:workbook": ({"slug": "corporate-plan"}, READ),
    "plans:import": ({}, {**MANAGE_FORM, "admin": (200, 200)}),
    "plans:import_job": ({"pk": 1}, MANAGE_FORM),
    "plans:import_confirm": ({"pk": 1}, {**MANAGE_FORM, "admin": (405, 302)}),
    "plans:import_progress": ({"pk": 1}, {**MANAGE_FORM, "admin": (200, 405)}),
    # The monthly round: the world's lead holds CM.A1.1's post; other_lead does not.
    "plans:update": (
        {"slug": "corporate-plan", "ref": "CM.A1.1", "year": 2024, "month": 2},
        {**WRITERS, "lead": (200, 200), "other_lead": (403, 403), **STAFF_FORM},
    ),
    "plans:update_all": (
        {"slug": "corporate-plan"},
        {**WRITERS, **{r: (200, 302) for r in ROLES[2:]}},
    ),
    "plans:review": (
        {"slug": "corporate-plan", "ref": "CM.A1.1", "year": 2024, "month": 1},
        {**WRITERS, "lead": (403, 403), "other_lead": (403, 403), **STAFF_FORM},
    ),
    "plans:sign_off": (
        {"slug": "corporate-plan"},
        {**WRITERS, **{r: (200, 405) for r in ROLES[2:]}},
    ),
    "plans:evidence": ({"slug": "corporate-plan", "pk": 1}, READ),
    "plans:delegate": ({}, {**WRITERS, **{r: (200, 302) for r in ROLES[2:]}}),
    "plans:rounds": ({"slug": "corporate-plan"}, RUN_PAGE),
    "plans:round_open": ({"slug": "corporate-plan"}, RUN_FORM),
    "plans:round": (ROUND, RUN_PAGE),
    "plans:round_extend": (ROUND, {**RUN, "clerk": (405, 200), "admin": (405, 200)}),
    # GET asks "close it?", naming the updates missing; with some missing, a POST goes there.
    "plans:round_close": (ROUND, {**RUN, "clerk": (200, 302), "admin": (200, 302)}),
    "plans:round_reopen": (ROUND, {**RUN, "clerk": (405, 200), "admin": (405, 200)}),
    "plans:chase": (ROUND, RUN_PAGE),
    "plans:remind": (ROUND, {**RUN, "clerk": (405, 302), "admin": (405, 302)}),
    # Measures and sources: everyone signed in reads them; the world's lead holds measure 1's
    # owner post.
    "plans:measures": ({"slug": "corporate-plan"}, READ),
    "plans:measure": ({"slug": "corporate-plan", "pk": 1}, READ),
    "plans:measures_chart": ({"slug": "corporate-plan"}, READ),
    "plans:measure_chart": ({"slug": "corporate-plan", "pk": 1, "chart": "trend"}, READ),
    "plans:measure_value": (
        {"slug": "corporate-plan", "pk": 1, "year": 2023, "month": 10},
        {**WRITERS, "lead": (200, 200), "other_lead": (403, 403), **STAFF_FORM},
    ),
    "plans:sources": ({"slug": "corporate-plan"}, READ),
    "plans:source": ({"slug": "corporate-plan", "pk": 1}, READ),
    "plans:source_xlsx": ({"slug": "corporate-plan", "pk": 1}, READ),
    "plans:source_csv": ({"slug": "corporate-plan", "pk": 1}, READ),
    "plans:measure_import": ({"slug": "corporate-plan"}, {**MANAGE_FORM, "admin": (200, 200)}),
    "plans:measure_import_job": ({"slug": "corporate-plan", "pk": 2}, MANAGE_FORM),
    "plans:measure_import_confirm": (
        {"slug": "corporate-plan", "pk": 2},
        {**MANAGE_FORM, "admin": (405, 302)},
    ),
    # Committee reports: everyone signed in reads published ones; clerks build and publish.
    "reports:index": ({}, READ),
    "reports:new": ({}, RUN_FORM),
    "reports:meetings": ({}, RUN_FORM),
    "reports:meeting_delete": ({"pk": 1}, {**RUN, "clerk": (405, 302), "admin": (405, 302)}),
    "reports:detail": ({"pk": 1}, READ),
    "reports:pdf": ({"pk": 1}, READ),
    "reports:state": ({"pk": 1}, RUN_PAGE),
    "reports:rebuild": ({"pk": 1}, {**RUN, "clerk": (405, 302), "admin": (405, 302)}),
    "reports:publish": ({"pk": 1}, {**RUN, "clerk": (405, 302), "admin": (405, 302)}),
}


def url_names(resolver=None, namespace=""):
    """Every named URL the project defines, except the Django admin's own pages, which the
    admin guards itself (is_staff); admin:index stands for them in the table."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            if entry.namespace == "admin":
                continue
            yield from url_names(entry, inner)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}", entry.callback


def test_every_url_is_in_the_table():
    names = {name for name, _ in url_names()}
    assert names == set(TABLE) - {"admin:index"}


def test_every_view_declares_its_rule():
    missing = [name for name, view in url_names() if not hasattr(view, "policy_rule")]
    assert missing == []


@pytest.fixture
def world(people):
    plan = factories.plan()
    action = factories.action(plan, "CM.A1.1", lead="Head of HR")
    january = factories.update(action, "2024-01", "On track")
    Evidence.objects.create(
        pk=1, update=january, file=ContentFile(b"%PDF-1.4 minutes", name="minutes.pdf")
    )
    Round.objects.create(plan=plan, month=datetime.date(2024, 2, 1), due=datetime.date(2024, 3, 8))
    factories.measure(plan, "Appraisals on time", owner="Head of HR", frequency="quarterly", pk=1)
    Source.objects.create(pk=1, plan=plan, name="Peer challenge").recommendations.create(
        number=1, text="Agree shared priorities."
    ).actions.add(action)
    ImportJob.objects.create(
        pk=2, kind="measures", plan=plan, file="imports/kpis.xlsx", filename="kpis.xlsx"
    )
    Committee.objects.create(name="Audit Committee", slug="audit").actions.add(action)
    ImportJob.objects.create(
        pk=1, plan=plan, file="imports/none.xlsx", filename="none.xlsx", preview={"blocked": True}
    )
    Meeting.objects.create(pk=1, committee=Committee.objects.get(slug="audit"), date=january.month)
    Report.objects.create(
        pk=1,
        plan=plan,
        kind="quarterly",
        period="2023-Q4",
        state="published",
        file=ContentFile(b"%PDF-1.7 report", name="report.pdf"),
        sha256="0" * 64,
        published_by=people["clerk"],
        published_at=datetime.datetime(2024, 4, 2, tzinfo=datetime.UTC),
    )
    return plan


CASES = [(name, role, method) for name in TABLE for role in ROLES for method in ("get", "post")]


@pytest.mark.parametrize(("name", "role", "method"), CASES)
def test_role_gets_expected_answer(world, client_for, name, role, method):
    from django.urls import reverse

    kwargs, answers = TABLE[name]
    expected = answers[role][0 if method == "get" else 1]
    response = getattr(client_for(role), method)(reverse(name, kwargs=kwargs))
    assert response.status_code == expected, f"{role} {method.upper()} {name}"
    if expected == 302 and role == "anonymous" and name not in ("logout",):
        assert "/sign-in/" in response["Location"] or "/admin/login/" in response["Location"]
