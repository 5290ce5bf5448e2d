"""Real-browser tests: Debian's Chromium driven by Playwright against Django's live server,
with every visited page held to axe-core (WCAG 2.x A and AA), the W3C Nu HTML checker, and
no sideways scrolling at 320 px wide and at 200% zoom.

Never downloads a browser: it uses /usr/bin/chromium and skips, saying why, without it.
"""

import io
import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command

# Playwright's sync API keeps an event loop on the test thread; the ORM calls the tests make
# there are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
ARTIFACTS = ROOT / "test-artifacts"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
DEMO_PASSWORD = "demo-tracker-2024"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(
            "Chromium is not installed (apt-get install chromium; `make test` does it as root)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield launched
        launched.close()


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def html_checker():
    """The W3C Nu HTML checker as a local web service, started once per session."""
    java = shutil.which("java")
    if not java or not VNU.exists():
        pytest.skip("The Nu HTML checker needs java and node_modules/vnu-jar (npm ci)")
    port = _free_port()
    process = subprocess.Popen(
        [java, "-Xss1024k", "-cp", str(VNU), "nu.validator.servlet.Main", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/?out=json"
    # Up to 3 minutes: on a busy machine the checker takes well over one to start.
    for _ in range(360):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
            break
        except OSError:
            time.sleep(0.5)
    else:
        process.kill()
        pytest.fail("The Nu HTML checker did not start")

    def check(html):
        request = urllib.request.Request(
            url, data=html.encode(), headers={"Content-Type": "text/html; charset=utf-8"}
        )
        with urllib.request.urlopen(request, timeout=60) as answer:
            messages = json.load(answer)["messages"]
        return [m for m in messages if m["type"] == "error"]

    yield check
    process.kill()


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())


class Checked:
    """A signed-in browser page that checks every page it lands on."""

    def __init__(self, page, html_checker, role):
        self.page = page
        self.check_html = html_checker
        self.role = role
        self.seen = []

    def goto(self, path):
        response = self.page.goto(path)
        assert response.ok, f"{path} answered {response.status}"
        self.check()
        return response

    def check(self):
        """axe-core, the Nu checker, and reflow at 320 px and 200% zoom, for the current page."""
        page = self.page
        url = page.url
        self.seen.append(url)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
        )
        violations = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"]
        ]
        assert not violations, f"axe-core on {url} as {self.role}:\n" + "\n".join(violations)

        html = page.context.request.get(url).text()
        errors = [f"line {e.get('lastLine')}: {e['message']}" for e in self.check_html(html)]
        assert not errors, f"Nu HTML checker on {url}:\n" + "\n".join(errors)

        size = page.viewport_size
        # 1280 px at 200% zoom lays out like a 640 px wide window.
        for width in (320, 640):
            page.set_viewport_size({"width": width, "height": 800})
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{url} scrolls sideways by {overflow}px at {width}px wide"
        page.set_viewport_size(size)


@pytest.fixture
def visit(browser, live_server, html_checker, demo, settings):
    """visit("councillor") is a checked page signed in as that demo user (None: signed out).
    The demo's staff have no authenticator app, so two-factor is not required here, as in
    `make run`; tests/e2e/test_two_factor.py turns it back on."""
    settings.TWO_FACTOR_REQUIRED = False
    contexts = []

    def make(username):
        # bypass_csp lets the test inject axe-core; the app's own pages still send the policy.
        context = browser.new_context(
            base_url=live_server.url,
            accept_downloads=True,
            bypass_csp=True,
            viewport={"width": 1280, "height": 900},
        )
        contexts.append(context)
        checked = Checked(context.new_page(), html_checker, username or "anonymous")
        checked.goto("/sign-in/")
        if username:
            checked.page.fill("#id_username", username)
            checked.page.fill("#id_password", DEMO_PASSWORD)
            checked.page.get_by_role("button", name="Sign in").click()
            checked.page.wait_for_load_state()
        return checked

    yield make
    for context in contexts:
        context.close()


def screenshot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
