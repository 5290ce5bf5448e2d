from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from plans import models, versions
from tracker.admin_site import ModelAdmin, StackedInline, TabularInline


class PlanDataAdmin(ModelAdmin):
    """Edits here change what the plan's pages show, so they mark its cached pages stale."""

    @staticmethod
    def stale(obj):
        """Mark the object's plan stale; posts and committees belong to every plan."""
        if isinstance(obj, models.Plan):
            versions.plan_changed(obj.pk)
        elif isinstance(obj, models.Workstream):
            versions.plan_changed(obj.theme.plan_id)
        elif hasattr(obj, "plan_id"):
            versions.plan_changed(obj.plan_id)
        else:
            versions.every_plan_changed()

    def save_related(self, request, form, formsets, change):
        # After the many-to-many fields too, so nothing cached predates any of the edit.
        super().save_related(request, form, formsets, change)
        self.stale(form.instance)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self.stale(obj)


class StatusInline(TabularInline):
    model = models.Status
    extra = 0
    fields = [
        "sort_order",
        "label",
        "code",
        "rag",
        "counted",
        "counts_as_done",
        "asked",
        "needs_evidence",
        "max_slippage_months",
    ]


@admin.register(models.Plan)
class PlanAdmin(PlanDataAdmin):
    list_display = ["name", "organisation", "start", "end", "public"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [StatusInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change and not form.instance.statuses.exists():
            form.instance.add_default_statuses()


@admin.register(models.Status)
class StatusAdmin(PlanDataAdmin):
    list_display = [
        "label",
        "plan",
        "code",
        "rag",
        "counted",
        "counts_as_done",
        "asked",
        "sort_order",
    ]
    list_filter = ["plan", "rag"]


@admin.register(models.Priority)
class PriorityAdmin(PlanDataAdmin):
    list_display = ["name", "plan", "sort_order"]
    list_filter = ["plan"]


@admin.register(models.Theme)
class ThemeAdmin(PlanDataAdmin):
    list_display = ["name", "plan", "priority", "sort_order"]
    list_filter = ["plan"]


@admin.register(models.Workstream)
class WorkstreamAdmin(PlanDataAdmin):
    list_display = ["name", "theme", "sort_order"]
    list_filter = ["theme__plan"]


@admin.register(models.Post)
class PostAdmin(PlanDataAdmin):
    list_display = ["name", "email"]
    search_fields = ["name"]
    filter_horizontal = ["holders"]


@admin.register(models.Committee)
class CommitteeAdmin(PlanDataAdmin):
    list_display = ["name", "chair", "vice_chair"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["members"]


@admin.register(models.Action)
class ActionAdmin(SimpleHistoryAdmin, PlanDataAdmin):
    list_display = ["ref", "title", "theme", "workstream", "lead_officer", "due_text"]
    list_filter = ["plan", "theme"]
    search_fields = ["ref", "title", "description"]
    list_select_related = ["theme", "workstream", "lead_officer"]
    autocomplete_fields = ["director", "lead_officer", "update_owner", "other_leads", "parent"]
    filter_horizontal = ["committees", "priorities"]
    readonly_fields = ["start_date", "due_date"]


class ReadOnlyAdmin(ModelAdmin):
    """Updates are written through the update round, never edited or deleted in the admin."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RevisionInline(TabularInline):
    model = models.UpdateRevision
    extra = 0
    fields = ["version", "status", "narrative", "author", "saved_at", "reason"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(models.Update)
class UpdateAdmin(ReadOnlyAdmin):
    list_display = ["action", "month", "status", "author", "updated_at"]
    list_filter = ["action__plan", "month"]
    search_fields = ["action__ref", "narrative"]
    inlines = [RevisionInline]


@admin.register(models.Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ["update", "description", "link", "file", "added_by", "added_at"]


@admin.register(models.Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["update", "version", "decision", "by", "at"]
    list_filter = ["decision"]


@admin.register(models.Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["round", "user", "kind", "sent_on"]
    list_filter = ["kind", "round__plan"]


@admin.register(models.Round)
class RoundAdmin(ReadOnlyAdmin):
    """Rounds are opened, extended, closed and reopened on the clerk's pages, with reasons."""

    list_display = ["plan", "month", "due", "opened_by", "opened_at", "closed_at"]
    list_filter = ["plan"]


class TargetInline(TabularInline):
    model = models.MeasureTarget
    extra = 4
    fields = ["period", "target"]


@admin.register(models.Measure)
class MeasureAdmin(PlanDataAdmin):
    """Measures and their targets. Figures are entered in the update round (or imported),
    never here, so every wording is kept."""

    list_display = ["name", "plan", "priority", "theme", "owner", "frequency", "direction"]
    list_filter = ["plan", "frequency"]
    search_fields = ["name"]
    list_select_related = ["plan", "priority", "theme", "owner"]
    autocomplete_fields = ["owner"]
    filter_horizontal = ["committees"]
    inlines = [TargetInline]


class MeasureRevisionInline(TabularInline):
    model = models.MeasureValueRevision
    extra = 0
    fields = ["version", "value", "commentary", "author", "saved_at", "reason"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(models.MeasureValue)
class MeasureValueAdmin(ReadOnlyAdmin):
    list_display = ["measure", "period", "value", "author", "updated_at"]
    list_filter = ["measure__plan"]
    search_fields = ["measure__name", "commentary"]
    inlines = [MeasureRevisionInline]


class RecommendationInline(StackedInline):
    model = models.Recommendation
    extra = 1
    fields = ["number", "area", "text", "sort_order", "actions"]
    autocomplete_fields = ["actions"]


@admin.register(models.Source)
class SourceAdmin(PlanDataAdmin):
    """A source and its recommendations, with the actions answering each."""

    list_display = ["name", "plan"]
    list_filter = ["plan"]
    inlines = [RecommendationInline]
