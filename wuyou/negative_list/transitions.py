"""The one transition table for reports: from which states an action may run, and who runs it.

Actors: "investigator" (center with the permission, admin, superuser) and "reporter" (the anonymous holder
of the tracking secret, or the enterprise account that filed the report). Departments never act on a report;
they answer a DeptRequest, which is not a report transition.
"""

from dataclasses import dataclass

from wuyou.core.errors import InvalidTransition, NotFound

from .models import Outcome, Status
from .permissions import NOT_FOUND, is_investigator

S = Status
SUBSTANTIATED = {Outcome.SUBSTANTIATED, Outcome.PARTLY}


@dataclass(frozen=True)
class Rule:
    label: str
    sources: frozenset
    actor: str = "investigator"
    to: str | None = None  # None: the state does not change


RULES: dict[str, Rule] = {
    "accept": Rule("受理", frozenset({S.SUBMITTED}), to=S.ACCEPTED),
    "reject": Rule("不予受理", frozenset({S.SUBMITTED}), to=S.REJECTED),
    "investigate": Rule("开始调查核实", frozenset({S.ACCEPTED}), to=S.INVESTIGATING),
    "request_explanation": Rule(
        "要求被举报单位说明情况", frozenset({S.ACCEPTED, S.INVESTIGATING}), to=S.INVESTIGATING
    ),
    "extend": Rule("延长办理期限", frozenset({S.ACCEPTED, S.INVESTIGATING})),
    "conclude": Rule("作出认定", frozenset({S.INVESTIGATING}), to=S.CONCLUDED),
    "order_rectification": Rule("责令整改", frozenset({S.CONCLUDED}), to=S.RECTIFYING),
    "refer": Rule("移送纪委监委", frozenset({S.CONCLUDED, S.RECTIFYING, S.REPLIED, S.CLOSED})),
    "reply": Rule("答复举报人", frozenset({S.CONCLUDED, S.RECTIFYING}), to=S.REPLIED),
    "close": Rule("办结", frozenset({S.REPLIED}), to=S.CLOSED),
    "rate": Rule("评价", frozenset({S.REPLIED}), actor="reporter", to=S.CLOSED),
    "add_material": Rule("补充材料", frozenset({S.SUBMITTED, S.ACCEPTED, S.INVESTIGATING}), actor="reporter"),
}
INVESTIGATOR_ACTIONS = [a for a, r in RULES.items() if r.actor == "investigator"]


def check_allowed(report, action: str, user, *, reporter: bool = False) -> Rule:
    """Raise NotFound for anyone not entitled (never 403: that would confirm the report exists),
    InvalidTransition when the state forbids the action."""
    rule = RULES.get(action)
    if rule is None:
        raise NotFound(f"未知操作：{action}", code="unknown_action")
    entitled = reporter if rule.actor == "reporter" else is_investigator(user)
    if not entitled:
        raise NotFound(NOT_FOUND, code="not_found")
    if report.status not in rule.sources:
        raise InvalidTransition(f"举报当前状态为「{Status(report.status).label}」，不能执行「{rule.label}」")
    if action == "extend" and report.extended:
        raise InvalidTransition("办理期限只能延长一次", code="already_extended")
    if action in ("order_rectification", "refer") and report.outcome not in SUBSTANTIATED:
        raise InvalidTransition("只有认定属实或部分属实的举报才能责令整改或移送", code="not_substantiated")
    if action == "refer" and hasattr(report, "referral"):
        raise InvalidTransition("该举报已移送纪委监委", code="already_referred")
    return rule


def available_actions(report, user) -> list[str]:
    if not is_investigator(user):
        return []
    out = []
    for action in INVESTIGATOR_ACTIONS:
        try:
            check_allowed(report, action, user)
        except (InvalidTransition, NotFound):
            continue
        out.append(action)
    return out
