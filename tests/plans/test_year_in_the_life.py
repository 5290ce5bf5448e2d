"""A year in the life of one plan: twelve monthly rounds, April 2024 to March 2025, with the
clock moving on. At each step the test looks at what each person would notice: the lead
officers' home pages, the reminder emails, the clerk's chase list and the quarterly reports.

The cast: Dana Smith (Head of HR), who names Cal Jones her delegate; Frank Lee (Head of
Finance), who leaves in September, his post vacant until Nia Patel takes it in November; Hana
Khan (Head of Housing); the clerk, a performance officer. The Payroll manager post, which
writes HR.3's updates, is vacant all year, and X.1 names no lead officer.

`walk` runs the year; `FormsChecks` holds the checks of the update forms themselves (date
warnings judged against the round's month, forms opening with last month's status).
"""

import datetime
import re
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from plans import rounds
from plans.models import Round, Status, Update, UpdateRevision
from plans.vocabulary import status_matcher
from reports import periods, workflow
from reports.models import Report
from tests import factories

SLUG = "corporate-plan"
ACTIONS = [
    # ref, title, lead officer post, due
    ("HR.1", "Workforce strategy", "Head of HR", "Jun-24"),
    ("HR.2", "Appraisals:\n- managers trained\n- forms online", "Head of HR", "Sep-24"),
    ("HR.3", "Payroll system", "Head of HR", "Mar-25"),
    ("FIN.1", "Balanced budget", "Head of Finance", "Mar-25"),
    ("FIN.2", "Procurement strategy", "Head of Finance", "Dec-24"),
    ("HOU.1", "Allocations policy", "Head of Housing", "Jul-24"),
    ("HOU.2", "Damp and mould survey", "Head of Housing", "Mar-25"),
    ("HOU.3", "Sheltered housing review", "Head of Housing", "Mar-25"),
    ("X.1", "Customer charter", None, "Mar-25"),
]


def month(text):
    return datetime.date.fromisoformat(text + "-01")


def moment(text, hour=9):
    day = datetime.date.fromisoformat(text)
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=datetime.UTC)


class Year:
    """The plan, its people, a signed-in client for each, and the clock."""

    def __init__(self, traveller):
        self.traveller = traveller
        self.plan = factories.plan()
        self.status = status_matcher(self.plan.statuses.all())
        names = {
            "clerk": ("Chris", "Clerk", factories.roles.PERFORMANCE_OFFICER, []),
            "dana": ("Dana", "Smith", factories.roles.LEAD_OFFICER, ["Head of HR"]),
            "cal": ("Cal", "Jones", factories.roles.LEAD_OFFICER, []),
            "frank": ("Frank", "Lee", factories.roles.LEAD_OFFICER, ["Head of Finance"]),
            "hana": ("Hana", "Khan", factories.roles.LEAD_OFFICER, ["Head of Housing"]),
            "nia": ("Nia", "Patel", factories.roles.LEAD_OFFICER, []),
        }
        self.people = {
            name: factories.user(name, role, posts, first_name=first, last_name=last)
            for name, (first, last, role, posts) in names.items()
        }
        self.actions = {}
        for position, (ref, title, lead, due) in enumerate(ACTIONS):
            self.actions[ref] = factories.action(
                self.plan,
                ref,
                lead=lead,
                title=title,
                start_text="Apr-24",
                due_text=due,
                sort_order=position,
            )
        hr3 = self.actions["HR.3"]
        hr3.update_owner = factories.Post.objects.create(name="Payroll manager")
        hr3.save()
        self.clients = {}

    def client(self, name):
        if name not in self.clients:
            self.clients[name] = Client()
            factories.sign_in(self.clients[name], self.people[name])
        return self.clients[name]

    @staticmethod
    def saved(response):
        """Assert the post was saved and redirected, not sent to sign in or refused."""
        assert response.status_code == 302, response.content.decode()
        assert not response["Location"].startswith(reverse("login")), response["Location"]

    def on(self, day, hour=9):
        """Move the clock on; everyone signs in afresh (sessions last a working day)."""
        self.traveller.move_to(moment(day, hour))
        self.clients = {}

    # What people see.

    def home(self, name):
        """The refs the person's home page lists as needing an update, once its sentence has
        been checked to count them."""
        page = self.client(name).get(reverse("home")).content.decode()
        refs = re.findall(rf'href="/plans/{SLUG}/actions/([^/"]+)/update/', page)
        if refs:
            verb = "needs" if len(refs) == 1 else "need"
            assert f"{len(refs)} of your actions {verb} an update" in page
        else:
            assert "All your actions have an update" in page
        return refs

    def chase(self, when):
        """{who: [refs]} as the clerk's chase list shows it, and the page."""
        url = reverse("plans:chase", args=[SLUG, when.year, when.month])
        page = self.client("clerk").get(url).content.decode()
        body = page.partition('<tbody class="govuk-table__body">')[2].partition("</tbody>")[0]
        listed = {}
        for row in body.split('<tr class="govuk-table__row">')[1:]:
            who = re.search(r'<th scope="row"[^>]*>\s*(.*?)<br>', row, re.S).group(1)
            listed[who] = re.findall(rf'href="/plans/{SLUG}/actions/([^/"]+)/"', row)
        return listed, page

    def emails(self):
        """{recipient: (subject, [refs listed], cc)} for the emails sent since last asked."""
        found = {}
        for message in mail.outbox:
            lines = [line for line in message.body.splitlines() if line.startswith("- ")]
            refs = [line.split()[1] for line in lines]
            for line in lines:
                assert re.search(r" – (due .+ \(by \d+ \w+ \d{4}\)|no due date)$", line), line
            assert message.to[0] not in found
            found[message.to[0]] = (message.subject, refs, message.cc)
        mail.outbox.clear()
        return found

    def report(self, code):
        """{status label or "No update": count} of the quarterly report for `code`."""
        report = workflow.request_report(
            plan=self.plan, period=periods.parse(periods.QUARTERLY, code), by=self.people["clerk"]
        )
        report.refresh_from_db()
        assert report.state == Report.State.READY, report.failure_reason
        labels = {str(s["id"]): s["label"] for s in report.snapshot["statuses"]}
        overall = report.snapshot["overall"]
        counts = {labels[pk]: count for pk, count in overall["by_status"].items()}
        return {**counts, "No update": overall["no_update"]}

    # What people do.

    def open_round(self, when, due):
        response = self.client("clerk").post(
            reverse("plans:round_open", args=[SLUG]),
            {
                "month_0": "1",
                "month_1": str(when.month),
                "month_2": str(when.year),
                "due_0": str(due.day),
                "due_1": str(due.month),
                "due_2": str(due.year),
            },
        )
        self.saved(response)
        return Round.objects.get(plan=self.plan, month=when)

    def close_round(self, round_):
        # The function behind the clerk's button: its confirmation page is changing elsewhere.
        rounds.close_round(round_=round_, by=self.people["clerk"])

    def update(self, name, ref, when, status, narrative="", **fields):
        """Save one update through the action's own form; returns the response."""
        action = self.actions[ref]
        current = Update.objects.filter(action=action, month=when).first()
        data = {
            "version": current.version if current else 0,
            "narrative": narrative,
            "confirm_dates": "on",
            **fields,
        }
        if status:
            data["status"] = self.status(status).pk
        url = reverse("plans:update", args=[SLUG, ref, when.year, when.month])
        response = self.client(name).post(url, data)
        self.saved(response)
        return response

    def update_all(self, name, rows):
        """Save rows {ref: (status, narrative)} through the all-my-actions page."""
        data = {}
        for ref, (status, narrative) in rows.items():
            prefix = f"a{self.actions[ref].pk}"
            data |= {
                f"{prefix}-version": 0,
                f"{prefix}-status": self.status(status).pk,
                f"{prefix}-narrative": narrative,
                f"{prefix}-confirm_dates": "on",
            }
        response = self.client(name).post(reverse("plans:update_all", args=[SLUG]), data)
        self.saved(response)
        page = self.client(name).get(response["Location"])
        assert f"Saved {len(rows)} update" in page.content.decode(), (page.status_code, page)


class FormsChecks:
    """What the update forms do month after month: date warnings judged against the month
    reported on, and last month's status carried forward."""

    def __init__(self, year):
        self.year = year

    def late_update_is_judged_against_its_month(self, ref, when):
        """A June update of an action due in July, saved in October, is not overdue: it saves
        with no warning about the dates and no box to tick."""
        self.year.update("hana", ref, when, "On track", "Policy consulted on.", confirm_dates="")
        saved = Update.objects.get(action=self.year.actions[ref], month=when)
        assert saved.revisions.get().confirmed_warnings == ""

    def form_opens_with_last_months_status(self, name, ref, when, label):
        url = reverse("plans:update", args=[SLUG, ref, when.year, when.month])
        page = self.year.client(name).get(url).content.decode()
        chosen = re.search(r'<input[^>]*name="status"[^>]*checked[^>]*>', page)
        assert chosen and f'value="{self.year.status(label).pk}"' in chosen.group(0)

    def no_change_without_a_status_keeps_last_months(self, name, ref, when, label):
        self.year.update(name, ref, when, None, no_change="on")
        saved = Update.objects.get(action=self.year.actions[ref], month=when)
        assert (saved.status.label, saved.no_change) == (label, True)


def walk(year, forms):
    people, plan = year.people, year.plan
    dana, frank = people["dana"], people["frank"]
    # April 2024: the first round. Everyone with actions is emailed, one line per action.
    apr = month("2024-04")
    year.on("2024-05-01")
    april = year.open_round(apr, datetime.date(2024, 5, 10))
    sent = year.emails()
    assert {to: refs for to, (_, refs, _) in sent.items()} == {
        "dana@example.org": ["HR.1", "HR.2"],
        "frank@example.org": ["FIN.1", "FIN.2"],
        "hana@example.org": ["HOU.1", "HOU.2", "HOU.3"],
    }
    assert sent["dana@example.org"][0] == "2 actions need your April 2024 update by 10 May"
    assert year.home("dana") == ["HR.1", "HR.2"]
    listed, page = year.chase(apr)
    assert listed == {
        "Dana Smith": ["HR.1", "HR.2"],
        "Frank Lee": ["FIN.1", "FIN.2"],
        "Hana Khan": ["HOU.1", "HOU.2", "HOU.3"],
        "Payroll manager": ["HR.3"],
        "No lead officer": ["X.1"],
    }
    assert "Nobody holds this post" in page
    assert reverse("admin:plans_action_change", args=[year.actions["X.1"].pk]) in page

    year.on("2024-05-03")
    year.update_all("dana", {"HR.1": ("On track", "Drafting."), "HR.2": ("On track", "Planned.")})
    assert year.home("dana") == []
    year.update("frank", "FIN.1", apr, "On track", "Budget set.")
    year.update("frank", "FIN.2", apr, "On track", "Tender drafted.")
    year.update_all("hana", {"HOU.1": ("On track", "Drafting."), "HOU.2": ("On track", "Begun.")})
    # Due soon: only Hana still owes one.
    call_command("send_due_reminders", "--date", "2024-05-07", stdout=StringIO())
    assert {to: refs for to, (_, refs, _) in year.emails().items()} == {
        "hana@example.org": ["HOU.3"]
    }
    # The clerk chases her: the page says exactly who is emailed and who cannot be.
    year.on("2024-05-08")
    response = year.client("clerk").post(
        reverse("plans:remind", args=[SLUG, 2024, 4]), {}, follow=True
    )
    told = response.content.decode()
    assert "1 reminder email on its way, to Hana Khan." in told
    assert "nobody holds the post Payroll manager (1 action)" in told
    assert "1 action with no lead officer" in told
    assert list(year.emails()) == ["hana@example.org"]
    year.on("2024-05-12")  # after the due date: late, but the round is still open
    year.update("hana", "HOU.3", apr, "On hold", "Waiting for the review board.")
    year.on("2024-05-15")
    year.close_round(april)

    # May: Dana names Cal her delegate; he is copied and writes one of hers. Hana's survey
    # is set N/A, which the administrator has just set not to be asked while it holds (On
    # hold stays asked every month).
    may = month("2024-05")
    year.on("2024-06-03")
    Status.objects.filter(plan=plan, label="N/A").update(asked=Status.Asked.NOT_WHILE_HELD)
    assert year.client("dana").post(reverse("plans:delegate"), {"delegate": people["cal"].pk})[
        "Location"
    ] == reverse("home")
    may_round = year.open_round(may, datetime.date(2024, 6, 10))
    sent = year.emails()
    assert sent["dana@example.org"][1:] == (["HR.1", "HR.2"], ["cal@example.org"])
    assert sent["hana@example.org"][1] == ["HOU.1", "HOU.2", "HOU.3"]  # On hold: asked
    assert year.home("cal") == ["HR.1", "HR.2"]
    year.update("cal", "HR.1", may, "On track", "Consultation closed.")
    written = Update.objects.get(action=year.actions["HR.1"], month=may)
    assert (written.author, written.on_behalf_of) == (people["cal"], dana)
    year.update("dana", "HR.2", may, "On track", "Training booked.")
    year.update("frank", "FIN.1", may, "On track", "On budget.")
    year.update("frank", "FIN.2", may, "On track", "Tender out.")
    year.update_all(
        "hana",
        {
            "HOU.1": ("On track", "Consultation."),
            "HOU.2": ("N/A", "Survey replaced by the national scheme."),
            "HOU.3": ("On hold", "Still waiting."),
        },
    )
    year.on("2024-06-14")
    year.close_round(may_round)

    # June: HOU.2 is N/A, so Hana is not asked about it. Dana completes HR.1. Hana misses
    # HOU.1, and the round closes without it.
    jun = month("2024-06")
    year.on("2024-07-01")
    june = year.open_round(jun, datetime.date(2024, 7, 10))
    assert year.emails()["hana@example.org"][1] == ["HOU.1", "HOU.3"]
    assert year.home("hana") == ["HOU.1", "HOU.3"]
    forms.form_opens_with_last_months_status("dana", "HR.1", jun, "On track")
    year.update("dana", "HR.1", jun, "Complete", "Strategy adopted by Cabinet.")
    year.update("dana", "HR.2", jun, "On track", "Managers trained.")
    year.update("frank", "FIN.1", jun, "On track", "Quarter one on budget.")
    year.update("frank", "FIN.2", jun, "Medium progress", "Tender late.")
    year.update("hana", "HOU.3", jun, "On hold", "Board meets in September.")
    year.on("2024-07-15")
    listed, _ = year.chase(jun)
    assert listed == {
        "Hana Khan": ["HOU.1"],
        "Payroll manager": ["HR.3"],
        "No lead officer": ["X.1"],
    }
    year.close_round(june)
    # Quarter 1 (April to June) goes to committee.
    year.on("2024-07-16")
    assert year.report("2024-Q1") == {
        "On track": 3,  # HR.2, FIN.1, and HOU.1 (its May update, June's being missing)
        "Medium progress": 1,  # FIN.2
        "Complete": 1,  # HR.1
        "N/A": 1,  # HOU.2, since May
        "On hold": 1,  # HOU.3
        "No update": 2,  # HR.3, X.1
    }

    # July: HR.1 is done, so Dana is asked only about HR.2, which she closes with evidence.
    jul = month("2024-07")
    year.on("2024-08-01")
    july = year.open_round(jul, datetime.date(2024, 8, 9))
    sent = year.emails()
    assert sent["dana@example.org"][1] == ["HR.2"]
    assert sent["dana@example.org"][0] == "1 action needs your July 2024 update by 9 August"
    assert year.home("dana") == ["HR.2"]
    assert year.home("cal") == ["HR.2"]
    year.update(
        "dana",
        "HR.2",
        jul,
        "Closed",
        "Every appraisal done; report to committee.",
        evidence_link="https://example.org/appraisals-report",
    )
    for ref, status in [("FIN.1", "On track"), ("FIN.2", "Medium progress")]:
        year.update("frank", ref, jul, status, "As before.")
    year.update_all("hana", {"HOU.1": ("On track", "Adopted."), "HOU.3": ("On hold", "Waiting.")})
    year.on("2024-08-15")
    year.close_round(july)

    # August: Dana owes nothing, and gets no email. She confirms "no change" on the closed
    # HR.2 anyway: July's evidence still stands. Frank leaves before updating.
    aug = month("2024-08")
    year.on("2024-09-02")
    august = year.open_round(aug, datetime.date(2024, 9, 10))
    sent = year.emails()
    assert "dana@example.org" not in sent
    assert sent["frank@example.org"][1] == ["FIN.1", "FIN.2"]
    assert year.home("dana") == []
    page = year.client("dana").get(reverse("plans:update_all", args=[SLUG])).content.decode()
    assert page.count("No August 2024 update needed") == 2
    year.update("dana", "HR.2", aug, "Closed", no_change="on")
    forms.no_change_without_a_status_keeps_last_months("hana", "HOU.3", aug, "On hold")
    year.update("hana", "HOU.1", aug, "On track", "Lettings under the new policy.")
    year.on("2024-09-05")
    frank.is_active = False  # Frank has left the council
    frank.save()
    listed, page = year.chase(aug)
    assert listed == {
        "Head of Finance": ["FIN.1", "FIN.2"],
        "Payroll manager": ["HR.3"],
        "No lead officer": ["X.1"],
    }
    response = year.client("clerk").post(
        reverse("plans:remind", args=[SLUG, 2024, 8]), {}, follow=True
    )
    told = response.content.decode()
    assert "No reminder emails were sent." in told
    assert "nobody holds the post Head of Finance (2 actions)" in told
    assert year.emails() == {}
    year.on("2024-09-15")
    year.close_round(august)

    # September: Finance is vacant; nobody is emailed about it, and the chase list says so.
    sep = month("2024-09")
    year.on("2024-10-01")
    september = year.open_round(sep, datetime.date(2024, 10, 10))
    assert sorted(year.emails()) == ["hana@example.org"]
    year.update_all("hana", {"HOU.1": ("On track", "Working."), "HOU.3": ("On hold", "Waiting.")})
    listed, _ = year.chase(sep)
    assert listed == {
        "Head of Finance": ["FIN.1", "FIN.2"],
        "Payroll manager": ["HR.3"],
        "No lead officer": ["X.1"],
    }
    year.on("2024-10-15")
    year.close_round(september)
    # The clerk reopens June for the Housing update missed then; Hana writes it in October.
    year.on("2024-10-16")
    rounds.reopen_round(round_=june, by=people["clerk"], reason="Housing update missed")
    forms.late_update_is_judged_against_its_month("HOU.1", jun)
    year.close_round(june)
    # Quarter 2 (July to September).
    assert year.report("2024-Q2") == {
        "On track": 2,  # HOU.1, and FIN.1 (July: nobody has written since)
        "Medium progress": 1,  # FIN.2 (July)
        "Complete": 1,  # HR.1, since June
        "Closed": 1,  # HR.2, since July
        "N/A": 1,  # HOU.2, since May
        "On hold": 1,  # HOU.3
        "No update": 2,  # HR.3, X.1
    }

    # October: Nia takes the Head of Finance post. Dana reopens HR.1 for a second phase.
    oct_ = month("2024-10")
    year.on("2024-11-01")
    october = year.open_round(oct_, datetime.date(2024, 11, 8))
    assert sorted(year.emails()) == ["hana@example.org"]
    year.on("2024-11-04")
    finance = factories.Post.objects.get(name="Head of Finance")
    finance.holders.remove(frank)
    finance.holders.add(people["nia"])
    assert year.home("nia") == ["FIN.1", "FIN.2"]
    listed, _ = year.chase(oct_)
    assert listed["Nia Patel"] == ["FIN.1", "FIN.2"]
    year.client("clerk").post(reverse("plans:remind", args=[SLUG, 2024, 10]), {})
    assert sorted(year.emails()) == ["hana@example.org", "nia@example.org"]
    year.update("dana", "HR.1", oct_, "On track", "Second phase: workforce plan refresh.")
    year.update_all("nia", {"FIN.1": ("On track", "Handover."), "FIN.2": ("On track", "Signed.")})
    year.update_all("hana", {"HOU.1": ("On track", "Working."), "HOU.3": ("On hold", "Waiting.")})
    year.on("2024-11-15")
    year.close_round(october)

    # November: the reopened HR.1 is asked for again. The clerk corrects May's budget line.
    nov = month("2024-11")
    year.on("2024-12-02")
    november = year.open_round(nov, datetime.date(2024, 12, 10))
    sent = year.emails()
    assert {to: refs for to, (_, refs, _) in sent.items()} == {
        "dana@example.org": ["HR.1"],
        "nia@example.org": ["FIN.1", "FIN.2"],
        "hana@example.org": ["HOU.1", "HOU.3"],
    }
    year.on("2024-12-05")
    year.update(
        "clerk", "FIN.1", may, "Medium progress", "Restated: £0.4m overspend.", reason="Restated"
    )
    revision = UpdateRevision.objects.filter(
        update__action=year.actions["FIN.1"], update__month=may
    )
    assert revision.latest("version").reason == "Restated"
    assert "HR.1" in year.home("dana")
    routine(year)
    year.on("2024-12-16")
    year.close_round(november)

    # December to March: routine rounds, Dana completing HR.1 again in February.
    for text, opened, due in [
        ("2024-12", "2025-01-02", "2025-01-10"),
        ("2025-01", "2025-02-03", "2025-02-10"),
        ("2025-02", "2025-03-03", "2025-03-10"),
        ("2025-03", "2025-04-01", "2025-04-10"),
    ]:
        this = month(text)
        year.on(opened)
        round_ = year.open_round(this, datetime.date.fromisoformat(due))
        sent = year.emails()
        expected_dana = [] if this > month("2025-02") else ["HR.1"]
        assert sent.get("dana@example.org", (None, []))[1] == expected_dana
        assert year.home("dana") == expected_dana
        for name in ("nia", "hana"):  # each email lists what the home page lists
            assert sent[f"{name}@example.org"][1] == year.home(name)
        if this == month("2025-02"):
            year.update("dana", "HR.1", this, "Complete", "Workforce plan refreshed.")
        routine(year)
        year.on(due)
        assert set(year.chase(this)[0]) == {"Payroll manager", "No lead officer"}
        year.close_round(round_)
        if this == month("2024-12"):
            year.on("2025-01-16")
            assert year.report("2024-Q3") == {
                "On track": 4,  # HR.1, FIN.1, FIN.2, HOU.1
                "Closed": 1,
                "N/A": 1,
                "On hold": 1,
                "No update": 2,
            }
    year.on("2025-04-16")
    assert year.report("2024-Q4") == {
        "On track": 3,  # FIN.1, FIN.2, HOU.1
        "Complete": 1,  # HR.1 again
        "Closed": 1,
        "N/A": 1,
        "On hold": 1,
        "No update": 2,
    }


def routine(year):
    """Everyone writes what their home page says they owe, "On track" or "On hold"."""
    for name in ("dana", "nia", "hana"):
        owed = year.home(name)
        if owed:
            statuses = {"HOU.3": "On hold"}
            year.update_all(
                name, {ref: (statuses.get(ref, "On track"), "As planned.") for ref in owed}
            )
        assert year.home(name) == []


@pytest.fixture
def year(db):
    with time_machine.travel(moment("2024-04-01"), tick=False) as traveller:
        yield Year(traveller)


def test_a_year_of_rounds(year):
    walk(year, FormsChecks(year))
