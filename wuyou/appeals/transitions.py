"""The one transition table: which action may run from which states, by which roles, on whose appeals."""

from dataclasses import dataclass

from wuyou.core.errors import Forbidden, InvalidTransition
from wuyou.orgs.models import Role

from .models import Action, Appeal, Status

S = Status
CENTER = frozenset({Role.CENTER, Role.ADMIN})
DEPT = frozenset({Role.DEPT_HANDLER, Role.DEPT_LEADER})
ENTERPRISE = frozenset({Role.ENTERPRISE, Role.CADRE})
TEAM = frozenset({Role.TEAM})
OPEN_HANDLING = frozenset({S.DISPATCHED, S.IN_PROGRESS, S.PAUSED})


@dataclass(frozen=True)
class Rule:
    sources: frozenset
    roles: frozenset
    # Whose appeal: "lead" (the lead department), "co" (a co-handling department), "own" (the enterprise),
    # "any" (no ownership beyond role). The team acts only on appeals escalated to level 2 or more.
    scope: str = "any"


RULES: dict[str, Rule] = {
    Action.DISPATCH: Rule(frozenset({S.SUBMITTED, S.REVIEWING}), CENTER | TEAM),
    Action.REJECT: Rule(frozenset({S.SUBMITTED}), CENTER),
    Action.WITHDRAW: Rule(frozenset({S.SUBMITTED}), ENTERPRISE, "own"),
    Action.SIGN: Rule(frozenset({S.DISPATCHED}), DEPT, "lead"),
    Action.RETURN: Rule(frozenset({S.DISPATCHED, S.IN_PROGRESS}), DEPT, "lead"),
    Action.OPINION: Rule(frozenset({S.DISPATCHED, S.IN_PROGRESS, S.PAUSED}), DEPT, "co"),
    Action.REPLY: Rule(frozenset({S.IN_PROGRESS}), DEPT, "lead"),
    Action.RATE: Rule(frozenset({S.REPLIED}), frozenset({Role.ENTERPRISE}), "own"),
    Action.REOPEN: Rule(frozenset({S.REVIEWING, S.CLOSED}), CENTER | TEAM),
    Action.CLOSE: Rule(frozenset({S.REVIEWING, S.REPLIED}), CENTER | TEAM),
    Action.ESCALATE: Rule(frozenset({S.SUBMITTED, *OPEN_HANDLING, S.REVIEWING}), CENTER),
    Action.SUPERVISE: Rule(
        frozenset({*OPEN_HANDLING, S.REVIEWING}), CENTER | TEAM | frozenset({Role.LEADER})
    ),
    Action.EXTEND: Rule(frozenset({S.IN_PROGRESS}), DEPT, "lead"),
    Action.APPROVE_EXTENSION: Rule(frozenset({S.IN_PROGRESS, S.PAUSED}), CENTER),
    Action.PAUSE: Rule(frozenset({S.IN_PROGRESS}), DEPT, "lead"),
    Action.RESUME: Rule(frozenset({S.PAUSED}), DEPT | CENTER, "lead"),
    Action.MERGE: Rule(frozenset({S.SUBMITTED, *OPEN_HANDLING}), CENTER),
    Action.UNMERGE: Rule(frozenset({S.MERGED}), CENTER),
}


def role_of(user) -> str:
    return Role.ADMIN if user.is_superuser else user.role


def in_scope(appeal: Appeal, rule: Rule, user) -> bool:
    role = role_of(user)
    if role in TEAM and appeal.escalation_level < 2:
        return False
    if rule.scope == "lead" and role in DEPT:
        return appeal.department_id is not None and appeal.department_id == user.department_id
    if rule.scope == "co" and role in DEPT:
        return appeal.co_handlers.filter(department_id=user.department_id).exists()
    if rule.scope == "own" and role in ENTERPRISE:
        if role == Role.CADRE:
            return appeal.created_by_id == user.pk
        return appeal.enterprise_id == user.enterprise_id
    return True


def check_allowed(appeal: Appeal, action: str, user) -> None:
    """Raise Forbidden when this user may not take the action, InvalidTransition when the state forbids it."""
    rule = RULES[action]
    if role_of(user) not in rule.roles or not in_scope(appeal, rule, user):
        raise Forbidden(f"您无权对该诉求执行「{Action(action).label}」操作", code="forbidden")
    if appeal.status not in rule.sources:
        raise InvalidTransition(
            f"诉求当前状态为「{Status(appeal.status).label}」，不能执行「{Action(action).label}」",
        )


def available_actions(appeal: Appeal, user) -> list[str]:
    actions = []
    for action, rule in RULES.items():
        if appeal.status in rule.sources and role_of(user) in rule.roles and in_scope(appeal, rule, user):
            actions.append(action)
    if Action.RETURN in actions and appeal.returns_locked:
        actions.remove(Action.RETURN)
    if Action.EXTEND in actions and appeal.extension_used:
        actions.remove(Action.EXTEND)
    return actions
