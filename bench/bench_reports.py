"""Committee report benchmark: the quarterly report for 500 and 2,000 actions, against WeasyPrint
alone rendering the same HTML as the floor.

    .venv/bin/python bench/bench_reports.py            # both sizes
    .venv/bin/python bench/bench_reports.py 500        # one size

For each size a fresh SQLite database gets a plan from tests.generate (24 months of updates).
Then, each in a fresh process so that peak memory is that process's own maximum resident size:
- "build" runs what the task runs (compose the snapshot, render the draft's HTML, WeasyPrint,
  store file, checksum and snapshot), publishes the report (the publishing task renders the
  snapshot again without the draft mark) and times re-downloading the published PDF;
- "floor" gives the draft's HTML, the one the build lays out, to WeasyPrint alone.
"build/floor" is the whole build against one WeasyPrint render of the same HTML. Our own
cost within it is composing (queries to snapshot) and the HTML (snapshot to templates),
timed on their own in the build process and shown as a share of the floor. Publishing is
timed on its own: it is one render more, paid once per report rather than once per draft.
CPU seconds are printed beside wall seconds: on a shared machine they are the steadier
comparison.

The report carries a cover report and commentary, as a real one does.

Targets: 500 actions in 10 s and 300 MB with the build at most 1.15 times the floor; 2,000
actions in 40 s and 500 MB; a re-download of a published report in milliseconds.
"""

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PERIOD = "2024-Q3"  # October to December 2024: the generator's last month is December 2024


def setup_django():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    django.setup()


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def child(kind, actions, folder):
    folder = Path(folder)
    html_path = folder / f"report-{actions}.html"
    setup_django()
    if kind == "plan":
        from django.core.management import call_command

        from tests.generate import build_plan

        call_command("migrate", verbosity=0)
        build_plan(actions=int(actions), months=24)
        result = {}
    elif kind == "floor":
        from reports import pdf

        html = html_path.read_text()
        start, cpu = time.perf_counter(), cpu_seconds()
        rendered = pdf.html_to_pdf(html)
        result = {
            "seconds": time.perf_counter() - start,
            "cpu": cpu_seconds() - cpu,
            "peak_mb": peak_mb(),
            "pages": rendered.pages,
        }
    else:
        result = build(html_path)
    print(json.dumps(result))


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def build(html_path):
    """What the task does, then publishing and downloads; the final HTML goes to html_path."""
    from django.contrib.auth.models import Group
    from django.test import Client

    from plans.models import Plan, Priority, Theme
    from reports import compose, pdf, wording, workflow
    from reports.models import Report
    from reports.tasks import build_report
    from tracker import roles
    from tracker.models import User

    clerk = User.objects.get_or_create(username="bench-clerk")[0]
    clerk.groups.add(Group.objects.get(name=roles.PERFORMANCE_OFFICER))
    councillor = User.objects.get_or_create(username="bench-councillor")[0]
    councillor.groups.add(Group.objects.get(name=roles.COUNCILLOR))
    report = Report.objects.create(
        plan=Plan.objects.get(slug="bench-plan"), kind="quarterly", period=PERIOD
    )
    # Officers' words as a real report has them: commentary and a cover report.
    paragraph = "Officer commentary on what drove these figures and what happens next. " * 6
    groups = [f"priority:{n}" for n in Priority.objects.values_list("name", flat=True)] or [
        f"theme:{n}" for n in Theme.objects.values_list("name", flat=True)
    ]
    words = {key: paragraph for key in ["summary", "recommendations", *groups]}
    words |= {field.key: paragraph for field in wording.COVER + wording.IMPLICATIONS}
    words[wording.RISKS] = [["A risk to delivery", "H", "H", paragraph, "M", "M"]] * 5
    wording.save(report=report, values=words, versions={}, by=clerk)
    start, cpu = time.perf_counter(), cpu_seconds()
    state = build_report.call(report.pk)
    result = {
        "seconds": time.perf_counter() - start,
        "cpu": cpu_seconds() - cpu,
        "peak_mb": peak_mb(),
    }
    report.refresh_from_db()
    assert state == "ready", report.failure_reason
    # The floor lays out what the build lays out: the draft, with its mark.
    html_path.write_text(pdf.print_html(report.snapshot, draft=True))

    # Our own part of the build timed again on its own: queries to snapshot, snapshot to
    # HTML. The rest is WeasyPrint, then storing the file.
    start = time.perf_counter()
    snapshot = compose.compose(
        plan=report.plan, period=report.period_obj, words=wording.snapshot(report)
    )
    composed = time.perf_counter()
    pdf.print_html(snapshot, draft=True)
    result.update(compose=composed - start, html=time.perf_counter() - composed)

    start = time.perf_counter()
    report = workflow.publish(report, by=clerk, sha256=report.draft_sha256)
    result["publish"] = time.perf_counter() - start
    assert report.state == "published", report.failure_reason
    result.update(
        pages=report.pages,
        mb=report.size / 1e6,
        download_ms=_download_ms(Client(), report, councillor),
    )
    return result


def _download_ms(client, report, user):
    """Median time to download the published PDF through the app, as a councillor would."""
    client.force_login(user)
    url = f"/reports/{report.pk}/report.pdf"
    client.get(url)  # the first request warms up URL resolving and the session
    timings = []
    for _ in range(10):
        start = time.perf_counter()
        body = b"".join(client.get(url).streaming_content)
        timings.append((time.perf_counter() - start) * 1000)
        assert len(body) == report.size
    return statistics.median(timings)


def measure(kind, actions, folder):
    env = {
        **os.environ,
        "SECRET_KEY": "benchmark",
        "DEBUG": "false",
        "SECURE_HTTPS": "false",
        # Publishing queues its task; here it runs in the publishing call, to be timed.
        "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "ALLOWED_HOSTS": "testserver",
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "MEDIA_ROOT": str(Path(folder) / "media"),
        "DATABASE_URL": os.environ.get(
            "DATABASE_URL", f"sqlite:///{Path(folder) / f'bench-{actions}.sqlite3'}"
        ),
    }
    run = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(actions), str(folder)],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if run.returncode:
        sys.exit(f"The {kind} step failed:\n{run.stderr}")
    return json.loads(run.stdout.strip().splitlines()[-1])


def main(sizes):
    print(
        f"{'actions':>8} {'pages':>6} {'PDF MB':>7} {'build s':>8} {'(CPU)':>6} {'peak MB':>8} "
        f"{'floor s':>8} {'(CPU)':>6} {'floor MB':>9} {'compose s':>10} {'HTML s':>7} "
        f"{'ours/floor':>11} {'build/floor':>12} {'(CPU)':>6} {'publish s':>10} "
        f"{'download ms':>12}"
    )
    with tempfile.TemporaryDirectory() as folder:
        for actions in sizes:
            measure("plan", actions, folder)
            build = measure("build", actions, folder)
            floor = measure("floor", actions, folder)
            ours = (build["compose"] + build["html"]) / floor["seconds"]
            print(
                f"{actions:>8} {build['pages']:>6} {build['mb']:>7.1f} {build['seconds']:>8.2f} "
                f"{build['cpu']:>6.2f} {build['peak_mb']:>8.0f} {floor['seconds']:>8.2f} "
                f"{floor['cpu']:>6.2f} {floor['peak_mb']:>9.0f} {build['compose']:>10.2f} "
                f"{build['html']:>7.2f} {ours:>11.1%} {build['seconds'] / floor['seconds']:>12.2f} "
                f"{build['cpu'] / floor['cpu']:>6.2f} {build['publish']:>10.2f} "
                f"{build['download_ms']:>12.1f}"
            )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(*sys.argv[2:5])
    else:
        main([int(size) for size in sys.argv[1:]] or [500, 2000])
