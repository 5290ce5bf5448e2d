"""The footer's pages, read by anyone signed in or not: the accessibility statement, the
privacy notice and help; and robots.txt. Each can point elsewhere instead, from the
environment (settings: HELP_URL, PRIVACY_NOTICE_URL); the council completes the built-in
ones' templates (templates/pages/)."""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from tracker import policy

# The pages the browser tests hold to axe-core (WCAG 2.2 A and AA), the W3C Nu HTML checker
# and reflow at 320 px wide and 200% zoom: (name, demo user who opens it or None for signed
# out, its address in the demo). The accessibility statement lists them as "how we tested",
# and tests/e2e/test_public.py visits every one.
CHECKED_PAGES = [
    ("Sign in", None, "/sign-in/"),
    ("A plan’s public page", None, "/public/improvement-plan/"),
    ("Accessibility statement", None, "/accessibility/"),
    ("Privacy notice", None, "/privacy/"),
    ("Help and contact", None, "/help/"),
    ("Home page", "councillor", "/"),
    ("Tracker", "councillor", "/plans/improvement-plan/"),
    ("An action and its updates", "councillor", "/plans/improvement-plan/actions/OC.A2.1/"),
    ("Dashboard", "councillor", "/plans/improvement-plan/dashboard/"),
    (
        "A committee’s actions",
        "councillor",
        "/plans/improvement-plan/committees/corporate-policy-and-resources/",
    ),
    ("Measures", "lead", "/plans/improvement-plan/measures/"),
    ("Writing all my updates", "lead", "/plans/improvement-plan/my-updates/"),
    ("Sources and recommendations", "clerk", "/plans/improvement-plan/sources/"),
    ("Update rounds", "clerk", "/plans/improvement-plan/rounds/"),
    ("Committee reports", "clerk", "/reports/"),
]

# Search engines may read the public pages and nothing else: the rest asks for a sign-in.
ROBOTS = "User-agent: *\nAllow: /public/\nDisallow: /\n"


@policy.rule("public")
@require_safe
def accessibility(request):
    return render(
        request,
        "pages/accessibility.html",
        {
            "checked": [name for name, _, _ in CHECKED_PAGES],
            "contact": settings.ACCESSIBILITY_CONTACT,
            "prepared": settings.ACCESSIBILITY_STATEMENT_DATE,
            "site_url": settings.SITE_URL,
        },
    )


@policy.rule("public")
@require_safe
def privacy(request):
    if settings.PRIVACY_NOTICE_URL:
        return redirect(settings.PRIVACY_NOTICE_URL)
    return render(
        request,
        "pages/privacy.html",
        {
            "contact": settings.CONTACT_EMAIL,
            "session_hours": settings.SESSION_COOKIE_AGE // 3600,
            "import_hours": settings.IMPORT_RETENTION_HOURS,
        },
    )


@policy.rule("public")
@require_safe
def help_page(request):
    if settings.HELP_URL:
        return redirect(settings.HELP_URL)
    return render(
        request,
        "pages/help.html",
        {"contact": settings.CONTACT_EMAIL, "failure_limit": settings.AXES_FAILURE_LIMIT},
    )


@policy.rule("public")
@require_safe
def robots(request):
    return HttpResponse(ROBOTS, content_type="text/plain; charset=utf-8")
