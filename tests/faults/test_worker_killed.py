"""A task worker killed while it builds a committee report leaves no half-written report:
the report shows as failed with the reason, and building it again gives a whole PDF."""

import base64
import io
import signal
import subprocess
import sys
import time

from pypdf import PdfReader

from tests.faults.conftest import ROOT, django

REQUEST = """
from plans.models import Plan
from reports import periods, workflow
from tracker.models import User
report = workflow.request_report(
    plan=Plan.objects.get(slug="improvement-plan"),
    period=periods.parse("quarterly", "2023-Q3"),
    by=User.objects.get(username="clerk"),
)
print(json.dumps(report.pk))
"""


def state(env, pk):
    return django(
        env,
        "from reports.models import Report\n"
        f"r = Report.objects.get(pk={pk})\n"
        "print(json.dumps([r.state, r.shown_state, r.shown_failure_reason, r.draft_file.name, "
        "r.draft_sha256]))",
    )


def worker(env):
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.1"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_a_worker_killed_mid_report_leaves_it_failed_with_a_reason_and_a_retry_builds_it(app_env):
    env = app_env
    pk = django(env, REQUEST)
    process = worker(env)
    try:
        for _ in range(600):
            if state(env, pk)[0] == "running":
                break
            time.sleep(0.05)
        else:
            raise AssertionError("the worker never started the report")
        process.send_signal(signal.SIGKILL)  # as the kernel's OOM killer or a lost machine would
        process.wait(timeout=10)
    finally:
        process.kill()

    stored, shown, reason, file, sha256 = state(env, pk)
    assert (stored, file, sha256) == ("running", "", "")  # nothing half-written

    # Fifteen minutes later the clerk sees it failed, with the reason, and may retry.
    django(
        env,
        "import datetime\nfrom reports.models import Report\n"
        f"Report.objects.filter(pk={pk}).update(started_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))\n"
        "print(1)",
    )
    stored, shown, reason, file, sha256 = state(env, pk)
    assert shown == "failed" and "never finished: the worker building it stopped" in reason
    assert django(
        env,
        "from reports.models import Report\nfrom reports import workflow\n"
        f"print(json.dumps(workflow.build_again(Report.objects.get(pk={pk}))))",
    )
    process = worker(env)
    try:
        for _ in range(600):
            stored, shown, reason, file, sha256 = state(env, pk)
            if stored in ("ready", "failed"):
                break
            time.sleep(0.1)
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert stored == "ready", reason
    pdf = django(
        env,
        "import base64\nfrom reports.models import Report\n"
        f"print(json.dumps(base64.b64encode(Report.objects.get(pk={pk}).draft_file.read()).decode()))",
    )
    reader = PdfReader(io.BytesIO(base64.b64decode(pdf)))
    assert len(reader.pages) >= 2
