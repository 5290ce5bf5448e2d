"""Every role over every URL, with GET and POST, against a table of expected answers.

A URL added to the project without a row here fails `test_every_url_is_in_the_table`.
"""

import datetime
import io

import docx
import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from plans.models import Committee, Evidence, ImportJob, Post, Round, Source, Theme
from reports import compose, periods
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
    # Single sign-on is not set up here (OIDC_ISSUER empty): tests/tracker/test_oidc.py.
    "oidc_authentication_init": ({}, {r: (404, 405) for r in ROLES}),
    "oidc_authentication_callback": ({}, {r: (404, 405) for r in ROLES}),
    "password_change": ({}, SIGNED_IN_FORM),
    "password_change_done": ({}, READ),
    "password_reset": ({}, PUBLIC_FORM),
    "password_reset_done": ({}, PUBLIC_PAGE),
    "password_reset_confirm": ({"uidb64": "MQ", "token": "bad-token"}, PUBLIC_FORM),
    "password_reset_complete": ({}, PUBLIC_PAGE),
    # Two-factor: these sessions have given their code, so the code page sends them on; the
    # recovery codes page has none to show until new ones are made.
    "two_factor_verify": ({}, {r: (302, 302) for r in ROLES}),
    "two_factor": ({}, SIGNED_IN_FORM),
    "two_factor_setup": ({}, SIGNED_IN_FORM),
    "two_factor_codes": ({}, {r: (302, 302) for r in ROLES}),
    "plans:index": ({}, READ),
    "plans:tracker": ({"slug": "corporate-plan"}, READ),
    "plans:action": ({"slug": "corporate-plan", "ref": "CM.A1.1"}, READ),
    "plans:dashboard": ({"slug": "corporate-plan"}, READ),
    "plans:dashboard_chart": ({"slug": "corporate-plan", "chart": "trend"}, READ),
    "plans:committee": ({"slug": "corporate-plan", "committee": "audit"}, READ),
    # Administrators' bulk changes and new year: a POST with nothing chosen shows the form
    # again; one without confirm=yes goes back to the preview.
    "plans:bulk_change": ({"slug": "corporate-plan"}, {**MANAGE_FORM, "admin": (200, 200)}),
    "plans:rollover": ({"slug": "corporate-plan"}, MANAGE_FORM),
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
    "plans:send_digests": (ROUND, {**RUN, "clerk": (405, 302), "admin": (405, 302)}),
    # Email settings and following: everyone signed in, for themselves.
    "plans:email_settings": ({}, {"anonymous": (302, 302), **{r: (200, 302) for r in ROLES[1:]}}),
    "plans:follow_action": (
        {"slug": "corporate-plan", "ref": "CM.A1.1"},
        {"anonymous": (302, 302), **{r: (405, 302) for r in ROLES[1:]}},
    ),
    "plans:follow_theme": (
        {"slug": "corporate-plan", "pk": 1},
        {"anonymous": (302, 302), **{r: (405, 302) for r in ROLES[1:]}},
    ),
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
    # GET is the confirmation page; a POST without confirm=yes goes back to it.
    "reports:publish": ({"pk": 1}, {**RUN, "clerk": (200, 302), "admin": (200, 302)}),
    "reports:docx": ({"pk": 1}, READ),
    # The officers' words: performance officers write them. The world's report is published,
    # so its words are frozen and both pages lead back to it.
    "reports:commentary": ({"pk": 1}, {**RUN, "clerk": (302, 302), "admin": (302, 302)}),
    "reports:cover": ({"pk": 1}, {**RUN, "clerk": (302, 302), "admin": (302, 302)}),
    "reports:words_history": ({"pk": 1}, RUN_PAGE),
    # The public page of the world's plan (made public), its published report and feed, and
    # the footer's pages: no sign-in.
    "public:plan": ({"slug": "corporate-plan"}, PUBLIC_PAGE),
    "public:report_pdf": ({"slug": "corporate-plan", "pk": 1}, PUBLIC_PAGE),
    "public:feed": ({"slug": "corporate-plan"}, PUBLIC_PAGE),
    "accessibility": ({}, PUBLIC_PAGE),
    "privacy": ({}, PUBLIC_PAGE),
    "help": ({}, PUBLIC_PAGE),
    "robots": ({}, PUBLIC_PAGE),
    # Posts, for administrators; post 50 has a near-duplicate (51), so it can be merged. An
    # empty POST asks again.
    "posts:index": ({}, {**MANAGE_FORM, "admin": (200, 405)}),
    "posts:detail": ({"pk": 50}, ADMIN_ONLY),
    "posts:merge": ({"pk": 50}, ADMIN_ONLY),
    # People: administrators only; person 900 is the world's leaver, holding a post. An
    # invitation's link is public (a wrong token says so).
    "people:list": ({}, {**MANAGE_FORM, "admin": (200, 405)}),
    "people:add": ({}, ADMIN_ONLY),
    "people:import": ({}, ADMIN_ONLY),
    "people:import_confirm": ({}, {**MANAGE_FORM, "admin": (405, 302)}),
    "people:invite": ({}, {**MANAGE_FORM, "admin": (405, 404)}),
    "people:person": ({"pk": 900}, {**MANAGE_FORM, "admin": (200, 405)}),
    "people:leave": ({"pk": 900}, ADMIN_ONLY),
    "people:accept": ({"uidb64": "MQ", "token": "bad-token"}, PUBLIC_FORM),
}


def url_names(resolver=None, namespace=""):
    """Every named URL the project defines, except the Django admin's own pages, which the
    admin site guards with the policy (test_admin_pages.py); admin:index stands for them here."""
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
    plan.public = True
    plan.save()
    Theme.objects.create(pk=1, plan=plan, name="Community", sort_order=1)
    factories.user("leaver", factories.roles.LEAD_OFFICER, ["Head of Policy"], pk=900)
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
    Post.objects.create(pk=50, name="Director - Law & Governance")
    Post.objects.create(pk=51, name="Director- Law & Governance")
    Report.objects.create(
        pk=1,
        plan=plan,
        kind="quarterly",
        period="2023-Q4",
        state="published",
        file=ContentFile(b"%PDF-1.7 report", name="report.pdf"),
        sha256="0" * 64,
        snapshot=compose.compose(plan=plan, period=periods.parse("quarterly", "2023-Q4")),
        published_by=people["clerk"],
        published_at=datetime.datetime(2024, 4, 2, tzinfo=datetime.UTC),
    )
    return plan


CASES = [(name, role, method) for name in TABLE for role in ROLES for method in ("get", "post")]


@pytest.mark.parametrize(("name", "role", "method"), CASES)
def test_role_gets_expected_answer(world, client_for, name, role, method):
    kwargs, answers = TABLE[name]
    expected = answers[role][0 if method == "get" else 1]
    response = getattr(client_for(role), method)(reverse(name, kwargs=kwargs))
    assert response.status_code == expected, f"{role} {method.upper()} {name}"
    if expected == 302 and role == "anonymous" and name not in ("logout",):
        assert "/sign-in/" in response["Location"] or "/admin/login/" in response["Location"]


# Wording not signed off: councillors never read it, on any page or in any export; the
# action's writers, its director and performance officers do, where they work on it.
PENDING = "Pending draft: Cabinet slipped to May."
RETURNED = "Returned draft: no date given."
SUPERSEDED = "Superseded draft: never signed off."
SENT_BACK = "Sent-back version: returned, then rewritten."
SIGNED_OFF = "Signed-off wording: adopted by Cabinet."
DRAFTS = [PENDING, RETURNED, SUPERSEDED, SENT_BACK]
FEBRUARY = datetime.date(2024, 2, 1)


@pytest.fixture
def sign_off_world(world, people):
    """world, asking for sign-off, with February updates of three of the lead's actions: one
    awaiting sign-off, one returned, and one signed off after a never-approved and a returned
    version."""
    from plans import updates
    from plans.vocabulary import status_matcher

    plan = world
    plan.updates_need_sign_off = True
    plan.save()
    amber = status_matcher(plan.statuses.all())("Medium progress")
    lead, clerk = people["lead"], people["clerk"]

    def write(action, narrative, version):
        return updates.submit_update(
            action=action,
            month=FEBRUARY,
            by=lead,
            status=amber,
            narrative=narrative,
            expected_version=version,
        )[0]

    def review(update, decision):
        return updates.review_update(
            update=update,
            by=clerk,
            decision=decision,
            note="Say when.",
            expected_version=update.version,
        )

    pending = write(plan.actions.get(ref="CM.A1.1"), PENDING, 0)
    Evidence.objects.create(
        pk=2, update=pending, file=ContentFile(b"%PDF-1.4 draft", name="draft.pdf")
    )
    returned = factories.action(plan, "CM.A1.2", lead="Head of HR")
    review(write(returned, RETURNED, 0), "returned")
    approved = factories.action(plan, "CM.A1.3", lead="Head of HR")
    write(approved, SUPERSEDED, 0)
    review(write(approved, SENT_BACK, 1), "returned")
    review(write(approved, SIGNED_OFF, 2), "approved")
    Source.objects.get(pk=1).recommendations.get().actions.add(returned, approved)
    Committee.objects.get(slug="audit").actions.add(returned, approved)
    return plan


def body(response):
    """The text of a response, whatever it is: a page, CSV, JSON, a file, a workbook or a Word
    document."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if kind.startswith("application/vnd.openxmlformats-officedocument.wordprocessingml"):
        document = docx.Document(io.BytesIO(content))
        cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)
    if kind.startswith("application/vnd.openxmlformats"):
        book = load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    return content.decode("utf-8", errors="replace")


# Every page and export a councillor may read, the other actions' pages, and a search.
COUNCILLOR_READS = (
    [
        (name, kwargs, "")
        for name, (kwargs, answers) in TABLE.items()
        if answers["councillor"][0] == 200
    ]
    + [
        ("plans:action", {"slug": "corporate-plan", "ref": ref}, "")
        for ref in ("CM.A1.2", "CM.A1.3")
    ]
    + [("plans:tracker", {"slug": "corporate-plan"}, "?q=draft")]
)


@pytest.mark.parametrize(
    ("name", "kwargs", "query"),
    COUNCILLOR_READS,
    ids=[f"{name}{kwargs.get('ref', '')}{query}" for name, kwargs, query in COUNCILLOR_READS],
)
def test_councillors_never_read_wording_not_signed_off(
    sign_off_world, client_for, name, kwargs, query
):
    url = reverse(name, kwargs=kwargs) + query
    response = client_for("councillor").get(url)
    assert response.status_code == 200, url
    text = body(response)
    for draft in DRAFTS:
        assert draft not in text, f"{url} shows {draft!r}"
    if kwargs.get("ref") == "CM.A1.3":
        assert SIGNED_OFF in text


def test_councillors_get_no_evidence_of_an_update_not_signed_off(sign_off_world, client_for):
    url = reverse("plans:evidence", kwargs={"slug": "corporate-plan", "pk": 2})
    assert client_for("councillor").get(url).status_code == 404
    assert client_for("other_lead").get(url).status_code == 404
    assert client_for("lead").get(url).status_code == 200
    assert client_for("clerk").get(url).status_code == 200


# Where each role reads the drafts: the action's page (all its wordings), the sign-off list
# and the review page; another lead officer's action pages show them nothing.
DRAFTS_SHOWN = [
    ("clerk", "plans:action", {"ref": "CM.A1.1"}, [PENDING]),
    ("clerk", "plans:action", {"ref": "CM.A1.2"}, [RETURNED]),
    ("clerk", "plans:action", {"ref": "CM.A1.3"}, [SUPERSEDED, SENT_BACK, SIGNED_OFF]),
    ("admin", "plans:action", {"ref": "CM.A1.3"}, [SUPERSEDED, SENT_BACK, SIGNED_OFF]),
    ("clerk", "plans:review", {"ref": "CM.A1.1", "year": 2024, "month": 2}, [PENDING]),
    ("lead", "plans:action", {"ref": "CM.A1.1"}, [PENDING]),
    ("lead", "plans:action", {"ref": "CM.A1.3"}, [SUPERSEDED, SENT_BACK, SIGNED_OFF]),
    ("lead", "plans:update", {"ref": "CM.A1.2", "year": 2024, "month": 2}, [RETURNED]),
    ("other_lead", "plans:action", {"ref": "CM.A1.1"}, []),
    ("other_lead", "plans:action", {"ref": "CM.A1.3"}, [SIGNED_OFF]),
]


@pytest.mark.parametrize(
    ("role", "name", "kwargs", "shown"),
    DRAFTS_SHOWN,
    ids=[f"{role}-{name}-{kwargs['ref']}" for role, name, kwargs, _ in DRAFTS_SHOWN],
)
def test_officers_read_drafts_where_they_work_on_them(
    sign_off_world, client_for, role, name, kwargs, shown
):
    response = client_for(role).get(reverse(name, kwargs={"slug": "corporate-plan", **kwargs}))
    assert response.status_code == 200
    text = body(response)
    assert [draft for draft in [*DRAFTS, SIGNED_OFF] if draft in text] == shown
