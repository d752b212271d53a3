"""Writes to Open311 keys. Each records one audit row (never the key or its digest, only its prefix)."""

from django.db import transaction

from wuyou.core.audit import record_change, snapshot

from .models import Open311Key

KEY_FIELDS = ["name", "user", "is_active", "key_prefix"]


@transaction.atomic
def key_issue(*, name: str, user, by) -> tuple[Open311Key, str]:
    """A new key for `user`; returns it and the raw value, which is shown once and never stored."""
    key, raw = Open311Key.issue(name=name, user=user)
    record_change(by=by, action="open311_key.create", subject=key, after=snapshot(key, KEY_FIELDS))
    return key, raw


@transaction.atomic
def key_regenerate(*, key_id: int, by) -> tuple[Open311Key, str]:
    """A fresh value for a key; the old value stops working at once."""
    key = Open311Key.objects.select_for_update().get(pk=key_id)
    before = snapshot(key, KEY_FIELDS)
    raw = key.set_new_key()
    key.save(update_fields=["key_hash", "key_prefix"])
    record_change(
        by=by, action="open311_key.regenerate", subject=key, before=before, after=snapshot(key, KEY_FIELDS)
    )
    return key, raw


@transaction.atomic
def key_set_active(*, key_id: int, is_active: bool, by) -> Open311Key:
    key = Open311Key.objects.select_for_update().get(pk=key_id)
    before = snapshot(key, KEY_FIELDS)
    key.is_active = is_active
    key.save(update_fields=["is_active"])
    action = "open311_key.enable" if is_active else "open311_key.disable"
    record_change(by=by, action=action, subject=key, before=before, after=snapshot(key, KEY_FIELDS))
    return key
