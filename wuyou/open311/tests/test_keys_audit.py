"""Open311 key writes, through the services and the Django admin, leave one audit row each."""

import re

import pytest

from wuyou.core.audit import AuditRecord
from wuyou.open311 import services
from wuyou.open311.models import Open311Key
from wuyou.orgs.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def center(db):
    return User.objects.create_user(username="center1", password="pw-123456!", role="center")


@pytest.fixture
def root(db):
    return User.objects.create_superuser(username="root", password="pw-123456!", role="admin")


def test_service_issue_regenerate_disable_each_record_one_row(center, root):
    key, raw = services.key_issue(name="热线", user=center, by=root)
    [rec] = AuditRecord.objects.all()
    assert rec.action == "open311_key.create" and rec.actor == root
    assert rec.after == {"name": "热线", "user": center.pk, "is_active": True, "key_prefix": key.key_prefix}
    assert raw not in str(rec.after) and key.key_hash not in str(rec.after)

    key2, raw2 = services.key_regenerate(key_id=key.pk, by=root)
    rec = AuditRecord.objects.get(action="open311_key.regenerate")
    assert rec.before == {"key_prefix": key.key_prefix} and rec.after == {"key_prefix": key2.key_prefix}
    assert Open311Key.authenticate(raw) is None and Open311Key.authenticate(raw2) == key

    services.key_set_active(key_id=key.pk, is_active=False, by=root)
    rec = AuditRecord.objects.get(action="open311_key.disable")
    assert rec.before == {"is_active": True} and rec.after == {"is_active": False}
    assert AuditRecord.objects.count() == 3


def test_admin_create_and_regenerate_are_audited(client, center, root):
    client.force_login(root)
    client.post("/admin/open311/open311key/add/", {"name": "热线对接", "user": center.pk, "is_active": "on"})
    key = Open311Key.objects.get()
    [rec] = AuditRecord.objects.all()
    assert rec.action == "open311_key.create" and rec.actor == root and rec.note == "管理后台"
    assert rec.after["name"] == "热线对接" and rec.after["key_prefix"] == key.key_prefix
    assert "key_hash" not in rec.after

    response = client.post(
        "/admin/open311/open311key/", {"action": "regenerate_keys", "_selected_action": [key.pk]}, follow=True
    )
    assert any(re.search(r"o311_", str(m)) for m in response.context["messages"])
    rec = AuditRecord.objects.get(action="open311_key.regenerate")
    assert rec.actor == root and AuditRecord.objects.count() == 2
