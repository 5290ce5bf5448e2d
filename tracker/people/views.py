"""The People pages: administrators list, add, import, invite and hand on people in the
service's own GOV.UK pages rather than the Django admin."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from plans.excel.errors import ImportFileError
from tracker import policy, roles
from tracker.models import Invitation, User
from tracker.people import importer, invitations, leavers
from tracker.people.forms import HandOnForm, PeopleFilter, PersonForm, UploadForm

PER_PAGE = 50
SESSION_KEY = "people_import"
# A person's fields their history shows, with what to call them.
HISTORY_FIELDS = {
    "first_name": "First name",
    "last_name": "Last name",
    "email": "Email",
    "is_active": "Active",
    "delegate": "Delegate",
    "initials": "Initials",
}


def status(person):
    """Active, invited, not yet invited or deactivated, in words."""
    if not person.is_active:
        return "Deactivated"
    if person.last_login:
        return "Active"
    return "Invited" if person.invitations.all() else "Not invited"


def role_names(person):
    return [g.name for g in person.groups.all() if g.name in roles.ALL]


@policy.rule("manage")
@require_safe
def people(request):
    everyone = User.objects.select_related("delegate").prefetch_related(
        "groups", "posts", Prefetch("invitations", queryset=Invitation.objects.only("person"))
    )
    filters = PeopleFilter(request.GET or None, queryset=everyone)
    page = Paginator(filters.qs, PER_PAGE).get_page(request.GET.get("page"))
    rows = [(person, role_names(person), status(person)) for person in page]
    uninvited = invitations.uninvited(User.objects.all()).count()
    return render(
        request,
        "people/people.html",
        {"filters": filters, "page": page, "rows": rows, "uninvited": uninvited},
    )


@policy.rule("manage")
def add(request):
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = form.save(by=request.user)
        if form.cleaned_data["invite"]:
            invitations.invite([person], by=request.user)
            messages.success(request, f"{person} was added and invited by email.")
        else:
            messages.success(request, f"{person} was added. Invite them when you are ready.")
        return redirect("people:person", person.pk)
    return render(
        request,
        "people/add.html",
        {"form": form, "single_sign_on": invitations.single_sign_on()},
    )


@policy.rule("manage")
def import_people(request):
    """Upload a staff list: the preview of what it would change, kept in the session for
    the confirmation."""
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["staff_list"]
        try:
            rows, problems = importer.read(upload, upload.name)
        except ImportFileError as error:
            form.add_error("staff_list", str(error))
        else:
            found = importer.preview(rows, problems)
            request.session[SESSION_KEY] = {
                "name": upload.name,
                "rows": importer.as_data(rows),
                "problems": problems,
            }
            return render(
                request, "people/import_preview.html", {"found": found, "name": upload.name}
            )
    return render(request, "people/import.html", {"form": form})


@policy.rule("manage")
@require_POST
def import_confirm(request):
    """Import the list previewed, as it compares now: all of it, or nothing when it has
    problems (someone may have changed a person since the preview)."""
    kept = request.session.get(SESSION_KEY)
    if not kept:
        messages.error(request, "Upload the staff list again: its preview has expired.")
        return redirect("people:import")
    found = importer.preview(importer.from_data(kept["rows"]), kept["problems"])
    if found.problems:
        return render(request, "people/import_preview.html", {"found": found, "name": kept["name"]})
    touched = importer.load(found, by=request.user)
    del request.session[SESSION_KEY]
    messages.success(
        request,
        f"{len(found.new)} people added and {len(found.changed)} changed from {kept['name']}."
        if touched
        else f"Nothing changed: everyone in {kept['name']} was already up to date.",
    )
    return redirect("people:list")


@policy.rule("manage")
@require_POST
def invite(request):
    """Invite one person (`person`), or everyone not yet invited (`everyone`)."""
    if request.POST.get("everyone"):
        chosen = list(invitations.uninvited(User.objects.all()))
        back = reverse("people:list")
    else:
        pk = request.POST.get("person", "")
        if not pk.isdigit():
            raise Http404("No person given.")
        chosen = [get_object_or_404(User, pk=pk, is_active=True)]
        back = reverse("people:person", args=[chosen[0].pk])
    chosen = [person for person in chosen if person.email]
    sent = invitations.invite(chosen, by=request.user)
    if sent:
        messages.success(request, f"{sent} invitation{'s' if sent != 1 else ''} sent by email.")
    else:
        messages.error(request, "Nobody was invited: there is no email address to send to.")
    return HttpResponseRedirect(back)


@policy.rule("manage")
@require_safe
def person(request, pk):
    person = get_object_or_404(
        User.objects.select_related("delegate").prefetch_related("groups"), pk=pk
    )
    posts = list(person.posts.all())
    return render(
        request,
        "people/person.html",
        {
            "person": person,
            "roles": role_names(person),
            "status": status(person),
            "posts": posts,
            "actions": leavers.actions_of(posts),
            "invitations": person.invitations.select_related("invited_by"),
            "history": history(person),
            "delegators": person.delegators.all(),
        },
    )


def history(person):
    """The person's recorded versions, newest first: when, who, why, and the fields changed."""
    records = list(person.history.select_related("history_user", "delegate"))[::-1]
    entries = []
    for previous, record in zip([None, *records], records, strict=False):
        changes = []
        if previous is not None:
            delta = record.diff_against(previous, included_fields=list(HISTORY_FIELDS))
            for change in delta.changes:
                old, new = (
                    (previous.delegate, record.delegate)
                    if change.field == "delegate"
                    else (change.old, change.new)
                )
                changes.append((HISTORY_FIELDS[change.field], _word(old), _word(new)))
        reason = record.history_change_reason or ("Added" if previous is None else "Changed")
        # A save that changed none of the fields shown (signing in, say) is not news.
        if changes or reason != "Changed":
            entries.append(
                {
                    "when": record.history_date,
                    "who": record.history_user,
                    "reason": reason,
                    "changes": changes,
                }
            )
    return entries[::-1]


def _word(value):
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value) if value not in (None, "") else "(none)"


@policy.rule("manage")
def leave(request, pk):
    """Deactivate and hand on: choose successors, confirm what moves, then do it all at once."""
    leaver = get_object_or_404(User, pk=pk, is_active=True)
    form = HandOnForm(request.POST if request.method == "POST" else None, leaver=leaver)
    if request.method == "POST" and form.is_valid():
        successors = form.successors()
        if request.POST.get("confirm") == "yes":
            leavers.hand_on(leaver, successors, by=request.user)
            messages.success(
                request,
                f"{leaver} is deactivated"
                + (f"; their {len(successors)} post(s) were handed on." if successors else "."),
            )
            return redirect("people:person", leaver.pk)
        return render(
            request,
            "people/leave_confirm.html",
            {"leaver": leaver, "form": form, "moving": leavers.moving(leaver, successors)},
        )
    return render(request, "people/leave.html", {"leaver": leaver, "form": form})


class AcceptView(auth_views.PasswordResetConfirmView):
    """An invited person chooses their password from the link in their invitation: Django's
    password reset page, with the invitation's own token, which stops working once used."""

    token_generator = invitations.tokens
    template_name = "people/accept.html"
    success_url = reverse_lazy("login")

    def form_valid(self, form):
        response = super().form_valid(form)
        form.user.invitations.filter(accepted_at__isnull=True).update(accepted_at=timezone.now())
        messages.success(
            self.request, "Your password is set. Sign in with your username and password."
        )
        return response
