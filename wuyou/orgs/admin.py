from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import ApiToken, Department, District, Enterprise, User


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "parent"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "district", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name", "responsibility"]

    def get_readonly_fields(self, request, obj=None):
        # Codes are stable identifiers used by the API and history; they never change.
        return ["code"] if obj else []


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name", "uscc", "district", "industry", "size"]
    list_filter = ["district", "size", "industry"]
    search_fields = ["name", "uscc"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "role", "department", "enterprise", "is_active"]
    list_filter = ["role", "is_active"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        ("无忧", {"fields": ["role", "department", "enterprise", "phone", "locked_until"]}),
    ]
    raw_id_fields = ["enterprise"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "last_used_at"]
    readonly_fields = ["key_hash"]
