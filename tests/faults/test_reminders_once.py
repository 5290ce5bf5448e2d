"""Two web processes and two task workers against one PostgreSQL never send the same
reminder twice, however often the clerk clicks and the daily job runs."""

import email
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

from tests.faults.conftest import ROOT, django, free_port, session_for


def start_web(env):
    port = free_port()
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    process = subprocess.Popen(
        [gunicorn, "-c", "tracker/gunicorn.py", "tracker.wsgi", "--access-logfile", "/dev/null"],
        env={**env, "PORT": str(port), "GUNICORN_WORKERS": "2"},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{base}/health/", timeout=1)
            return process, base
        except OSError:
            time.sleep(0.2)
    process.kill()
    pytest.fail("web process did not start")


def remind_everyone(base, session, chase):
    """What the clerk's "Remind everyone" button does, through the real form and its CSRF."""
    page = urllib.request.urlopen(
        urllib.request.Request(f"{base}{chase}", headers={"Cookie": f"sessionid={session}"})
    )
    csrf = re.search(r"csrftoken=([^;]+)", page.headers.get("Set-Cookie", ""))[1]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode())[1]
    request = urllib.request.Request(
        f"{base}{chase}remind/",
        data=urllib.parse.urlencode({"csrfmiddlewaretoken": token, "user": ""}).encode(),
        headers={"Cookie": f"sessionid={session}; csrftoken={csrf}", "Referer": base + chase},
    )
    return urllib.request.urlopen(request).status


def sent_messages(folder):
    messages = []
    for path in Path(folder).glob("*.log"):
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                message = email.message_from_string(chunk.strip())
                messages.append((message["To"], message["Subject"]))
    return messages


def test_reminders_go_once_with_two_web_processes_and_two_workers(app_env):
    env = app_env
    session = session_for(env, "clerk")
    chase = "/plans/improvement-plan/rounds/2024/2/chase/"
    webs = [start_web(env) for _ in range(2)]
    workers = [
        subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--interval", "0.2"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(2)
    ]
    try:
        clicks = []

        def click(base):
            for _ in range(3):
                clicks.append(remind_everyone(base, session, chase))

        def daily_job():
            subprocess.run(
                [sys.executable, "manage.py", "send_due_reminders", "--date", "2024-03-05"],
                env=env,
                cwd=ROOT,
                check=True,
                capture_output=True,
            )

        threads = [threading.Thread(target=click, args=(base,)) for _, base in webs]
        threads += [threading.Thread(target=daily_job) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert clicks == [200] * 6
        for _ in range(150):
            left = django(
                env,
                "from django_tasks_db.models import DBTaskResult\n"
                "print(DBTaskResult.objects.exclude(status__in=['SUCCESSFUL', 'FAILED']).count())",
            )
            if left == 0:
                break
            time.sleep(0.2)
        assert left == 0, "the workers did not finish the queue"
    finally:
        for process in workers + [process for process, _ in webs]:
            process.terminate()
            process.wait(timeout=30)

    messages = sent_messages(env["EMAIL_FILE_PATH"])
    assert messages, "no reminder was sent at all"
    claims = django(
        env,
        "from plans.models import Reminder\n"
        "print(json.dumps(list(Reminder.objects.values_list('user__email', 'kind'))))",
    )
    # Each person got one "due soon" reminder and one chase, whatever the clicks and runs...
    assert (
        sorted(Counter(kind for _, kind in claims).values()) == [len({to for to, _ in claims})] * 2
    )
    assert len(claims) == len(set(map(tuple, claims)))
    # ...and exactly one email for each.
    assert Counter(to for to, _ in messages) == Counter(to for to, _ in claims)
    failed = django(
        env,
        "from django_tasks_db.models import DBTaskResult\n"
        "print(DBTaskResult.objects.filter(status='FAILED').count())",
    )
    assert failed == 0
