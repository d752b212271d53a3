from django.contrib import admin, messages

from wuyou.core.admin import AuditedAdmin

from . import services
from .models import Open311Key


@admin.register(Open311Key)
class Open311KeyAdmin(AuditedAdmin, admin.ModelAdmin):
    audit_prefix = "open311_key"
    audit_exclude = ("last_used_at", "created_at")
    list_display = ["name", "key_prefix", "user", "is_active", "created_at", "last_used_at"]
    list_filter = ["is_active", "user__role"]
    search_fields = ["name", "key_prefix", "user__username"]
    fields = ["name", "user", "is_active", "key_prefix", "created_at", "last_used_at"]
    readonly_fields = ["key_prefix", "created_at", "last_used_at"]
    raw_id_fields = ["user"]
    actions = ["regenerate_keys"]

    def save_model(self, request, obj, form, change):
        raw = None if change else obj.set_new_key()
        super().save_model(request, obj, form, change)
        if raw:
            _show_raw_key(request, obj, raw)
        if not obj.can_post:
            self.message_user(
                request,
                f"账号「{obj.user}」的角色不是协调中心或联企干部：密钥「{obj.name}」只能查询该账号可见的诉求，不能提交诉求。",
                messages.WARNING,
            )

    @admin.action(description="重新生成所选密钥（旧密钥立即失效）")
    def regenerate_keys(self, request, queryset):
        for pk in queryset.values_list("pk", flat=True):
            key, raw = services.key_regenerate(key_id=pk, by=request.user)
            _show_raw_key(request, key, raw)


def _show_raw_key(request, key, raw):
    messages.warning(
        request, f"密钥「{key.name}」已生成： {raw} （仅显示这一次，请立即复制并通过安全渠道交给对接方）"
    )
