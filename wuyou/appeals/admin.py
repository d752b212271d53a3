from django.contrib import admin

from .models import Appeal, Event, MetricWeights, Notification, Outbox, TimeLimit


@admin.register(TimeLimit)
class TimeLimitAdmin(admin.ModelAdmin):
    list_display = ["category", "sign_workdays", "urgent_sign_hours", "reply_workdays", "rate_workdays"]


@admin.register(MetricWeights)
class MetricWeightsAdmin(admin.ModelAdmin):
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


@admin.register(Outbox)
class OutboxAdmin(admin.ModelAdmin):
    list_display = ["channel", "to", "subject", "state", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["state", "channel"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["user", "title", "created_at", "read_at"]
    list_select_related = ["user"]
