"""Bulk changes to the tracker's filtered actions, for administrators: choose the actions and
what to set, see exactly what changes, then confirm (plans/bulk.py writes it)."""

from django import forms
from django.contrib import messages
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from plans import bulk
from plans.filters import ActionFilter
from plans.models import Committee, Post
from plans.views.browse import _plan
from tracker import policy

LEAVE = "Leave as it is"


class ActionChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.ref} {obj.title}"


class BulkChangeForm(forms.Form):
    """Which of the filtered actions to change, and what to set on them: only the fields
    filled in change."""

    actions = ActionChoice(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        label="Actions to change",
        help_text="All the actions the tracker's filters found. Untick any to leave alone.",
        error_messages={"required": "Select at least one action to change"},
    )
    lead_officer = forms.ModelChoiceField(
        queryset=Post.objects.all(), required=False, empty_label=LEAVE, label="Lead officer post"
    )
    director = forms.ModelChoiceField(
        queryset=Post.objects.all(), required=False, empty_label=LEAVE, label="Director"
    )
    committee = forms.ModelChoiceField(
        queryset=Committee.objects.all(),
        required=False,
        empty_label=LEAVE,
        label="Committee",
        help_text="Replaces the committees the actions have now.",
    )
    member_lead = forms.CharField(
        required=False, max_length=200, label="Member lead", help_text="Leave empty to keep it."
    )
    due_text = forms.CharField(
        required=False,
        max_length=100,
        label="Due date",
        help_text="As the plan writes it, for example March 2025 or 31/03/2025. Leave empty "
        "to keep it.",
    )

    def __init__(self, *args, actions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actions"].queryset = actions

    def clean_member_lead(self):
        return self.cleaned_data["member_lead"].strip()

    def clean_due_text(self):
        text = self.cleaned_data["due_text"].strip()
        if text:
            try:
                return bulk.check_due(text)
            except ValueError as error:
                raise forms.ValidationError(str(error)) from error
        return text

    def clean(self):
        if self.is_bound and not self.values() and not self.errors:
            raise forms.ValidationError(
                "Choose at least one thing to change: a lead officer post, director, "
                "committee, member lead or due date"
            )
        return self.cleaned_data

    def values(self):
        """The fields to set: those filled in."""
        return {
            name: self.cleaned_data[name]
            for name in bulk.FIELDS
            if self.cleaned_data.get(name) not in (None, "")
        }


@policy.rule("manage")
@require_http_methods(["GET", "POST"])
def change(request, slug):
    """GET: the filtered actions, all ticked, and the fields. POST: the confirmation of what
    changes; POST with confirm=yes: the change, then back to the tracker as filtered."""
    plan = _plan(slug)
    filters = ActionFilter(request.GET, plan=plan, today=timezone.localdate())
    if not filters.is_valid():
        return HttpResponseBadRequest("The tracker's filters are not valid.", "text/plain")
    actions = filters.qs.select_related("lead_officer", "director").prefetch_related("committees")
    query = request.GET.urlencode()
    back = reverse("plans:tracker", args=[plan.slug]) + (f"?{query}" if query else "")
    if request.method == "GET":
        form = BulkChangeForm(actions=actions, initial={"actions": [a.pk for a in actions]})
    else:
        form = BulkChangeForm(request.POST, actions=actions)
    context = {"plan": plan, "form": form, "back": back, "filters": filters}
    if not form.is_valid() or "edit" in request.POST:
        return render(request, "plans/bulk/change.html", context)
    chosen = form.cleaned_data["actions"]
    values = form.values()
    if request.POST.get("confirm") != "yes":
        changes = bulk.changes(chosen, values)
        return render(
            request,
            "plans/bulk/confirm.html",
            {**context, "changes": changes, "count": len({c.action.pk for c in changes})},
        )
    made = bulk.apply(chosen, values, by=request.user)
    count = len({change.action.pk for change in made})
    messages.success(
        request, f"{count} action{'s' if count != 1 else ''} changed. Each action's page shows it."
    )
    return redirect(back)
