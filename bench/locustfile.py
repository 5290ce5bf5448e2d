"""Users for bench/load_test.py: councillors browsing and filtering, lead officers saving.

Users start signed in (the driver makes their sessions), so the figures are about browsing
and saving, not password hashing. Each save writes a narrative with a unique token and, once the server has answered that it
saved, records the token in LOAD_SAVED_LOG; the driver then checks each token is stored once.
"""

import os
import random
import re
import uuid

from locust import HttpUser, between, events, task

PLAN = os.environ.get("LOAD_PLAN", "bench-plan")
MONTH = os.environ["LOAD_MONTH"]  # "2024/12": the open round
SAVED_LOG = os.environ["LOAD_SAVED_LOG"]
INPUT = re.compile(r"<input\b[^>]*>")
ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')
ACTION_LINK = re.compile(rf'href="/plans/{PLAN}/actions/([^/"]+)/"')
saved = []


def sign_in(user, username):
    """Use the session the driver signed in ahead of time."""
    user.client.cookies.set("sessionid", os.environ[f"LOAD_SESSION_{username}"])


class Councillor(HttpUser):
    fixed_count = 20
    wait_time = between(0.5, 2)

    def on_start(self):
        self.number = next(COUNCILLORS)
        sign_in(self, f"councillor{self.number}")
        page = self.client.get(f"/plans/{PLAN}/", name="tracker")
        self.refs = ACTION_LINK.findall(page.text) or ["T0.1"]

    @task(4)
    def tracker(self):
        self.client.get(f"/plans/{PLAN}/", name="tracker")

    @task(4)
    def filtered(self):
        query = random.choice(["rag=red", "rag=amber", "q=deliver", "overdue=on", "theme=1"])
        self.client.get(f"/plans/{PLAN}/?{query}", name="tracker filtered")

    @task(2)
    def dashboard(self):
        self.client.get(f"/plans/{PLAN}/dashboard/", name="dashboard")

    @task(3)
    def action(self):
        self.client.get(f"/plans/{PLAN}/actions/{random.choice(self.refs)}/", name="action")


class LeadOfficer(HttpUser):
    fixed_count = 5
    wait_time = between(1, 3)

    def on_start(self):
        self.number = next(LEADS)
        sign_in(self, f"lead{self.number}")
        self.refs = os.environ[f"LOAD_REFS_{self.number}"].split(",")

    @task
    def save_update(self):
        ref = random.choice(self.refs)
        url = f"/plans/{PLAN}/actions/{ref}/update/{MONTH}/"
        form = self.client.get(url, name="update form")
        inputs = [dict(ATTRIBUTE.findall(tag)) for tag in INPUT.findall(form.text)]
        values = {i.get("name"): i.get("value") for i in inputs if i.get("type") != "radio"}
        statuses = [i["value"] for i in inputs if i.get("name") == "status"]
        token, version = values.get("csrfmiddlewaretoken"), values.get("version")
        if not (token and version and statuses):
            events.request.fire(
                request_type="CHECK",
                name="update form fields",
                response_time=0,
                response_length=0,
                exception=AssertionError(f"no form on {url}"),
            )
            return
        narrative = f"Load test update {uuid.uuid4()}"
        with self.client.post(
            url,
            {
                "csrfmiddlewaretoken": token,
                "version": version,
                "status": statuses[0],
                "narrative": narrative,
                "confirm_dates": "on",
            },
            name="save update",
            catch_response=True,
            allow_redirects=False,
        ) as answer:
            if answer.status_code == 302:
                saved.append(narrative)
                answer.success()
            else:
                answer.failure(f"save answered {answer.status_code}")


def counter():
    number = 0
    while True:
        number += 1
        yield number


COUNCILLORS, LEADS = counter(), counter()


@events.test_stop.add_listener
def write_saved(**kwargs):
    with open(SAVED_LOG, "a") as log:
        log.writelines(f"{token}\n" for token in saved)
