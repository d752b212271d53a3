"""The report workflow table, tested from the table: for every rule, every persona and every state, the
service refuses exactly when the table says so — 404 for whoever may not act (never 403: that would
confirm the report exists), 409 for the wrong state or a failed guard — and succeeds otherwise."""

import pytest
from django.db import transaction
from django.utils import timezone

from wuyou.core.errors import DomainError, InvalidTransition, NotFound
from wuyou.negative_list import services, sweeps
from wuyou.negative_list.models import Outcome, Referral, Report, Status
from wuyou.negative_list.services import REPORTER_SERVICES, SERVICES
from wuyou.negative_list.transitions import (
    FLOW,
    INVESTIGATOR,
    INVESTIGATOR_ACTIONS,
    REPORTER,
    REPORTER_ACTIONS,
    AsReporter,
)

from .helpers import act, file_report, to_concluded

pytestmark = pytest.mark.django_db

PERSONAS = (
    "investigator",
    "center_without_permission",
    "dept_user",
    "enterprise_reporter",
    "other_enterprise",
    "anonymous",
)
# Written out rather than read from the table: who is entitled to what is what the table must say.
ENTITLED = {"investigator": set(INVESTIGATOR_ACTIONS), "enterprise_reporter": set(REPORTER_ACTIONS)}
VALID = {
    "accept": {"note": "受理"},
    "reject": {"reason": "不属于负面清单范围"},
    "investigate": {},
    "request_explanation": {"summary": "请说明检查依据"},
    "extend": {"reason": "需要调取检查记录"},
    "conclude": {"outcome": "substantiated", "finding": "经核实属实"},
    "order_rectification": {"requirement": "规范涉企检查"},
    "refer": {"note": "线索移送"},
    "reply": {"content": "已核实处理"},
    "close": {},
    "rate": {"rating": "satisfied"},
    "add_material": {"text": "补充：第二次检查在11月25日"},
}
PEOPLE_ACTIONS = FLOW.actions()


def personas(p, inv):
    return {
        "investigator": inv,
        "center_without_permission": p.center,
        "dept_user": p.handler,
        "enterprise_reporter": p.ent_user,
        "other_enterprise": p.competitor_user,
        "anonymous": None,
    }


def call(action, report_id, user):
    service = SERVICES.get(action) or REPORTER_SERVICES[action]
    return service(report_id=report_id, by=user, **VALID[action])


def put_in(report: Report, status: str) -> Report:
    """The report in `status`, with every guard passing (substantiated, not extended, not referred)."""
    Referral.objects.filter(report=report).delete()
    Report.objects.filter(pk=report.pk).update(
        status=status, outcome=Outcome.SUBSTANTIATED, extended=False, accepted_at=timezone.now()
    )
    report.refresh_from_db()
    return report


def outcome_of(action, report, user) -> int:
    sid = transaction.savepoint()
    try:
        call(action, report.pk, user)
        return 200
    except (NotFound, InvalidTransition) as exc:
        return exc.status
    finally:
        transaction.savepoint_rollback(sid)


def test_every_action_has_inputs_for_the_matrix_and_one_service():
    assert set(VALID) == set(PEOPLE_ACTIONS)
    assert set(SERVICES) | set(REPORTER_SERVICES) == set(PEOPLE_ACTIONS)
    assert set(FLOW.system_actions()) == {"warn", "escalate", "dept_overdue"}
    for action in PEOPLE_ACTIONS:
        assert FLOW.rule(action).roles in ({INVESTIGATOR}, {REPORTER}), action


@pytest.mark.parametrize("action", PEOPLE_ACTIONS)
def test_rule_by_persona_by_state(nl, p, inv, action):
    report, _ = file_report(p.ent_user)
    rule = FLOW.rule(action)
    users = personas(p, inv)
    wrong, seen = [], set()
    for who in PERSONAS:
        user = users[who]
        actor = AsReporter(user) if REPORTER in rule.roles else user
        entitled = action in ENTITLED.get(who, set())
        assert FLOW.may(report, rule, actor) == entitled, (action, who)
        for status in Status.values:
            report = put_in(report, status)
            expected = 404 if not entitled else 200 if status in rule.sources else 409
            got = outcome_of(action, report, user)
            seen.add(got)
            if got != expected:
                wrong.append((action, who, status, expected, got))
    assert wrong == []
    assert seen == {200, 404, 409}  # every verdict was met: the matrix is not vacuous


@pytest.mark.parametrize("action", INVESTIGATOR_ACTIONS)
def test_perform_by_name_refuses_outsiders_with_404_before_anything_else(nl, p, inv, action):
    report, _ = file_report(p.ent_user)
    for who, user in personas(p, inv).items():
        if who == "investigator":
            continue
        # Even with invalid inputs and a missing report: nothing says whether it exists.
        for report_id in (report.pk, report.pk + 10_000):
            with pytest.raises(NotFound) as exc:
                services.perform(action, report_id=report_id, by=user, data={"outcome": "bogus"})
            assert exc.value.code == "not_found" and "状态" not in exc.value.message


def test_reporter_actions_by_name_and_the_anonymous_secret(nl, p, inv):
    anon, _secret = file_report(None)
    for action in REPORTER_ACTIONS:
        for user in (None, inv, p.ent_user):
            with pytest.raises(NotFound):
                services.reporter_act(report_id=anon.pk, action=action, user=user, data=VALID[action])
    # perform never runs a reporter's action, nor a system one
    for action in [*REPORTER_ACTIONS, *FLOW.system_actions(), "nosuch"]:
        with pytest.raises(NotFound):
            services.perform(action, report_id=anon.pk, by=inv, data={})
        with pytest.raises(NotFound) as exc:
            services.perform(action, report_id=anon.pk, by=p.ent_user, data={})
        assert exc.value.code == "not_found"
    services.reporter_act(
        report_id=anon.pk, action="add_material", secret_ok=True, data=VALID["add_material"]
    )
    with pytest.raises(InvalidTransition):
        services.reporter_act(report_id=anon.pk, action="rate", secret_ok=True, data=VALID["rate"])
    to_concluded(inv, anon)
    act(inv, anon, "reply", content="已处理")
    services.reporter_act(report_id=anon.pk, action="rate", secret_ok=True, data={"rating": "basic"})
    anon.refresh_from_db()
    assert anon.status == Status.CLOSED and anon.rating == "basic"
    # the reporter's events never name an account
    assert not anon.events.filter(action__in=REPORTER_ACTIONS, actor__isnull=False).exists()


def test_guards_refuse_with_409_and_their_codes(nl, p, inv):
    report, _ = file_report(p.ent_user)
    act(inv, report, "accept")
    act(inv, report, "extend", reason="调取记录")
    with pytest.raises(InvalidTransition) as exc:
        act(inv, report, "extend", reason="再延")
    assert exc.value.code == "already_extended"
    act(inv, report, "investigate")
    act(inv, report, "conclude", outcome="not_substantiated", finding="未发现问题")
    for action, data in (("order_rectification", {"requirement": "x"}), ("refer", {"note": "x"})):
        with pytest.raises(InvalidTransition) as exc:
            act(inv, report, action, **data)
        assert exc.value.code == "not_substantiated"
        # an outsider still learns nothing
        with pytest.raises(NotFound):
            services.perform(action, report_id=report.pk, by=p.center, data=data)
    other, _ = file_report(p.ent_user)
    to_concluded(inv, other)
    act(inv, other, "refer", note="线索")
    with pytest.raises(InvalidTransition) as exc:
        act(inv, other, "refer", note="again")
    assert exc.value.code == "already_referred"
    assert "refer" not in FLOW.available(other, inv)


def test_inputs_are_checked_after_the_permission_and_the_state(nl, p, inv):
    report, _ = file_report(p.ent_user)
    # wrong state first: 409 even though the inputs are missing
    with pytest.raises(InvalidTransition):
        act(inv, report, "conclude")
    act(inv, report, "accept")
    act(inv, report, "investigate")
    with pytest.raises(DomainError) as exc:
        act(inv, report, "conclude", outcome="bogus", finding="x")
    assert exc.value.code == "invalid_outcome"
    with pytest.raises(DomainError) as exc:
        act(inv, report, "request_explanation", summary="请说明", due_days=0)
    assert exc.value.status == 400 and "1 到 90" in exc.value.message
    with pytest.raises(DomainError) as exc:
        services.reporter_act(report_id=report.pk, action="add_material", user=p.ent_user, data={})
    assert exc.value.code == "text_required"


def test_available_actions_follow_the_table(nl, p, inv):
    report, _ = file_report(p.ent_user)
    assert services_available(report, inv) == ["accept", "reject"]
    for user in personas(p, inv).values():
        if user is not inv:
            assert services_available(report, user) == []
    act(inv, report, "accept")
    report.refresh_from_db()
    assert services_available(report, inv) == ["investigate", "request_explanation", "extend"]


def services_available(report, user):
    from wuyou.negative_list.transitions import available_actions

    return available_actions(report, user)


def test_sweeps_take_their_states_from_the_system_rules():
    assert set(sweeps.states("warn")) == set(FLOW.rule("warn").sources)
    assert sweeps.states("escalate", {Status.SUBMITTED}) == [Status.SUBMITTED]
    assert set(sweeps.states("escalate", sweeps.HANDLING)) == {Status.ACCEPTED, Status.INVESTIGATING}
    with pytest.raises(AssertionError):
        sweeps.states("accept")  # a person's action is no sweep's
