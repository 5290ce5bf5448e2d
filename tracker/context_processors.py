from django.conf import settings
from django.urls import reverse

from tracker import policy


def service(request):
    """The service's name, the navigation a person's role allows, and the footer's links."""
    user = request.user
    items = []
    # Until a sign-in's second step is done, only signing out leads anywhere.
    signed_in = user.is_authenticated and not policy.second_step_owed(request)
    if signed_in and policy.may_view(user):
        items.append(("Home", reverse("home")))
        items.append(("Plans", reverse("plans:index")))
        items.append(("Reports", reverse("reports:index")))
    if signed_in and policy.may_manage(user):
        items.append(("People", reverse("people:list")))
        items.append(("Import", reverse("plans:import")))
        items.append(("Posts", reverse("posts:index")))
        items.append(("Admin", reverse("admin:index")))
    # Accounts single sign-on created have no password to change (nor a second factor).
    if signed_in and settings.PASSWORD_SIGN_IN and user.has_usable_password():
        items.append(("Change password", reverse("password_change")))
    path = request.path
    # The item whose address is the longest start of this page's address is the current one.
    matches = [url for _, url in items if path == url or (url != "/" and path.startswith(url))]
    current = max(matches, key=len, default=None)
    nav = [{"label": label, "url": url, "active": url == current} for label, url in items]
    return {
        "service_name": settings.SERVICE_NAME,
        "organisation_name": settings.ORGANISATION_NAME,
        "service_nav": nav,
        "footer": footer_links(),
    }


def footer_links():
    """Where the footer and the phase banner send people: the addresses set in the
    environment, or the built-in pages (tracker/pages.py)."""
    help_url = settings.HELP_URL or reverse("help")
    contact = settings.CONTACT_EMAIL
    return {
        "help_url": help_url,
        "privacy_url": settings.PRIVACY_NOTICE_URL or reverse("privacy"),
        "contact": contact,
        "feedback_url": settings.FEEDBACK_URL or (f"mailto:{contact}" if contact else help_url),
    }
