"""Writes through the Django admin leave audit rows like writes through the services do.

Mix `AuditedAdmin` into a ModelAdmin (before admin.ModelAdmin). The admin's change and delete views
already run in one transaction, so the audit row commits with the write or not at all.
"""

from django.contrib import admin
from django.db import models, transaction

from wuyou.core.audit import AuditRecord, record_change, snapshot

# Never copied into an audit row: secrets and their digests.
SECRET_FIELDS = frozenset({"password", "key_hash", "token_hash", "identity_ciphertext"})


class AuditedAdmin:
    """save_model/delete_model/delete_queryset that record "<prefix>.create|update|delete".

    `audit_prefix` defaults to the model name; `audit_action()` may name a more specific action
    (e.g. "user.role" when a role changes)."""

    audit_prefix: str = ""
    audit_exclude: tuple[str, ...] = ()

    def _audit_fields(self, obj) -> list[str]:
        skip = SECRET_FIELDS | set(self.audit_exclude)
        return [
            f.name
            for f in obj._meta.concrete_fields
            if not f.primary_key and f.name not in skip and not isinstance(f, models.FileField)
        ]

    def audit_action(self, obj, verb: str, before: dict, after: dict) -> str:
        return f"{self.audit_prefix or obj._meta.model_name}.{verb}"

    def save_model(self, request, obj, form, change):
        fields = self._audit_fields(obj)
        with transaction.atomic():
            old = type(obj)._default_manager.filter(pk=obj.pk).first() if change and obj.pk else None
            before = snapshot(old, fields) if old else {}
            super().save_model(request, obj, form, change)
            after = snapshot(obj, fields)
            if change and before == after:
                return  # saved without a change: nothing to record
            verb = "update" if change else "create"
            record_change(
                by=request.user,
                action=self.audit_action(obj, verb, before, after),
                subject=obj,
                before=before,
                after=after,
                note="管理后台",
            )

    def save_related(self, request, form, formsets, change):
        """Many-to-many fields (a user's groups and permissions — what unlocks reporter identities) are
        saved here, after save_model: record what they were and what they became."""
        obj = form.instance
        m2m = [f.name for f in obj._meta.many_to_many if f.name in form.fields]
        with transaction.atomic():
            before = {n: sorted(str(v) for v in getattr(obj, n).all()) for n in m2m} if change else {}
            super().save_related(request, form, formsets, change)
            after = {n: sorted(str(v) for v in getattr(obj, n).all()) for n in m2m}
            if m2m and before != after and (change or any(after.values())):
                record_change(
                    by=request.user,
                    action=f"{self.audit_prefix or obj._meta.model_name}.permissions",
                    subject=obj,
                    before=before,
                    after=after,
                    note="管理后台",
                )

    def delete_model(self, request, obj):
        with transaction.atomic():
            self._record_delete(request, obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self._record_delete(request, obj)
            super().delete_queryset(request, queryset)

    def _record_delete(self, request, obj):
        before = snapshot(obj, self._audit_fields(obj))
        record_change(
            by=request.user,
            action=self.audit_action(obj, "delete", before, {}),
            subject=obj,
            before=before,
            note="管理后台",
        )


@admin.register(AuditRecord)
class AuditRecordAdmin(admin.ModelAdmin):
    """Read only: the record of administrative writes is never edited, not even by a superuser."""

    list_display = ["seq", "at", "actor", "action", "subject_type", "subject_label"]
    list_filter = ["action", "subject_type"]
    search_fields = ["subject_label", "subject_id", "action"]
    list_select_related = ["actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
