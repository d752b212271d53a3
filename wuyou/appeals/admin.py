from django.contrib import admin

from wuyou.core.admin import AuditedAdmin

from .models import Appeal, Event, MetricWeights, TimeLimit


@admin.register(TimeLimit)
class TimeLimitAdmin(AuditedAdmin, admin.ModelAdmin):
    audit_prefix = "timelimit"
    list_display = ["category", "sign_workdays", "urgent_sign_hours", "reply_workdays", "rate_workdays"]


@admin.register(MetricWeights)
class MetricWeightsAdmin(AuditedAdmin, admin.ModelAdmin):
    audit_prefix = "weights"
    list_display = ["response", "resolution", "satisfaction"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Appeals change only through services (events, audit chain); the admin only reads them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "title",
        "status",
        "department",
        "escalation_level",
        "reply_due_at",
        "created_at",
    ]
    list_filter = ["status", "category", "channel", "escalation_level"]
    search_fields = ["number", "title"]
    list_select_related = ["department"]


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["appeal", "seq", "action", "actor", "from_status", "to_status", "at"]
    list_filter = ["action"]
    raw_id_fields = ["appeal"]
    list_select_related = ["appeal", "actor"]
