"""How fast the tracker, dashboard and action pages answer on big plans, beside the Django
admin's changelist showing the same rows.

    .venv/bin/python bench/bench_browse.py                 # 500 and 5,000 actions x 24 months
    .venv/bin/python bench/bench_browse.py --actions 500 --runs 30

Builds each plan (tests/generate.py) in a throwaway SQLite database with production-like
settings (DEBUG off, cached templates, the real cache), then for each page prints the median
server time over --runs requests and the number of SQL queries one request makes. "first view"
empties the cache before each request; "after an update" follows a saved update of another
action (what the load test's lead officers cause twice a second); "repeat view" is the same
page again, served from the cache until the plan's data changes. Targets, on a 2-core machine: tracker (500 actions) 80 ms
and 2.5 times faster than the admin changelist; dashboard 60 ms; action page 20 ms; a repeat
view 20 ms; at 5,000 actions no tracker page does more than about twice the 500-action work.
"""

import argparse
import functools
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE = Path(tempfile.gettempdir()) / "bench-browse.sqlite3"
os.environ.update(
    DJANGO_SETTINGS_MODULE="tracker.settings",
    DATABASE_URL=f"sqlite:///{DATABASE}",
    DEBUG="false",
    SECRET_KEY="bench-only-not-a-secret",
    SECURE_HTTPS="false",
    ALLOWED_HOSTS="testserver",
    STATICFILES_BACKEND="django.contrib.staticfiles.storage.StaticFilesStorage",
    LOG_LEVEL="WARNING",
)

import django  # noqa: E402

django.setup()

from django.contrib import admin  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from plans import versions  # noqa: E402
from plans.models import Action, Committee  # noqa: E402
from tests.generate import build_plan  # noqa: E402
from tracker import roles  # noqa: E402
from tracker.models import User  # noqa: E402


def client_for(username, role, **extra):
    user = User.objects.create_user(username, f"{username}@example.org", "x" * 16, **extra)
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    client = Client()
    client.force_login(user)
    return client


def measure(client, url, runs, before=None):
    """(median wall-clock ms, median CPU ms, queries in one request) for GET url, calling
    before() ahead of each request (untimed)."""
    client.get(url)  # compile templates, warm the database's pages
    if before:
        before()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    count = len(queries)  # now: later requests empty the connection's query log
    wall, cpu = [], []
    for _ in range(runs):
        if before:
            before()
        start, start_cpu = time.perf_counter(), time.process_time()
        client.get(url)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu), count


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, nargs="+", default=[500, 5000])
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    DATABASE.unlink(missing_ok=True)
    call_command("migrate", verbosity=0)
    councillor = client_for("bench-councillor", roles.COUNCILLOR)
    administrator = client_for("bench-admin", roles.ADMINISTRATOR)
    # The admin's "Show all" link stops at list_max_show_all rows; lift it so it shows them all.
    admin.site._registry[Action].list_max_show_all = 100_000

    print(f"SQLite, {args.months} months of updates, median of {args.runs} requests each.")
    print("ms: wall-clock server time. cpu: this process's CPU time, steadier on a busy machine.")
    print(f"Load average at the start: {os.getloadavg()[0]:.1f}.\n")
    print(f"{'page':<52} {'ms':>8} {'cpu':>8} {'queries':>8}")
    first_page = {}  # actions -> (ms, cpu) of the tracker's first view
    for count in args.actions:
        started = time.perf_counter()
        plan = build_plan(count, args.months, slug=f"bench-{count}")
        print(f"-- {count} actions (built in {time.perf_counter() - started:.1f} s)")
        ref = Action.objects.filter(plan=plan, parent__isnull=False).order_by("sort_order")[0].ref
        committee = Committee.objects.filter(actions__plan=plan).order_by("pk")[0].pk
        pages = [
            ("tracker, all actions on the page", f"/plans/{plan.slug}/"),
            ("tracker, sorted by due date", f"/plans/{plan.slug}/?sort=due"),
            ("tracker, search and status filter", f"/plans/{plan.slug}/?q=procurement&rag=red"),
            ("dashboard", f"/plans/{plan.slug}/dashboard/"),
            ("dashboard for a committee", f"/plans/{plan.slug}/dashboard/?committee={committee}"),
            ("action page", f"/plans/{plan.slug}/actions/{ref}/"),
        ]
        views = {
            "first view": cache.clear,
            # what a lead officer saving an update of another action leaves cached
            "after an update": functools.partial(versions.figure_changed, plan.pk),
            "repeat view": None,
        }
        for label, url in pages:
            for view, before in views.items():
                ms, cpu, queries = measure(councillor, url, args.runs, before)
                print(f"{label + ', ' + view:<52} {ms:>8.1f} {cpu:>8.1f} {queries:>8}")
                if url.endswith(f"{plan.slug}/") and view == "first view":
                    first_page[count] = (ms, cpu)
        url = f"/admin/plans/action/?plan__id__exact={plan.pk}&all="
        ms, cpu, queries = measure(administrator, url, args.runs, cache.clear)
        label = f"admin changelist, all {count} rows"
        print(f"{label:<52} {ms:>8.1f} {cpu:>8.1f} {queries:>8}")
        ours = first_page[count]
        print(
            f"   the tracker is {ms / ours[0]:.1f} times as fast as the admin changelist "
            f"({cpu / ours[1]:.1f} times in CPU time)"
        )
    if 500 in first_page:
        base = first_page[500]
        for count, (ms, cpu) in first_page.items():
            if count != 500:
                print(
                    f"-- the tracker's first page at {count} actions takes {ms / base[0]:.1f} "
                    f"times the 500-action time ({cpu / base[1]:.1f} times in CPU time)"
                )


if __name__ == "__main__":
    main()
