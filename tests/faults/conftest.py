"""Fault tests run against real processes (gunicorn, task workers) on their own PostgreSQL
database, so they can restart and kill things without touching the suite's test database.
`.ci/run` runs them after the PostgreSQL suite: `pytest -m faults`."""

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVER_URL = os.environ.get("FAULTS_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/faults/" in str(item.fspath):
            item.add_marker(pytest.mark.faults)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def database_name():
    """The database a module's processes share; a module may name its own."""
    return "tracker_faults"


@pytest.fixture(scope="module")
def app_env(tmp_path_factory, database_name):
    """A fresh PostgreSQL database with the demo data, and the environment to serve it."""
    psycopg = pytest.importorskip("psycopg")
    name = database_name
    try:
        with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True, connect_timeout=3) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        pytest.skip(f"no PostgreSQL server at {SERVER_URL}: {error}")
    folder = tmp_path_factory.mktemp("faults")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        "DATABASE_URL": f"{SERVER_URL}/{name}",
        "SECRET_KEY": "faults-test-not-secret",
        "DEBUG": "false",
        "SECURE_HTTPS": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(folder / "static"),
        "MEDIA_ROOT": str(folder / "media"),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(folder / "mail"),
        "PYTHONPATH": str(ROOT),
        "LOG_LEVEL": "WARNING",
    }
    for command in (["migrate", "-v0"], ["seed_demo"], ["collectstatic", "--no-input", "-v0"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    return env


def django(env, code):
    """Run `code` in a fresh Django process on the test's database; return its last line as JSON."""
    out = subprocess.run(
        [sys.executable, "-c", f"import django, json\ndjango.setup()\n{code}"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def session_for(env, username):
    return django(
        env,
        f"""
from django.contrib.sessions.backends.db import SessionStore
from tracker.models import User
user = User.objects.get(username="{username}")
store = SessionStore()
store.update({{"_auth_user_id": str(user.pk), "_auth_user_backend":
    "django.contrib.auth.backends.ModelBackend", "_auth_user_hash": user.get_session_auth_hash()}})
store.create()
print(json.dumps(store.session_key))
""",
    )


@contextlib.contextmanager
def serving(app_env, workers=2):
    """gunicorn with `workers` workers on the test's database; gives its base URL."""
    port = free_port()
    env = {**app_env, "PORT": str(port), "GUNICORN_WORKERS": str(workers)}
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    process = subprocess.Popen(
        [gunicorn, "-c", "tracker/gunicorn.py", "tracker.wsgi", "--access-logfile", "/dev/null"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{base}/health/", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    try:
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def server(app_env):
    with serving(app_env) as base:
        yield base
