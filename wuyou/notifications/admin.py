from django.contrib import admin

from .models import DigestItem, Notification, Outbox, Preference


class ReadOnlyAdmin(admin.ModelAdmin):
    """Inbox rows are written by the apps' actions; the admin only reads them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Outbox)
class OutboxAdmin(admin.ModelAdmin):
    list_display = ["channel", "to", "subject", "state", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["state", "channel"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["user", "title", "kind", "subject", "created_at", "read_at"]
    list_filter = ["kind"]
    list_select_related = ["user"]


@admin.register(Preference)
class PreferenceAdmin(ReadOnlyAdmin):
    list_display = ["user", "kind", "email"]
    list_select_related = ["user"]


@admin.register(DigestItem)
class DigestItemAdmin(ReadOnlyAdmin):
    list_display = ["user", "title", "created_at", "sent_at"]
    list_select_related = ["user"]
