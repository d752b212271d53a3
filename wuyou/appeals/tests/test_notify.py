"""Appeals' notifications through wuyou.notifications: link and subject of the appeal, and the
sweeps' batches honouring email preferences without a query per row."""

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse

from wuyou.appeals import notify, sweeps
from wuyou.appeals import services as s
from wuyou.notifications import services as notifications
from wuyou.notifications.models import DigestItem, EmailMode, Notification, Outbox
from wuyou.testing import submit

TZ = ZoneInfo("Asia/Shanghai")


def at(*args):
    return datetime(*args, tzinfo=TZ)


def dispatched(p, when, **kw):
    with time_machine.travel(when, tick=False):
        a = submit(p, **kw)
        return s.appeal_dispatch(appeal_id=a.pk, by=p.center, department="gdgs")


def test_entries_link_to_the_appeal_and_open_it(p):
    a = dispatched(p, at(2026, 11, 2, 9, 0))
    assert notify.appeal_link(a.pk) == reverse("appeal_detail", args=[a.pk])
    n = Notification.objects.get(user=p.handler, subject=f"appeal:{a.pk}")
    assert n.kind == "appeal" and n.link == f"/appeals/{a.pk}/"
    resp = p.client(p.handler).get(reverse("notification_open", args=[n.pk]))
    assert resp["Location"] == f"/appeals/{a.pk}/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_kind_can_be_named_by_the_caller(p):
    a = dispatched(p, at(2026, 11, 2, 9, 0))
    notify.notify(notify.role_users("center"), a, "提级督办", kind="appeal.escalate")
    assert Notification.objects.get(user=p.center, title="提级督办").kind == "appeal.escalate"


def test_sweep_batches_apply_email_preferences(p):
    appeals = [dispatched(p, at(2026, 11, 2, 9, 0), title=f"厂区道路破损第{i}处") for i in range(3)]
    notifications.set_preferences(user=p.leader, modes={"appeal": EmailMode.DIGEST})
    Outbox.objects.all().delete()
    assert sweeps.sweep_all(at(2026, 11, 4, 0, 1))["sign_overdue"] == 3
    # The inbox keeps one entry per appeal, with its link; the email waits for the digest.
    for a in appeals:
        n = Notification.objects.get(user=p.leader, subject=f"appeal:{a.pk}", title__startswith="催办")
        assert n.link == f"/appeals/{a.pk}/" and n.kind == "appeal"
    assert not Outbox.objects.filter(to=p.leader.email).exists()
    assert DigestItem.objects.filter(user=p.leader, title__startswith="催办").count() == 3


def test_sweep_email_off(p):
    dispatched(p, at(2026, 11, 2, 9, 0))
    notifications.set_preferences(user=p.leader, modes={"appeal": EmailMode.OFF})
    Outbox.objects.all().delete()
    assert sweeps.sweep_all(at(2026, 11, 4, 0, 1))["sign_overdue"] == 1
    assert Notification.objects.filter(user=p.leader, title__startswith="催办").count() == 1
    assert not Outbox.objects.exists() and not DigestItem.objects.exists()
