import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(code, **env):
    base = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**base, **env}, capture_output=True, text=True
    )


def test_the_web_app_refuses_to_start_without_a_secret_key():
    answer = run("import tracker.wsgi", DJANGO_SETTINGS_MODULE="tracker.settings")
    assert answer.returncode != 0
    assert "The SECRET_KEY setting must not be empty" in answer.stderr


def test_the_web_app_starts_with_one():
    answer = run(
        "import tracker.wsgi", DJANGO_SETTINGS_MODULE="tracker.settings", SECRET_KEY="x" * 50
    )
    assert answer.returncode == 0, answer.stderr


def test_a_malformed_setting_stops_start_up_naming_it():
    answer = run(
        "import tracker.wsgi",
        DJANGO_SETTINGS_MODULE="tracker.settings",
        SECRET_KEY="x",
        DEBUG="maybe",
    )
    assert "DEBUG must be true or false, not 'maybe'" in answer.stderr


def test_a_cache_url_that_is_not_redis_stops_start_up_naming_it():
    answer = run(
        "import tracker.wsgi",
        DJANGO_SETTINGS_MODULE="tracker.settings",
        SECRET_KEY="x" * 50,
        CACHE_URL="memcached://127.0.0.1:11211",
    )
    assert "CACHE_URL must be a redis:// or rediss:// address" in answer.stderr


def test_a_redis_cache_url_gives_every_process_one_redis_cache():
    answer = run(
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CACHES['default']['BACKEND'], settings.CACHES['default']['LOCATION'])",
        DJANGO_SETTINGS_MODULE="tracker.settings",
        SECRET_KEY="x" * 50,
        CACHE_URL="redis://127.0.0.1:6379/1",
    )
    assert answer.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "redis://127.0.0.1:6379/1",
    ], answer.stderr
