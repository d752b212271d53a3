"""Retaliation watch: check_retaliation for other modules, and the worker's scan of appeals."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from wuyou.appeals import services as appeal_services
from wuyou.negative_list import sweeps
from wuyou.negative_list.models import RetaliationAlert
from wuyou.negative_list.services import check_retaliation
from wuyou.notifications.models import Notification
from wuyou.testing import submit

from .helpers import NAME, PHONE, file_report

TZ = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def test_check_retaliation_alerts_once_within_two_years(nl, p, inv):
    report, _ = file_report(p.ent_user)
    gdgs = report.department
    alerts = check_retaliation(
        department=gdgs, enterprise=p.enterprise, action="行政检查", ref="inspection:1"
    )
    assert len(alerts) == 1 and alerts[0].report == report
    assert (
        check_retaliation(department=gdgs, enterprise=p.enterprise, action="行政检查", ref="inspection:1")
        == []
    )
    n = Notification.objects.filter(user=inv, title__startswith="打击报复预警").get()
    assert report.number in n.title and NAME not in n.title + n.body and PHONE not in n.title + n.body
    # another enterprise, another department, or after two years: nothing
    assert (
        check_retaliation(department=gdgs, enterprise=p.competitor, action="检查", ref="inspection:2") == []
    )
    assert (
        check_retaliation(
            department=p.other_handler.department, enterprise=p.enterprise, action="检查", ref="x:3"
        )
        == []
    )
    later = report.created_at + timedelta(days=800)
    assert (
        check_retaliation(department=gdgs, enterprise=p.enterprise, action="处罚", ref="penalty:9", at=later)
        == []
    )
    # ids work as well as objects
    assert (
        len(check_retaliation(department=gdgs.pk, enterprise=p.enterprise.pk, action="处罚", ref="penalty:1"))
        == 1
    )


def test_anonymous_reports_are_not_linked_to_an_enterprise(nl, p):
    file_report(None)
    assert (
        check_retaliation(department=p.handler.department, enterprise=p.enterprise, action="检查", ref="i:1")
        == []
    )


def test_worker_scans_returned_and_overdue_appeals(nl, p, inv):
    start = datetime(2026, 11, 23, 9, 0, tzinfo=TZ)
    with time_machine.travel(start, tick=False):
        old = submit(p)
        appeal_services.appeal_dispatch(appeal_id=old.pk, by=p.center, department="gdgs")
        appeal_services.appeal_return(
            appeal_id=old.pk, by=p.handler, reason="不属于本单位"
        )  # before the report
    with time_machine.travel(start + timedelta(days=1), tick=False):
        report, _ = file_report(p.ent_user)
    with time_machine.travel(start + timedelta(days=2), tick=False):
        a = submit(p, title="报装拖延")
        appeal_services.appeal_dispatch(appeal_id=a.pk, by=p.center, department="gdgs")
        appeal_services.appeal_return(appeal_id=a.pk, by=p.handler, reason="材料不全")
        b = submit(p, title="电费争议")
        appeal_services.appeal_dispatch(appeal_id=b.pk, by=p.center, department="gdgs")
        c = submit(p.__class__(**{**p.__dict__, "ent_user": p.competitor_user}), title="他人的诉求")
        appeal_services.appeal_dispatch(appeal_id=c.pk, by=p.center, department="gdgs")
    now = start + timedelta(days=30)
    assert sweeps.sweep_all(now)["nl_retaliation"] == 2  # a's return, b overdue; not old, not c
    assert sweeps.sweep_all(now)["nl_retaliation"] == 0
    refs = set(RetaliationAlert.objects.values_list("ref", flat=True))
    assert len(refs) == 2 and f"appeal-overdue:{b.pk}" in refs
    assert any(r.startswith("appeal-return:") for r in refs)
    assert set(RetaliationAlert.objects.values_list("report_id", flat=True)) == {report.pk}
    html = p.client(inv).get("/negative-list/center/alerts/").content.decode()
    assert report.number in html and "材料不全" not in html


def test_scan_reads_only_what_happened_since_the_last_round(nl, p, inv, monkeypatch):
    from unittest import mock

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from wuyou.negative_list import crypto

    decrypt = mock.Mock(side_effect=AssertionError("the scan must not decrypt identities"))
    monkeypatch.setattr(crypto, "decrypt_identity", decrypt)
    start = datetime(2026, 11, 23, 9, 0, tzinfo=TZ)
    with time_machine.travel(start, tick=False):
        report, _ = file_report(p.ent_user)
    with time_machine.travel(start + timedelta(days=1), tick=False):
        a = submit(p, title="报装拖延")
        appeal_services.appeal_dispatch(appeal_id=a.pk, by=p.center, department="gdgs")
        appeal_services.appeal_return(appeal_id=a.pk, by=p.handler, reason="材料不全")
        b = submit(p, title="电费争议")
        b = appeal_services.appeal_dispatch(appeal_id=b.pk, by=p.center, department="gdgs")
    first = start + timedelta(days=2)
    assert b.reply_due_at > first  # not overdue yet
    assert sweeps.scan_appeals_for_retaliation(first) == 1  # a's return
    # Right after: nothing new, so no report is read (let alone decrypted).
    with CaptureQueriesContext(connection) as queries:
        assert sweeps.scan_appeals_for_retaliation(first + timedelta(seconds=30)) == 0
    assert not [q["sql"] for q in queries if "negative_list_report" in q["sql"]]
    # A new return after the scan is found by the next one, and so is b once its time limit passes.
    with time_machine.travel(first + timedelta(hours=1), tick=False):
        c = submit(p, title="再次退回")
        appeal_services.appeal_dispatch(appeal_id=c.pk, by=p.center, department="gdgs")
        appeal_services.appeal_return(appeal_id=c.pk, by=p.handler, reason="不属于本单位")
    assert sweeps.scan_appeals_for_retaliation(first + timedelta(hours=2)) == 1
    assert sweeps.scan_appeals_for_retaliation(b.reply_due_at + timedelta(minutes=1)) == 1
    refs = set(RetaliationAlert.objects.filter(report=report).values_list("ref", flat=True))
    assert f"appeal-overdue:{b.pk}" in refs and len(refs) == 3
    decrypt.assert_not_called()


def test_reviewing_an_alert_is_audited_and_only_investigators_may(nl, p, inv):
    from wuyou.core.audit import AuditRecord

    report, _secret = file_report(p.ent_user)
    (alert,) = check_retaliation(
        department=report.department_id, enterprise=p.enterprise.pk, action="检查", ref="inspection:1"
    )
    assert p.client(p.center).post("/negative-list/center/alerts/", {"alert": alert.pk}).status_code == 404
    alert.refresh_from_db()
    assert (
        alert.reviewed_at is None
        and not AuditRecord.objects.filter(action="retaliation_alert.review").exists()
    )
    p.client(inv).post("/negative-list/center/alerts/", {"alert": alert.pk})
    alert.refresh_from_db()
    record = AuditRecord.objects.get(action="retaliation_alert.review")
    assert alert.reviewed_at is not None and record.actor == inv and record.after == {"reviewed": True}
