"""CACHE_URL: two web processes sharing one Redis page cache. A page one process rendered is
served by the other from the cache, and a save through either makes both show the new words."""

import re

import pytest

from tests.faults.conftest import django, serving
from tests.faults.test_races import Browser

REDIS = "redis://127.0.0.1:6379/14"
PLAN = "/plans/improvement-plan/"

HELD = """
from plans.models import Action
action = Action.objects.filter(
    plan__slug="improvement-plan", lead_officer__name="Head of HR", children__isnull=True
).order_by("pk").first()
print(json.dumps({"ref": action.ref, "status": action.plan.statuses.get(label="On track").pk}))
"""


@pytest.fixture(scope="module")
def database_name():
    return "tracker_shared_cache"


@pytest.fixture
def redis_cache():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS)
    try:
        client.flushdb()
    except redis.ConnectionError as error:
        pytest.skip(f"no Redis at {REDIS}: {error}")
    yield client
    client.flushdb()


def page_keys(client):
    return {key for key in client.scan_iter("tracker:*browse:*")}


def results(body):
    """The tracker's results, without the page's frame (its CSRF token differs)."""
    return re.search(r"<main.*?</main>", body, re.S)[0]


def test_one_process_serves_the_others_page_and_a_save_in_either_stales_both(app_env, redis_cache):
    env = {**app_env, "CACHE_URL": REDIS}
    held = django(env, HELD)
    form = f"{PLAN}actions/{held['ref']}/update/2024/2/"
    with serving(env, workers=1) as first, serving(env, workers=1) as second:
        reader_first = Browser(first, env, "councillor", PLAN)
        status, page_first, _ = reader_first.request("GET", PLAN)
        assert status == 200
        rendered = page_keys(redis_cache)
        assert rendered, "the first process kept nothing in Redis"

        reader_second = Browser(second, env, "councillor", PLAN)
        status, page_second, _ = reader_second.request("GET", PLAN)
        assert status == 200
        assert page_keys(redis_cache) == rendered  # served from what the first one kept
        assert results(page_second) == results(page_first)

        lead = Browser(second, env, "lead", form)
        words = "Shared cache check: the new policy went to Cabinet."
        status, _, _ = lead.post(
            form,
            {"status": held["status"], "narrative": words, "confirm_dates": "on", "version": 0},
        )
        assert status == 302
        status, page, _ = reader_first.request("GET", PLAN)
        assert status == 200 and words in page
        assert page_keys(redis_cache) - rendered  # drawn again, and kept for the other
