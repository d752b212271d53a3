from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from wuyou.appeals import services as s
from wuyou.appeals.audit import verify_chain
from wuyou.appeals.models import Action, Status
from wuyou.core.errors import Forbidden, InvalidInput, InvalidTransition, NotFound
from wuyou.notifications.models import Notification, Outbox
from wuyou.testing import submit

TZ = ZoneInfo("Asia/Shanghai")


def at(*args):
    return datetime(*args, tzinfo=TZ)


def test_full_loop_submit_dispatch_sign_reply_rate(p):
    with time_machine.travel(at(2026, 9, 30, 10, 0), tick=False):
        a = submit(p)
        assert a.number.startswith("ZZ20260930-")
        assert a.status == Status.SUBMITTED
        a = s.appeal_dispatch(appeal_id=a.pk, by=p.center, department="gdgs", co_departments=["zjj"])
    assert a.status == Status.DISPATCHED
    # help = 5 working days; 10-01..10-07 are holidays and Saturday 10-10 is a make-up working day.
    assert a.reply_due_at == at(2026, 10, 13, 23, 59, 59)
    assert a.sign_due_at == at(2026, 10, 8, 23, 59, 59)
    assert Notification.objects.filter(user=p.handler, subject=f"appeal:{a.pk}").exists()
    assert Notification.objects.filter(user=p.co_handler, subject=f"appeal:{a.pk}").exists()
    with time_machine.travel(at(2026, 10, 8, 9, 0), tick=False):
        a = s.appeal_sign(appeal_id=a.pk, by=p.handler)
        s.appeal_opinion(appeal_id=a.pk, by=p.co_handler, content="住建局：园区线路改造已列入计划。")
        a = s.appeal_reply(
            appeal_id=a.pk,
            by=p.handler,
            result="solved",
            content="已完成线路检修。",
            cost_saved_yuan="12000.50",
        )
    assert a.status == Status.REPLIED
    assert Outbox.objects.filter(channel="sms", to="13812341234").exists()
    with time_machine.travel(at(2026, 10, 9, 9, 0), tick=False):
        a = s.appeal_rate(appeal_id=a.pk, by=p.ent_user, rating="satisfied", resolved=True, comment="很快")
    assert a.status == Status.CLOSED
    actions = list(a.events.order_by("seq").values_list("action", flat=True))
    assert actions == ["submit", "dispatch", "sign", "opinion", "reply", "rate"]
    checked, broken, _ = verify_chain()
    assert checked == 6 and broken is None


def test_wrong_department_cannot_sign_and_sees_nothing(p):
    a = submit(p)
    s.appeal_dispatch(appeal_id=a.pk, by=p.center, department="gdgs")
    with pytest.raises(NotFound):
        s.appeal_sign(appeal_id=a.pk, by=p.other_handler)
    with pytest.raises(Forbidden):
        s.appeal_dispatch(appeal_id=a.pk, by=p.handler, department="zrzyj")
    a.refresh_from_db()
    assert a.status == Status.DISPATCHED and a.events.count() == 2


def test_illegal_transition_leaves_appeal_unchanged(p):
    a = submit(p)
    with pytest.raises(NotFound):
        s.appeal_sign(appeal_id=a.pk, by=p.handler)  # not dispatched to gdgs: invisible
    s.appeal_dispatch(appeal_id=a.pk, by=p.center, department="gdgs")
    with pytest.raises(InvalidTransition) as exc:
        s.appeal_reply(appeal_id=a.pk, by=p.handler, result="solved", content="x")
    assert "待签收" in exc.value.message
    a.refresh_from_db()
    assert a.status == Status.DISPATCHED and a.reply_content == ""


def test_returns_lock_after_two_and_go_back_to_center(p):
    a = submit(p)
    for _ in range(2):
        s.appeal_dispatch(appeal_id=a.pk, by=p.center, department="gdgs")
        a = s.appeal_return(appeal_id=a.pk, by=p.handler, reason="不属于我单位职责")
        assert a.status == Status.SUBMITTED and a.department_id is None
    a = s.appeal_dispatch(appeal_id=a.pk, by=p.center, department="gdgs")
    assert a.returns_locked
    with pytest.raises(InvalidTransition):
        s.appeal_return(appeal_id=a.pk, by=p.handler, reason="再退")


def test_unsatisfied_twice_goes_to_team(p):
    a = submit(p)
    s.appeal_dispatch(appeal_id=a.pk, by=p.center, department="gdgs")
    for i in range(2):
        s.appeal_sign(appeal_id=a.pk, by=p.handler)
        s.appeal_reply(appeal_id=a.pk, by=p.handler, result="explained", content="已解释")
        a = s.appeal_rate(
            appeal_id=a.pk, by=p.ent_user, rating="unsatisfied", resolved=False, comment="没解决"
        )
        assert a.status == Status.REVIEWING
        if i == 0:
            assert a.escalation_level == 0
            a = s.appeal_reopen(appeal_id=a.pk, by=p.center, reason="企业不满意，重办")
            assert a.status == Status.DISPATCHED and a.reopen_count == 1
    assert a.escalation_level == 2
    assert Notification.objects.filter(user=p.team, subject=f"appeal:{a.pk}").exists()


def test_extension_once_at_most_ten_days(p):
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False):
        a = submit(p)
        s.appeal_dispatch(appeal_id=a.pk, by=p.center, department="gdgs")
        s.appeal_sign(appeal_id=a.pk, by=p.handler)
        with pytest.raises(InvalidInput):
            s.appeal_extend(appeal_id=a.pk, by=p.handler, working_days=11, reason="太多")
        s.appeal_extend(appeal_id=a.pk, by=p.handler, working_days=3, reason="需要现场勘查")
        with pytest.raises(InvalidTransition):
            s.appeal_extend(appeal_id=a.pk, by=p.handler, working_days=2, reason="再来")
        with pytest.raises(Forbidden):
            s.appeal_approve_extension(appeal_id=a.pk, by=p.handler, approve=True)
        a = s.appeal_approve_extension(appeal_id=a.pk, by=p.center, approve=True)
    # 2026-11-02 (Mon) + 5 working days = 11-09; +3 = 11-12.
    assert a.reply_due_at == at(2026, 11, 12, 23, 59, 59)
    with pytest.raises(InvalidTransition):
        s.appeal_extend(appeal_id=a.pk, by=p.handler, working_days=2, reason="第二次")


def test_pause_stops_the_clock(p):
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False):
        a = submit(p)
        s.appeal_dispatch(appeal_id=a.pk, by=p.center, department="gdgs")
        s.appeal_sign(appeal_id=a.pk, by=p.handler)
        a = s.appeal_pause(appeal_id=a.pk, by=p.handler, reason="请企业补充用电报装材料")
    assert a.status == Status.PAUSED
    with time_machine.travel(at(2026, 11, 5, 9, 0), tick=False):  # 3 working days later
        a = s.appeal_resume(appeal_id=a.pk, by=p.handler)
    assert a.status == Status.IN_PROGRESS
    assert a.reply_due_at == at(2026, 11, 12, 23, 59, 59)  # 11-09 pushed by 3 working days


def test_merge_and_undo(p):
    a = submit(p)
    b = submit(p, by=p.competitor_user, contact_phone="13900001111")
    a = s.appeal_merge(appeal_id=a.pk, by=p.center, into=b.pk)
    assert a.status == Status.MERGED and a.merged_into_id == b.pk
    with pytest.raises(InvalidTransition):
        s.appeal_merge(appeal_id=b.pk, by=p.center, into=a.pk)
    a = s.appeal_unmerge(appeal_id=a.pk, by=p.center)
    assert a.status == Status.SUBMITTED and a.merged_into_id is None
    assert b.events.filter(action=Action.UNMERGE).exists()


def test_enterprise_withdraws_before_dispatch_only(p):
    a = submit(p)
    with pytest.raises(NotFound):
        s.appeal_withdraw(appeal_id=a.pk, by=p.competitor_user, reason="问题已解决")
    a = s.appeal_withdraw(appeal_id=a.pk, by=p.ent_user, reason="问题已解决")
    assert a.status == Status.WITHDRAWN
    b = submit(p)
    s.appeal_dispatch(appeal_id=b.pk, by=p.center, department="gdgs")
    with pytest.raises(InvalidTransition):
        s.appeal_withdraw(appeal_id=b.pk, by=p.ent_user, reason="问题已解决")


def test_bad_input_is_refused_with_chinese_message_and_no_row(p):
    from wuyou.appeals.models import Appeal

    with pytest.raises(InvalidInput) as exc:
        submit(p, contact_phone="12345")
    assert "联系电话" in exc.value.message
    with pytest.raises(InvalidInput):
        submit(p, title="  ")
    with pytest.raises(InvalidInput):
        submit(p, category="gossip")
    assert Appeal.objects.count() == 0
