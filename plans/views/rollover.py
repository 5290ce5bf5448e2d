"""Rolling a plan into the next financial year, for administrators: a preview of what is
carried and what is left, then the roll (plans/rollover.py)."""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from plans import dates, rollover
from plans.models import Plan
from tracker import policy


class RolloverForm(forms.Form):
    year = forms.CharField(label="Financial year", max_length=20, help_text="For example, 2024/25")
    name = forms.CharField(label="Name of the new plan", max_length=200)
    slug = forms.SlugField(
        label="Short name of the new plan",
        max_length=50,
        help_text="Used in its web address: lower-case letters, numbers and hyphens",
    )

    def clean_year(self):
        year = dates.financial_year_in_text(self.cleaned_data["year"])
        if year is None:
            raise forms.ValidationError("Enter the financial year as 2024/25")
        return year


@policy.rule("manage")
@require_http_methods(["GET", "POST"])
def rollover_plan(request, slug):
    """GET: the form and the preview it gives (the form sends GET, so the preview can be
    redone freely). POST with confirm=yes: the roll, then the new plan's page."""
    plan = get_object_or_404(Plan, slug=slug)
    year = rollover.default_year(plan, timezone.localdate())
    defaults = {
        "year": dates.year_label(year),
        "name": rollover.default_name(plan, year),
        "slug": rollover.default_slug(plan, year),
    }
    given = request.POST if request.method == "POST" else request.GET
    form = RolloverForm({**defaults, **{k: v for k, v in given.items() if k in defaults}})
    found = None
    if form.is_valid():
        found = rollover.preview(plan, **form.cleaned_data)
        if request.method == "POST":
            if request.POST.get("confirm") != "yes":
                query = urlencode({k: given[k] for k in defaults if k in given})
                return redirect(reverse("plans:rollover", args=[plan.slug]) + f"?{query}")
            if not found.problems:
                try:
                    new = rollover.roll(found, by=request.user)
                except ValueError as error:  # someone rolled it meanwhile
                    found.problems.append(str(error))
                else:
                    messages.success(
                        request,
                        f"{new.name} made, carrying {len(found.carried)} open action"
                        f"{'s' if len(found.carried) != 1 else ''} on from {plan.name}.",
                    )
                    return redirect(new)
    return render(
        request, "plans/rollover/preview.html", {"plan": plan, "form": form, "found": found}
    )
