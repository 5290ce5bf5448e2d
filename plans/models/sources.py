"""Sources: documents such as a peer challenge report whose recommendations actions answer."""

from django.db import models

from plans.models.structure import Action, Plan


class Source(models.Model):
    """Where actions come from: "LGA corporate peer challenge 2023", with its numbered
    recommendations."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sources")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    link = models.URLField(max_length=500, blank=True, help_text="Where to read the source.")
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="source_unique_in_plan")
        ]

    def __str__(self):
        return self.name


class Recommendation(models.Model):
    """One numbered recommendation of a source, under the area the source groups it in, and
    the actions that answer it."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="recommendations")
    number = models.PositiveSmallIntegerField()
    area = models.CharField(
        max_length=200, blank=True, help_text="The heading it is grouped under, e.g. Financial."
    )
    text = models.TextField()
    sort_order = models.PositiveSmallIntegerField(
        default=0, help_text="Its place in the source, which groups by area rather than number."
    )
    actions = models.ManyToManyField(Action, blank=True, related_name="recommendations")

    class Meta:
        ordering = ["source", "sort_order", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "number"], name="recommendation_number_unique_in_source"
            )
        ]

    def __str__(self):
        return f"{self.number}. {self.text[:80]}"
