"""PostgreSQL restarts under traffic: the app answers errors cleanly while it is down and
recovers by itself, without a restart of its own."""

import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.faults.conftest import session_for


def get(url, cookie=None):
    """(status, body) for a GET; a refused or dropped connection fails the test."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=15) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def restart_postgresql():
    cluster = Path("/etc/postgresql")
    if not shutil.which("pg_ctlcluster") or not cluster.exists():
        pytest.skip("pg_ctlcluster is not available to restart PostgreSQL")
    version = sorted(p.name for p in cluster.iterdir())[0]
    subprocess.run(
        [
            "pg_ctlcluster",
            "--skip-systemctl-redirect",
            version,
            "main",
            "restart",
            "--mode",
            "fast",
        ],
        check=True,
        capture_output=True,
    )


def test_the_app_answers_cleanly_while_postgresql_restarts_and_recovers(server, app_env):
    cookie = f"sessionid={session_for(app_env, 'councillor')}"
    tracker = f"{server}/plans/improvement-plan/"
    assert get(tracker, cookie)[0] == 200

    answers = []
    stop = threading.Event()

    def traffic():
        while not stop.is_set():
            answers.append((time.monotonic(), *get(tracker, cookie)))
            answers.append((time.monotonic(), *get(f"{server}/health/")))
            time.sleep(0.05)

    worker = threading.Thread(target=traffic)
    worker.start()
    time.sleep(1)
    restarted_at = time.monotonic()
    restart_postgresql()
    back_at = time.monotonic()
    time.sleep(5)
    stop.set()
    worker.join()

    statuses = {status for _, status, _ in answers}
    assert statuses <= {200, 500, 503}, statuses
    for _, status, body in answers:
        if status == 500:
            assert "Sorry, there is a problem with the service" in body
    # Once PostgreSQL is back, the app serves again by itself within a couple of seconds.
    settled = [(status, when) for when, status, _ in answers if when > back_at + 2]
    assert settled and all(status == 200 for status, _ in settled), settled[:5]
    during = [status for when, status, _ in answers if restarted_at <= when <= back_at + 2]
    assert during, "no requests were made while PostgreSQL restarted"
