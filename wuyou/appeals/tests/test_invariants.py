"""Property test: any sequence of actions by any persona keeps state, events and due times consistent."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wuyou.appeals import services as s
from wuyou.appeals.audit import verify_chain
from wuyou.appeals.models import Appeal, Status
from wuyou.core.errors import DomainError
from wuyou.testing import build_personas, submit

ACTORS = ["ent_user", "competitor_user", "center", "handler", "leader", "other_handler", "co_handler", "team"]
INPUTS = {
    "dispatch": {"department": "gdgs", "co_departments": ["zjj"]},
    "reject": {"reason": "不属于受理范围"},
    "withdraw": {},
    "sign": {},
    "return": {"reason": "非本单位职责"},
    "opinion": {"content": "协办意见"},
    "reply": {"result": "solved", "content": "已办理"},
    "rate": {"rating": "unsatisfied", "resolved": False},
    "rate_ok": {"rating": "satisfied", "resolved": True},
    "reopen": {"reason": "重办"},
    "close": {"reason": "办结"},
    "escalate": {"level": 2, "reason": "提级"},
    "supervise": {"note": "请加快办理"},
    "extend": {"working_days": 3, "reason": "勘查"},
    "approve_extension": {"approve": True},
    "pause": {"reason": "补充材料"},
    "resume": {},
    "merge": {},
    "unmerge": {},
}
step = st.tuples(st.sampled_from(sorted(INPUTS)), st.sampled_from(ACTORS))


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(step, min_size=1, max_size=14))
def test_random_action_sequences_keep_invariants(steps):
    from django.db import transaction

    with transaction.atomic():
        p = build_personas()
        a = submit(p)
        other = submit(p, title="另一件诉求")
        for name, actor in steps:
            action = "rate" if name == "rate_ok" else name
            data = dict(INPUTS[name])
            if action == "merge":
                data["into"] = other.pk
            before = Appeal.objects.get(pk=a.pk)
            n_events = before.events.count()
            try:
                s.perform(action, appeal_id=a.pk, by=getattr(p, actor), data=data)
            except DomainError:
                after = Appeal.objects.get(pk=a.pk)
                assert after.status == before.status and after.events.count() == n_events
                continue
            after = Appeal.objects.get(pk=a.pk)
            last = after.events.order_by("-seq").first()
            assert after.events.count() >= n_events + 1
            assert last.to_status == after.status
            check(after)
        checked, broken, reason = verify_chain()
        assert broken is None, reason
        transaction.set_rollback(True)


def check(a: Appeal):
    events = list(a.events.order_by("seq"))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert events[0].action == "submit"
    assert 0 <= a.escalation_level <= 3
    if a.status in (Status.DISPATCHED, Status.IN_PROGRESS, Status.PAUSED):
        assert a.department_id is not None
        assert a.sign_due_at and a.reply_due_at and a.warn_at and a.level2_due_at
        assert a.dispatched_at <= a.warn_at <= a.reply_due_at < a.level2_due_at
    if a.status == Status.SUBMITTED:
        assert a.department_id is None and a.sign_due_at is None
    if a.status == Status.MERGED:
        assert a.merged_into_id is not None
    else:
        assert a.merged_into_id is None
    if a.status == Status.REPLIED:
        assert a.replied_at and a.rate_due_at and a.rate_due_at > a.replied_at
    if a.status == Status.PAUSED:
        assert a.paused_at is not None
