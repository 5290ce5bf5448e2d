from django.conf import settings
from django.urls import reverse

from tracker import policy


def service(request):
    """The service's name and the navigation a person's role allows."""
    user = request.user
    items = []
    if policy.may_view(user):
        items.append(("Home", reverse("home")))
        items.append(("Plans", reverse("plans:index")))
        items.append(("Reports", reverse("reports:index")))
    if policy.may_manage(user):
        items.append(("People", reverse("people:list")))
        items.append(("Import", reverse("plans:import")))
        items.append(("Admin", reverse("admin:index")))
    if user.is_authenticated:
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
    }
