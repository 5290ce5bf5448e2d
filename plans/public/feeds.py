"""An Atom feed of a public plan's published committee reports, so residents and the press
hear of each one without watching the page (django.contrib.syndication)."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from plans.public.views import public_plan
from tracker import policy


class PublishedReports(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, slug):
        return public_plan(slug)

    def title(self, plan):
        return f"{plan.name}: published committee reports"

    def subtitle(self, plan):
        return f"Committee reports on {plan.organisation}'s {plan.name}, as published."

    def link(self, plan):
        return reverse("public:plan", args=[plan.slug])

    def items(self, plan):
        return policy.public_reports(plan)[:50]

    def item_title(self, report):
        return report.title

    def item_description(self, report):
        return f"Covering {report.period_obj.span}: the PDF as it went to committee."

    def item_link(self, report):
        return reverse("public:report_pdf", args=[report.plan.slug, report.pk])

    def item_pubdate(self, report):
        return report.published_at

    def item_updateddate(self, report):
        return report.published_at
