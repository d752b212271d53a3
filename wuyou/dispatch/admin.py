from django.contrib import admin

from wuyou.core.admin import AuditedAdmin

from .models import AutoDispatchRule, Cluster, ModelVersion


@admin.register(ModelVersion)
class ModelVersionAdmin(AuditedAdmin, admin.ModelAdmin):
    audit_prefix = "dispatch_model"
    list_display = ["id", "created_at", "is_active", "n_train", "n_returns", "note"]
    exclude = ["blob"]
    readonly_fields = ["created_at", "created_by", "is_active", "n_train", "n_returns", "metrics", "note"]


@admin.register(AutoDispatchRule)
class AutoDispatchRuleAdmin(AuditedAdmin, admin.ModelAdmin):
    audit_prefix = "auto_dispatch_rule"
    list_display = ["category", "enabled", "threshold", "updated_by", "updated_at"]


@admin.register(Cluster)
class ClusterAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["id", "title", "status", "lead_department", "created_at"]
    list_filter = ["status"]
    # State and membership change only through the cluster workflow (and its chain), never here.
    readonly_fields = ["status", "lead_department", "linked_at", "linked_by", "created_at"]
