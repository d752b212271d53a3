from django.contrib import admin

from wuyou.core.admin import AuditedAdmin
from wuyou.workdays.models import CalendarDay, CalendarYear
from wuyou.workdays.selectors import clear_cache


class ClearsCache:
    # Edits here bypass the services, so drop this process's snapshot ourselves.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        clear_cache()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        clear_cache()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        clear_cache()


@admin.register(CalendarYear)
class CalendarYearAdmin(ClearsCache, AuditedAdmin, admin.ModelAdmin):
    audit_prefix = "calendar_year"

    list_display = ["year", "source", "updated_at", "note"]
    list_filter = ["source"]


@admin.register(CalendarDay)
class CalendarDayAdmin(ClearsCache, AuditedAdmin, admin.ModelAdmin):
    audit_prefix = "calendar_day"

    list_display = ["date", "is_workday", "name", "source"]
    list_filter = ["source", "is_workday"]
    search_fields = ["name"]
    date_hierarchy = "date"
