"""What people are emailed beyond the reminders: their email settings, following actions and
themes (for alerts, plans/alerts.py), and sending a month's committee digests now
(plans/digests.py)."""

from django import forms
from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from plans import digests
from plans.models import Action, EmailSettings, Follow, Theme
from plans.views.rounds import round_or_404
from tracker import policy


class EmailSettingsForm(forms.ModelForm):
    class Meta:
        model = EmailSettings
        fields = ["alerts", "digest"]


@policy.rule("view")
@require_http_methods(["GET", "POST"])
def email_settings(request):
    """Turn alerts on or off, ask for the monthly committee digest, and see what you follow."""
    current = EmailSettings.objects.filter(user=request.user).first() or EmailSettings(
        user=request.user
    )
    form = EmailSettingsForm(request.POST if request.method == "POST" else None, instance=current)
    if form.is_valid():
        form.save()
        messages.success(request, "Your email settings are saved.")
        return redirect("plans:email_settings")
    follows = Follow.objects.filter(user=request.user).select_related("action__plan", "theme__plan")
    return render(request, "plans/email_settings.html", {"form": form, "follows": follows})


def _follow(request, target, **which):
    """Follow `target` (an action or a theme, named in `which`) or, with follow=no, stop."""
    with transaction.atomic():
        if request.POST.get("follow") == "no":
            for follow in Follow.objects.filter(user=request.user, **which):
                follow.delete()  # one by one, so the history keeps each
            messages.success(request, f"You no longer follow {target}.")
        else:
            Follow.objects.get_or_create(user=request.user, **which)
            messages.success(
                request,
                f"You follow {target}: you will be emailed when an action turns red or passes "
                "its due date.",
            )


@policy.rule("view")
@require_POST
def follow_action(request, slug, ref):
    action = get_object_or_404(Action, plan__slug=slug, ref=ref)
    _follow(request, action.ref, action=action)
    return redirect(action)


@policy.rule("view")
@require_POST
def follow_theme(request, slug, pk):
    theme = get_object_or_404(Theme.objects.select_related("plan"), plan__slug=slug, pk=pk)
    _follow(request, f"the theme {theme.name}", theme=theme)
    back = request.POST.get("back", "")
    action = Action.objects.filter(plan=theme.plan, ref=back, theme=theme).first()
    return redirect(action or theme.plan)


@policy.rule("run")
@require_POST
def send_digests(request, slug, year, month):
    """Send the round's month's committee digests now; anyone sent it already is skipped."""
    round_ = round_or_404(slug, year, month)
    digests.send_digests.enqueue(round_.plan_id, round_.month.isoformat())
    messages.success(
        request,
        f"The {round_.month:%B %Y} committee digests are being sent. Anyone sent theirs "
        "already is not sent it again.",
    )
    return redirect(round_)
