"""The reports' workflow table on the kernel (wuyou.core.workflow): every action, from which states, to
which state, by whom, with which inputs. Services, pages, the API and the generated tests all read it.

Actors are two pseudo-roles. "investigator": a center user holding the permission, the admin role, a
superuser (permissions.is_investigator). "reporter": whoever acts as the report's reporter — the
enterprise account that filed it, or the holder of an anonymous report's tracking secret — represented
by `AsReporter`, since holding a secret is not a property of a user. Departments never act on a report;
they answer a DeptRequest, which is not a report transition. Anyone not entitled gets 404, never 403:
a 403 would confirm the report exists.
"""

from dataclasses import dataclass

from wuyou.core.workflow import Guard, Input, Rule, Workflow
from wuyou.orgs.access import role_of as user_role

from . import crypto
from .models import Action, Outcome, Rating, Referral, Status
from .permissions import NOT_FOUND, is_investigator

S = Status
A = Action
INVESTIGATOR = "investigator"
REPORTER = "reporter"
SUBSTANTIATED = frozenset({Outcome.SUBSTANTIATED, Outcome.PARTLY})
HANDLING = frozenset({S.ACCEPTED, S.INVESTIGATING})
OPEN = frozenset({S.SUBMITTED, *HANDLING})
# Wherever an accepted report may have a department request still open (explanation or rectification).
AFTER_ACCEPT = frozenset(S) - {S.SUBMITTED, S.REJECTED}
EXPLANATION_WORKDAYS = 5
RECTIFICATION_WORKDAYS = 20


# ---------------------------------------------------------------- actors


@dataclass(frozen=True)
class AsReporter:
    """The actor of the reporter's own actions: a signed-in account, or (anonymous reports) someone who
    has just proved the tracking secret (`secret_ok`)."""

    user: object = None
    secret_ok: bool = False


def account_tag(user) -> str:
    return crypto.tag("user", user.pk)


def reporter_may(report, user=None, secret_ok: bool = False) -> bool:
    if secret_ok:
        return True
    return bool(user is not None and user.is_authenticated and report.account_tag == account_tag(user))


def role_of(actor) -> str | None:
    if isinstance(actor, AsReporter):
        return REPORTER
    if is_investigator(actor):
        return INVESTIGATOR
    return user_role(actor)


def own_report(report, actor: AsReporter) -> bool:
    return reporter_may(report, actor.user, actor.secret_ok)


# ---------------------------------------------------------------- guards


NOT_EXTENDED = Guard(lambda r: not r.extended, "办理期限只能延长一次", "already_extended")
IS_SUBSTANTIATED = Guard(
    lambda r: r.outcome in SUBSTANTIATED,
    "只有认定属实或部分属实的举报才能责令整改或移送",
    "not_substantiated",
)
# A query rather than the cached reverse relation: the row lock is held, the answer must be current.
NOT_REFERRED = Guard(
    lambda r: not Referral.objects.filter(report_id=r.pk).exists(), "该举报已移送纪委监委", "already_referred"
)


# ---------------------------------------------------------------- the table


def rule(action, sources, *, by=INVESTIGATOR, **kw) -> Rule:
    scope = own_report if by == REPORTER else None
    roles = frozenset({by}) if by else frozenset()
    return Rule(action, Action(action).label, frozenset(sources), roles=roles, scope=scope, **kw)


def days(label: str, default: int) -> Input:
    return Input("due_days", label, kind="int", low=1, high=90, default=default)


RULES = [
    rule(A.ACCEPT, {S.SUBMITTED}, to=S.ACCEPTED, inputs=(Input("note", "受理意见", max_len=500),)),
    rule(
        A.REJECT,
        {S.SUBMITTED},
        to=S.REJECTED,
        inputs=(Input("reason", "不予受理理由", required=True, max_len=1000),),
    ),
    rule(A.INVESTIGATE, {S.ACCEPTED}, to=S.INVESTIGATING),
    rule(
        A.REQUEST_EXPLANATION,
        HANDLING,
        to=S.INVESTIGATING,
        inputs=(
            Input("summary", "核实事项摘要", required=True, max_len=2000),
            days("说明期限（工作日）", EXPLANATION_WORKDAYS),
        ),
    ),
    rule(
        A.EXTEND,
        HANDLING,
        guards=(NOT_EXTENDED,),
        inputs=(Input("reason", "延期理由", required=True, max_len=500),),
    ),
    rule(
        A.CONCLUDE,
        {S.INVESTIGATING},
        to=S.CONCLUDED,
        inputs=(
            Input("outcome", "认定结论", kind="choice", choices=Outcome, required=True),
            Input("finding", "认定意见", required=True, max_len=5000),
        ),
    ),
    rule(
        A.ORDER_RECTIFICATION,
        {S.CONCLUDED},
        to=S.RECTIFYING,
        guards=(IS_SUBSTANTIATED,),
        inputs=(
            Input("requirement", "整改要求", required=True, max_len=2000),
            days("整改期限（工作日）", RECTIFICATION_WORKDAYS),
        ),
    ),
    rule(
        A.REFER,
        {S.CONCLUDED, S.RECTIFYING, S.REPLIED, S.CLOSED},
        guards=(IS_SUBSTANTIATED, NOT_REFERRED),
        inputs=(Input("note", "移送说明", required=True, max_len=2000),),
    ),
    rule(
        A.REPLY,
        {S.CONCLUDED, S.RECTIFYING},
        to=S.REPLIED,
        inputs=(Input("content", "答复内容", required=True, max_len=5000),),
    ),
    rule(A.CLOSE, {S.REPLIED}, to=S.CLOSED, inputs=(Input("note", "办结说明", max_len=500),)),
    rule(
        A.RATE,
        {S.REPLIED},
        by=REPORTER,
        to=S.CLOSED,
        inputs=(
            Input("rating", "评价", kind="choice", choices=Rating, required=True),
            Input("comment", "评价意见", max_len=1000),
        ),
    ),
    # Required unless files come with it: the service checks the pair.
    rule(A.ADD_MATERIAL, OPEN, by=REPORTER, inputs=(Input("text", "补充说明", max_len=5000),)),
    # System actions: the worker's sweeps take their states from here.
    rule(A.WARN, HANDLING, by=None, system=True),
    rule(A.ESCALATE, OPEN, by=None, system=True),
    rule(A.DEPT_OVERDUE, AFTER_ACCEPT, by=None, system=True),
]

FLOW = Workflow(
    "report",
    RULES,
    role_of=role_of,
    noun="举报",
    state_label=lambda s: Status(s).label,
    hide_forbidden=True,
    not_found_message=NOT_FOUND,
)
INVESTIGATOR_ACTIONS = [r.action for r in RULES if INVESTIGATOR in r.roles]
REPORTER_ACTIONS = [r.action for r in RULES if REPORTER in r.roles]
ACTION_LABELS = {a.value: a.label for a in Action}


def check_allowed(report, action: str, actor) -> Rule:
    """NotFound for anyone not entitled, InvalidTransition for the wrong state or a failed guard."""
    return FLOW.check(report, action, actor)


def available_actions(report, user) -> list[str]:
    """What an investigator may do now (the center's page); nothing for anyone else."""
    return FLOW.available(report, user)
