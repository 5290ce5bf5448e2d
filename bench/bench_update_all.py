"""How fast the all-my-actions page saves a lead officer's whole month in one go.

    .venv/bin/python bench/bench_update_all.py              # 30 actions, 30 runs
    .venv/bin/python bench/bench_update_all.py --actions 60 --runs 50

Builds a plan in a throwaway SQLite database with production-like settings (DEBUG off, cached
templates), gives one lead officer --actions actions with last month's update, opens a round,
then --runs times: clears the month's updates and posts the page with every row filled in.
Prints the median and slowest server time of the save (the POST, up to its redirect), of
showing the page (the GET), and the SQL queries each makes. Target: saving 30 actions in
300 ms or less (median) on SQLite.
"""

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE = Path(tempfile.gettempdir()) / "bench-update-all.sqlite3"
os.environ.update(
    DJANGO_SETTINGS_MODULE="tracker.settings",
    DATABASE_URL=f"sqlite:///{DATABASE}",
    DEBUG="false",
    SECRET_KEY="bench-only-not-a-secret",
    SECURE_HTTPS="false",
    ALLOWED_HOSTS="testserver",
    STATICFILES_BACKEND="django.contrib.staticfiles.storage.StaticFilesStorage",
    TASKS_BACKEND="django_tasks.backends.dummy.DummyBackend",
    LOG_LEVEL="WARNING",
)

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from plans.models import Action, Plan, Post, Round, Theme, Update, UpdateRevision  # noqa: E402
from plans.updates import save_update  # noqa: E402
from tracker import roles  # noqa: E402
from tracker.models import User  # noqa: E402

JAN, FEB = datetime.date(2024, 1, 1), datetime.date(2024, 2, 1)
# Due at the end of next year and projected a month late, so "Medium progress" fits the dates
# whenever this runs and no row stops for a warning.
NEXT_YEAR = datetime.date.today().year + 1


def build(count):
    """A plan with `count` actions led by one officer, each with a January update, and an
    open February round. Returns (plan, a client signed in as the officer)."""
    plan = Plan.objects.create(name="Bench plan", slug="bench", organisation="Bench Council")
    plan.add_default_statuses()
    theme = Theme.objects.create(plan=plan, name="Organisational culture")
    post = Post.objects.create(name="Head of HR")
    officer = User.objects.create_user("lead", "lead@example.org", "x" * 16, first_name="Dana")
    officer.groups.add(Group.objects.get(name=roles.LEAD_OFFICER))
    post.holders.add(officer)
    on_track = plan.statuses.get(code="ON")
    for number in range(1, count + 1):
        action = Action.objects.create(
            plan=plan,
            theme=theme,
            ref=f"OC.A{number}.1",
            title=f"Action number {number} of the organisational culture theme",
            lead_officer=post,
            start_text="Apr-23",
            due_text=f"Dec-{NEXT_YEAR % 100:02d}",
            sort_order=number,
        )
        save_update(
            action=action,
            month=JAN,
            status=on_track,
            narrative="Progress as planned; the next step is the March Cabinet report.",
            author=officer,
        )
    Round.objects.create(plan=plan, month=FEB, due=datetime.date(2024, 3, 8))
    client = Client()
    client.force_login(officer)
    return plan, client


def form_data(plan):
    medium = plan.statuses.get(code="MED").pk
    data = {}
    for action in Action.objects.filter(plan=plan):
        prefix = f"a{action.pk}"
        data.update(
            {
                f"{prefix}-version": 0,
                f"{prefix}-status": medium,
                f"{prefix}-narrative": f"February: {action.ref} slipped a month; new date agreed.",
                f"{prefix}-projected_completion_0": "31",
                f"{prefix}-projected_completion_1": "1",
                f"{prefix}-projected_completion_2": str(NEXT_YEAR + 1),
            }
        )
    return data


def clear_month():
    UpdateRevision.objects.filter(update__month=FEB).delete()
    Update.objects.filter(month=FEB).delete()


def timed(request):
    start = time.perf_counter()
    response = request()
    return (time.perf_counter() - start) * 1000, response


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=30)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    DATABASE.unlink(missing_ok=True)
    call_command("migrate", verbosity=0)
    plan, client = build(args.actions)
    url = reverse("plans:update_all", args=[plan.slug])
    data = form_data(plan)

    saves, shows = [], []
    for _ in range(args.runs):
        clear_month()
        shown, page = timed(lambda: client.get(url))
        assert page.status_code == 200
        shows.append(shown)
        took, response = timed(lambda: client.post(url, data))
        assert response.status_code == 302, response.content.decode()[-1500:]
        assert Update.objects.filter(month=FEB).count() == args.actions
        saves.append(took)

    clear_month()
    with CaptureQueriesContext(connection) as get_queries:
        client.get(url)
    with CaptureQueriesContext(connection) as post_queries:
        client.post(url, data)

    print(f"All-my-actions page, {args.actions} actions, {args.runs} runs, SQLite ({DATABASE})")
    print(
        f"  save all (POST): median {statistics.median(saves):6.1f} ms, "
        f"slowest {max(saves):6.1f} ms, {len(post_queries)} queries "
        f"({len(post_queries) / args.actions:.1f} per action)"
    )
    print(
        f"  show page (GET): median {statistics.median(shows):6.1f} ms, "
        f"slowest {max(shows):6.1f} ms, {len(get_queries)} queries"
    )
    verdict = "meets" if statistics.median(saves) <= 300 else "MISSES"
    print(f"  target: save median <= 300 ms for 30 actions: {verdict}")
    DATABASE.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
