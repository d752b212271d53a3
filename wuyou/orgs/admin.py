from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from wuyou.core.admin import AuditedAdmin

from .models import ApiToken, Department, District, Enterprise, User


@admin.register(District)
class DistrictAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["code", "name", "parent"]


@admin.register(Department)
class DepartmentAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["code", "name", "kind", "district", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name", "responsibility"]

    def get_readonly_fields(self, request, obj=None):
        # Codes are stable identifiers used by the API and history; they never change.
        return ["code"] if obj else []


@admin.register(Enterprise)
class EnterpriseAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["name", "uscc", "district", "industry", "size"]
    list_filter = ["district", "size", "industry"]
    search_fields = ["name", "uscc"]


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    audit_exclude = ("last_login", "locked_until", "failed_logins")

    def audit_action(self, obj, verb, before, after):
        # A changed role (or organisation) is what an inspector looks for among user edits.
        if verb == "update" and any(
            before.get(k) != after.get(k) for k in ("role", "department", "enterprise")
        ):
            return "user.role"
        return super().audit_action(obj, verb, before, after)

    list_display = ["username", "first_name", "role", "department", "enterprise", "is_active"]
    list_filter = ["role", "is_active"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        ("无忧", {"fields": ["role", "department", "enterprise", "phone", "locked_until"]}),
    ]
    raw_id_fields = ["enterprise"]


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["user", "created_at", "last_used_at"]
    readonly_fields = ["key_hash"]
