"""Working-day time limits with time travel: accept within 1, conclude within 15 (once extendable to 30),
warnings and escalation by the worker task, overdue department requests. Sweeps are idempotent."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from wuyou.negative_list import sweeps
from wuyou.negative_list.models import DeptRequest, Event
from wuyou.notifications.models import Notification

from .helpers import act, file_report

TZ = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def at(*args):
    return datetime(*args, tzinfo=TZ)


def filed(when):
    with time_machine.travel(when, tick=False):
        return file_report(occurred_on=date(2026, 11, 20))[0]


def test_accept_within_one_working_day_over_a_weekend(nl, p, inv):
    r = filed(at(2026, 11, 27, 16, 0))  # Friday
    assert r.accept_due_at == at(2026, 11, 30, 23, 59, 59)  # Monday
    assert sweeps.sweep_all(at(2026, 11, 30, 12, 0))["nl_accept_overdue"] == 0
    n = sweeps.sweep_all(at(2026, 12, 1, 9, 0))
    assert n["nl_accept_overdue"] == 1
    assert sweeps.sweep_all(at(2026, 12, 1, 10, 0))["nl_accept_overdue"] == 0  # idempotent
    r.refresh_from_db()
    assert r.escalated_at == at(2026, 12, 1, 9, 0)
    assert Event.objects.filter(report=r, action="escalate").count() == 1
    assert Notification.objects.filter(user=inv, title__startswith="督办").count() == 1


def test_conclude_in_15_working_days_warning_then_escalation(nl, p, inv):
    r = filed(at(2026, 11, 27, 16, 0))
    with time_machine.travel(at(2026, 11, 30, 9, 0), tick=False):  # Monday
        act(inv, r, "accept")
    r.refresh_from_db()
    # Dec 1..4 (4), 7..11 (9), 14..18 (14), 21 (15)
    assert r.conclude_due_at == at(2026, 12, 21, 23, 59, 59)
    assert r.warn_at == at(2026, 12, 16, 23, 59, 59)  # 3 working days before
    assert r.escalated_at is None  # reset on accept
    assert sweeps.sweep_all(at(2026, 12, 16, 12, 0))["nl_warnings"] == 0
    assert sweeps.sweep_all(at(2026, 12, 17, 9, 0))["nl_warnings"] == 1
    assert sweeps.sweep_all(at(2026, 12, 17, 9, 1))["nl_warnings"] == 0
    assert sweeps.sweep_all(at(2026, 12, 21, 23, 0))["nl_conclude_overdue"] == 0
    assert sweeps.sweep_all(at(2026, 12, 22, 0, 30))["nl_conclude_overdue"] == 1
    assert sweeps.sweep_all(at(2026, 12, 23, 0, 30))["nl_conclude_overdue"] == 0


def test_extension_once_to_30_working_days_across_new_year(nl, p, inv):
    r = filed(at(2026, 11, 27, 16, 0))
    with time_machine.travel(at(2026, 11, 30, 9, 0), tick=False):
        act(inv, r, "accept")
        act(inv, r, "investigate")
        act(inv, r, "extend", reason="需要调取检查记录")
    r.refresh_from_db()
    assert r.extended
    # 15 more working days after Dec 21: Dec 22..31 (8), 2027-01-01 holiday, Jan 4..8 (13), Jan 11, 12 (15)
    assert r.conclude_due_at == at(2027, 1, 12, 23, 59, 59)
    with pytest.raises(Exception, match="只能延长一次"):
        act(inv, r, "extend", reason="again")
    assert sweeps.sweep_all(at(2026, 12, 22, 9, 0))["nl_conclude_overdue"] == 0
    with time_machine.travel(at(2026, 12, 23, 9, 0), tick=False):
        act(inv, r, "conclude", outcome="not_substantiated", finding="未发现重复检查")
    assert sweeps.sweep_all(at(2027, 2, 1, 9, 0))["nl_conclude_overdue"] == 0  # clock stopped


def test_department_request_due_warning_and_overdue(nl, p, inv):
    r = filed(at(2026, 11, 27, 16, 0))
    with time_machine.travel(at(2026, 11, 30, 9, 0), tick=False):
        act(inv, r, "accept")
        act(inv, r, "request_explanation", summary="请说明检查依据", due_days=5)
    req = DeptRequest.objects.get()
    assert req.due_at == at(2026, 12, 7, 23, 59, 59)
    assert req.warn_at == at(2026, 12, 3, 23, 59, 59)
    assert sweeps.sweep_all(at(2026, 12, 4, 9, 0))["nl_dept_requests"] == 1  # warning
    assert sweeps.sweep_all(at(2026, 12, 8, 9, 0))["nl_dept_requests"] == 1  # overdue
    assert sweeps.sweep_all(at(2026, 12, 9, 9, 0))["nl_dept_requests"] == 0
    req.refresh_from_db()
    assert req.overdue_at == at(2026, 12, 8, 9, 0)
    assert Event.objects.filter(report=r, action="dept_overdue").count() == 1
    assert Notification.objects.filter(user=p.leader, title__contains="已逾期").exists()


def test_worker_command_runs_the_task(nl, p, inv, settings):
    from django.core.management import call_command

    assert "wuyou.negative_list.sweeps.sweep_all" in settings.WORKER_TASKS
    filed(at(2026, 11, 27, 16, 0))
    with time_machine.travel(at(2026, 12, 2, 9, 0), tick=False):
        call_command("worker", "--once")
    assert Event.objects.filter(action="escalate").count() == 1
