"""Time limits and score weights are written by admin_services and leave one audit row each."""

import pytest
from django.urls import reverse

from wuyou.appeals import admin_services
from wuyou.appeals.models import MetricWeights, TimeLimit
from wuyou.core.audit import AuditRecord
from wuyou.core.errors import InvalidInput
from wuyou.orgs.models import User

pytestmark = pytest.mark.django_db


def page_data(**changes):
    data = {}
    for lim in TimeLimit.objects.order_by("id"):
        c = lim.category
        data |= {
            f"{c}-sign": lim.sign_workdays,
            f"{c}-urgent": lim.urgent_sign_hours,
            f"{c}-reply": lim.reply_workdays,
            f"{c}-rate": lim.rate_workdays,
        }
    w = admin_services.current_weights()
    data |= {"w-response": w.response, "w-resolution": w.resolution, "w-satisfaction": w.satisfaction}
    return data | changes


def test_changing_a_time_limit_records_one_row(p):
    lim = TimeLimit.objects.order_by("id").first()
    old = lim.reply_workdays
    resp = p.client(p.center).post(
        reverse("appeal_settings"), page_data(**{f"{lim.category}-reply": old + 2})
    )
    assert resp.status_code == 302
    [rec] = AuditRecord.objects.all()
    assert rec.action == "timelimit.update" and rec.actor == p.center
    assert rec.before == {lim.category: {"reply_workdays": old}}
    assert rec.after == {lim.category: {"reply_workdays": old + 2}}
    lim.refresh_from_db()
    assert lim.reply_workdays == old + 2


def test_changing_weights_records_one_row(p):
    resp = p.client(p.center).post(
        reverse("appeal_settings"), page_data(**{"w-response": 50, "w-resolution": 25, "w-satisfaction": 25})
    )
    assert resp.status_code == 302
    [rec] = AuditRecord.objects.all()
    assert rec.action == "weights.update" and rec.actor == p.center and rec.subject_type == "考核权重"
    assert rec.before == {"response": 30, "resolution": 35, "satisfaction": 35}
    assert rec.after == {"response": 50, "resolution": 25, "satisfaction": 25}


def test_invalid_settings_save_nothing_and_record_nothing(p):
    lim = TimeLimit.objects.order_by("id").first()
    resp = p.client(p.center).post(
        reverse("appeal_settings"),
        page_data(
            **{
                f"{lim.category}-reply": lim.reply_workdays + 1,
                "w-response": 0,
                "w-resolution": 0,
                "w-satisfaction": 0,
            }
        ),
        follow=True,
    )
    assert "权重之和不能为 0" in resp.content.decode() and "未保存任何修改" in resp.content.decode()
    assert not AuditRecord.objects.exists()
    assert TimeLimit.objects.get(pk=lim.pk).reply_workdays == lim.reply_workdays
    with pytest.raises(InvalidInput, match="签收时限须在 1 到 10 之间"):
        admin_services.time_limits_update(by=p.center, limits={lim.category: {"sign_workdays": 11}})


def test_unchanged_save_records_nothing(p):
    p.client(p.center).post(reverse("appeal_settings"), page_data())
    assert not AuditRecord.objects.exists()


def test_django_admin_edit_of_weights_is_audited(p):
    root = User.objects.create_superuser(username="root", password="pw-123456!", role="admin")
    w = admin_services.current_weights()
    resp = p.client(root).post(
        reverse("admin:appeals_metricweights_change", args=[w.pk]),
        {"response": 40, "resolution": 30, "satisfaction": 30},
    )
    assert resp.status_code == 302
    [rec] = AuditRecord.objects.all()
    assert rec.action == "weights.update" and rec.actor == root
    assert rec.before == {"response": 30, "resolution": 35, "satisfaction": 35} and rec.after == {
        "response": 40,
        "resolution": 30,
        "satisfaction": 30,
    }
    assert MetricWeights.objects.get().response == 40
