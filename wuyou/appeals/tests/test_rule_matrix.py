"""Generated from the workflow table: every action × every persona × every state.

For each cell the service must refuse exactly as the table says — 404 when the persona cannot see the
appeal, 403 when the table's roles or scope exclude it, 409 when the state or a guard forbids the step —
and otherwise the step must go through with valid inputs. A service that bypasses or contradicts the
table, or a persona that can act where the table says no, turns this red."""

from datetime import timedelta

import pytest
from django.db import transaction

from wuyou.appeals import services as s
from wuyou.appeals.models import Appeal, CoHandler, Extension, Rating, ReplyResult, Status
from wuyou.appeals.selectors import visible_appeals
from wuyou.appeals.transitions import FLOW
from wuyou.core.errors import Forbidden, InvalidTransition, NotFound
from wuyou.core.workflow import EXPECTED_STATUS
from wuyou.orgs.models import Department
from wuyou.testing import submit

PERSONAS = (
    "ent_user",
    "competitor_user",
    "center",
    "handler",
    "leader",
    "other_handler",
    "co_handler",
    "team",
    "city_leader",
    "inspector",
    "cadre",
)


class Rollback(Exception):
    pass


def valid_inputs(rule, target_id):
    """A valid value for each input the table declares."""
    special = {
        "department": "gdgs",
        "result": ReplyResult.SOLVED,
        "rating": Rating.SATISFIED,
        "resolved": True,
        "level": 3,
        "into": target_id,
        "working_days": 3,
        "approve": True,
    }
    data = {}
    for i in rule.inputs:
        if i.name == EXPECTED_STATUS:
            continue  # the state the caller saw: the test passes the appeal's state
        if i.name in special:
            data[i.name] = special[i.name]
        elif i.kind == "list":
            data[i.name] = []
        elif i.kind in ("int", "decimal"):
            data[i.name] = i.low or 1
        else:
            data[i.name] = "测试说明文字"
    return data


def outcome(action, appeal_id, user, data):
    try:
        with transaction.atomic():
            if action == "approve_extension":
                Extension.objects.create(
                    appeal_id=appeal_id, working_days=3, reason="测试", requested_by=user, requested_at=_now()
                )
            s.perform(action, appeal_id=appeal_id, by=user, data=data)
            raise Rollback
    except Rollback:
        return "ok"
    except NotFound:
        return "404"
    except Forbidden:
        return "403"
    except InvalidTransition:
        return "409"


def _now():
    from django.utils import timezone

    return timezone.now()


@pytest.mark.parametrize("state", [st.value for st in Status])
def test_every_action_and_persona_in_state(p, state):
    appeal = submit(p)
    target = submit(p, title="另一件诉求")
    now = _now()
    # A consistent appeal in that state: the due times a real one would have.
    fields = {
        "status": state,
        "department": Department.objects.get(code="gdgs"),
        "escalation_level": 2,
        "dispatched_at": now,
        "sign_due_at": now + timedelta(days=1),
        "reply_due_at": now + timedelta(days=7),
        "paused_at": now if state == Status.PAUSED else None,
        "replied_at": now if state == Status.REPLIED else None,
        "rate_due_at": now + timedelta(days=3) if state == Status.REPLIED else None,
    }
    if state == Status.MERGED:
        fields |= {"merged_into": target, "status_before_merge": Status.SUBMITTED}
    Appeal.objects.filter(pk=appeal.pk).update(**fields)
    CoHandler.objects.create(appeal=appeal, department=Department.objects.get(code="zjj"))
    wrong = []
    for rule in FLOW.rules:
        if rule.system:
            continue
        for name in PERSONAS:
            user = getattr(p, name)
            fresh = Appeal.objects.get(pk=appeal.pk)
            if not visible_appeals(user).filter(pk=appeal.pk).exists():
                expected = "404"
            elif not FLOW.may(fresh, rule, user):
                expected = "403"
            elif state not in rule.sources or not all(g.test(fresh) for g in rule.guards):
                expected = "409"
            else:
                expected = "ok"
            data = {**valid_inputs(rule, target.pk), EXPECTED_STATUS: state}
            got = outcome(rule.action, appeal.pk, user, data)
            if got != expected:
                wrong.append(f"{rule.action} by {name} in {state}: expected {expected}, got {got}")
    assert not wrong, "\n".join(wrong)


def test_the_matrix_allows_someone_something_in_every_open_state(p):
    """Guard against a table that refuses everything: each open state has at least one person's step."""
    for state in (Status.SUBMITTED, Status.DISPATCHED, Status.IN_PROGRESS, Status.PAUSED, Status.REPLIED):
        assert any(not r.system and state in r.sources for r in FLOW.rules), state
