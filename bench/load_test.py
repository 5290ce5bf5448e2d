"""Load test: gunicorn (2 workers) on PostgreSQL with 500 actions × 24 months; for 60 s,
20 councillors browse and filter while 5 lead officers save updates (locust, headless).

    .venv/bin/pip install -e '.[bench]'      # locust
    .venv/bin/python bench/load_test.py [--seconds 60]

Needs PostgreSQL at $LOAD_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/tracker_load,
dropped and rebuilt) and the built stylesheet (`make install`). Each worker is warmed up,
uncounted, before measuring. Prints requests per second, p50/p95/p99 per page and the error
count, then checks every update the lead officers were told was saved is in the database
exactly once, and says whether each target was met: p95 ≤ 300 ms for pages, ≤ 500 ms for
saves, no errors, none lost. The server runs as docs/deploy.md says (tracker/gunicorn.py);
locust runs on the same machine, so on two cores it competes with the server for CPU.
"""

import argparse
import csv
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "load-test-password-2024"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(env):
    """Rebuild the database with the plan, 20 councillors and 5 lead officers. Returns
    {lead number: [refs they may update in the open round]} and the round's month."""
    import psycopg

    url = env["DATABASE_URL"]
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    script = f"""
import django, json
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from django.db.models import Count
from tests.generate import build_plan
from plans.models import Action, Post, Round
from tracker.models import User
plan = build_plan(actions=500, months=24)
round_ = Round.objects.get(plan=plan, closed_at__isnull=True)
councillor, lead = Group.objects.get(name="Councillor"), Group.objects.get(name="Lead officer")
leaves = Action.objects.filter(plan=plan, children__isnull=True)
busiest = (Post.objects.filter(pk__in=leaves.values("lead_officer"))
           .annotate(n=Count("pk")).order_by("name")[:5])

def session(user):
    # Signed in ahead of time: the test measures browsing and saving, not password hashing.
    store = SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    store["_auth_user_hash"] = user.get_session_auth_hash()
    store.create()
    return store.session_key

sessions, refs = {{}}, {{}}
for n in range(1, 21):
    user = User.objects.create_user(f"councillor{{n}}", password="{PASSWORD}")
    user.groups.add(councillor)
    sessions[f"councillor{{n}}"] = session(user)
for n, post in enumerate(busiest, start=1):
    user = User.objects.create_user(f"lead{{n}}", password="{PASSWORD}")
    user.groups.add(lead)
    post.holders.add(user)
    sessions[f"lead{{n}}"] = session(user)
    refs[n] = list(leaves.filter(lead_officer=post).values_list("ref", flat=True))
print(json.dumps({{"refs": refs, "sessions": sessions, "month": f"{{round_.month:%Y/%-m}}"}}))
"""
    out = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    # Fresh statistics, as autovacuum would gather within a minute of a real import: without
    # them PostgreSQL plans the first minute's queries for empty tables.
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")
    import json

    return json.loads(out.strip().splitlines()[-1])


def warm_up(port, prepared):
    """Visit every kind of page a few times, several at once so each worker sees them, before
    measuring: a fresh worker's first page (Python modules, templates, database connection)
    takes a second, which a server that has been running a while never shows. Not counted."""
    from concurrent.futures import ThreadPoolExecutor

    plan, ref = "/plans/bench-plan", prepared["refs"]["1"][0]
    pages = [
        ("councillor1", f"{plan}/"),
        ("councillor1", f"{plan}/?rag=red"),
        ("councillor1", f"{plan}/dashboard/"),
        ("councillor1", f"{plan}/actions/{ref}/"),
        ("lead1", f"{plan}/actions/{ref}/update/{prepared['month']}/"),
    ]

    def visit(page):
        user, path = page
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{path}",
            headers={"Cookie": f"sessionid={prepared['sessions'][user]}"},
        )
        urllib.request.urlopen(request, timeout=30).read()

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(visit, pages * 4))


def percentile_rows(stats_csv):
    with open(stats_csv) as file:
        return list(csv.DictReader(file))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60)
    args = parser.parse_args()
    if not (ROOT / "static" / "css" / "app.css").exists():
        sys.exit("The stylesheet is not built: run `make install` first.")
    folder = Path(tempfile.mkdtemp(prefix="load-"))
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        "DATABASE_URL": os.environ.get(
            "LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tracker_load"
        ),
        "SECRET_KEY": "load-test-not-secret",
        "DEBUG": "false",
        "SECURE_HTTPS": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(folder / "static"),
        "PORT": str(port),
        "GUNICORN_WORKERS": "2",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    print("Building 500 actions × 24 months on PostgreSQL…", flush=True)
    prepared = prepare(env)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        env=env,
        cwd=ROOT,
        check=True,
    )
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            "tracker/gunicorn.py",
            "tracker.wsgi",
            "--access-logfile",
            str(folder / "access.log"),
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        warm_up(port, prepared)
        saved_log = folder / "saved.txt"
        load_env = {
            **env,
            "LOAD_PASSWORD": PASSWORD,
            "LOAD_MONTH": prepared["month"],
            "LOAD_SAVED_LOG": str(saved_log),
            **{f"LOAD_REFS_{n}": ",".join(refs) for n, refs in prepared["refs"].items()},
            **{f"LOAD_SESSION_{name}": key for name, key in prepared["sessions"].items()},
        }
        print(f"Driving 20 councillors and 5 lead officers for {args.seconds} s…", flush=True)
        subprocess.run(
            [
                str(Path(sys.executable).parent / "locust"),
                "-f",
                "bench/locustfile.py",
                "--headless",
                "-u",
                "25",
                "-r",
                "25",
                "-t",
                f"{args.seconds}s",
                "--host",
                f"http://127.0.0.1:{port}",
                "--csv",
                str(folder / "load"),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            env=load_env,
            cwd=ROOT,
            check=False,
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    rows = percentile_rows(folder / "load_stats.csv")
    print(
        f"\n{'page':<22}{'requests':>9}{'errors':>8}{'rps':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
    )
    for row in rows:
        print(
            f"{row['Name']:<22}{row['Request Count']:>9}{row['Failure Count']:>8}"
            f"{float(row['Requests/s']):>8.1f}{row['50%']:>8}{row['95%']:>8}{row['99%']:>8}"
        )
    failures = folder / "load_failures.csv"
    if failures.exists():
        for row in percentile_rows(failures):
            print(f"error: {row['Method']} {row['Name']}: {row['Error']} ({row['Occurrences']}×)")
    tokens = saved_log.read_text().split("\n") if saved_log.exists() else []
    tokens = [token for token in tokens if token]
    check = f"""
import django, json
django.setup()
from plans.models import UpdateRevision
tokens = json.loads(open("{folder / "tokens.json"}").read())
counts = {{t: 0 for t in tokens}}
for narrative in UpdateRevision.objects.filter(narrative__in=tokens).values_list("narrative", flat=True):
    counts[narrative] += 1
print(json.dumps({{"saved": len(tokens), "exactly_once": sum(c == 1 for c in counts.values()),
                  "missing": sum(c == 0 for c in counts.values()), "duplicated": sum(c > 1 for c in counts.values())}}))
"""
    import json

    (folder / "tokens.json").write_text(json.dumps(tokens))
    result = (
        subprocess.run(
            [sys.executable, "-c", check],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    print(f"\nUpdates the lead officers saved, found in the database: {result}")
    print(verdict(rows, json.loads(result)))


# p95 targets in milliseconds: every page read, and saving an update.
TARGETS = {"pages": 300, "saves": 500}


def verdict(rows, found):
    """One line per target: met or not, with the figure that decides it."""
    pages = [row for row in rows if row["Name"] not in ("Aggregated", "save update")]
    saves = [row for row in rows if row["Name"] == "save update"]
    lines = []
    for label, chosen in (("pages", pages), ("saves", saves)):
        worst = max(chosen, key=lambda row: int(row["95%"]), default=None)
        if worst is None:
            lines.append(f"p95 of {label}: no requests")
            continue
        p95, limit = int(worst["95%"]), TARGETS[label]
        lines.append(
            f"p95 of {label} ≤ {limit} ms: {'met' if p95 <= limit else 'NOT met'} "
            f"(worst {p95} ms, {worst['Name']})"
        )
    errors = sum(int(row["Failure Count"]) for row in rows if row["Name"] == "Aggregated")
    lines.append(f"errors: {errors}; lost: {found['missing']}; stored twice: {found['duplicated']}")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
