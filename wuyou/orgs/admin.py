from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group

from wuyou.accounts import passwords, recent
from wuyou.core.admin import AuditedAdmin

from . import auth_events, services
from .access import Role, can_grant_roles
from .models import ApiToken, Department, District, Enterprise, User


class GrantersOnly:
    """三权分立: users, roles, groups and permissions are the security administrator's (and a
    superuser's), whatever model permissions anyone else holds; changing them needs a recent
    re-authentication (「验证身份」)."""

    def has_module_permission(self, request):
        return can_grant_roles(request.user)

    def has_view_permission(self, request, obj=None):
        return can_grant_roles(request.user)

    def has_add_permission(self, request):
        return can_grant_roles(request.user)

    def has_change_permission(self, request, obj=None):
        return can_grant_roles(request.user)

    def has_delete_permission(self, request, obj=None):
        return can_grant_roles(request.user)

    def add_view(self, request, *args, **kwargs):
        if can_grant_roles(request.user) and not recent.is_recent(request):
            return recent.redirect_to_verify(request)
        return super().add_view(request, *args, **kwargs)

    def change_view(self, request, *args, **kwargs):
        if can_grant_roles(request.user) and not recent.is_recent(request):
            return recent.redirect_to_verify(request)
        return super().change_view(request, *args, **kwargs)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(GrantersOnly, BaseGroupAdmin):
    pass


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
class UserAdmin(GrantersOnly, AuditedAdmin, BaseUserAdmin):
    audit_exclude = ("last_login", "locked_until", "failed_logins")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        # Only a superuser makes superusers: a security administrator cannot grant themselves everything.
        if not request.user.is_superuser:
            fields.append("is_superuser")
        return fields

    def save_model(self, request, obj, form, change):
        # The audit administrator reads the audit page and never reaches the admin; neither they nor the
        # security administrator may be a superuser (who would hold every duty at once).
        if obj.role in (Role.AUDIT_ADMIN, Role.SECURITY_ADMIN):
            obj.is_superuser = False
        if obj.role == Role.AUDIT_ADMIN:
            obj.is_staff = False
        # The access as stored before this save; save_related (groups come last) compares and records.
        obj._access_before = services.access_snapshot(obj) if change else {}
        super().save_model(request, obj, form, change)
        if not change:
            passwords.require_change(obj)  # an initial password chosen by an administrator

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        before = getattr(form.instance, "_access_before", {})
        services.record_access_change(before=before, user=form.instance, request=request)

    def user_change_password(self, request, id, form_url=""):
        if can_grant_roles(request.user) and not recent.is_recent(request):
            return recent.redirect_to_verify(request)
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302 and str(request.user.pk) != str(id):
            user = User.objects.filter(pk=id).first()
            if user is not None:
                passwords.require_change(user)  # a reset password: the user replaces it at next login
                auth_events.record("password_reset", user=user, request=request, note="管理后台")
        elif request.method == "POST" and response.status_code == 302:
            auth_events.record("password_changed", user=request.user, request=request, note="管理后台")
        return response

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
