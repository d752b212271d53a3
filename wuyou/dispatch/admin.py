from django.contrib import admin

from .models import AutoDispatchRule, Cluster, ModelVersion


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    list_display = ["id", "created_at", "is_active", "n_train", "n_returns", "note"]
    exclude = ["blob"]
    readonly_fields = ["created_at", "created_by", "is_active", "n_train", "n_returns", "metrics", "note"]


@admin.register(AutoDispatchRule)
class AutoDispatchRuleAdmin(admin.ModelAdmin):
    list_display = ["category", "enabled", "threshold", "updated_by", "updated_at"]


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "status", "lead_department", "created_at"]
    list_filter = ["status"]
