"""The appeals workflow table: every action, from which states, to which state, by whom, on whose
appeals, with which inputs. Services, pages, the API and the generated tests all read it."""

from django.utils.translation import gettext_lazy as _

from wuyou.core.workflow import Guard, Input, Rule, Workflow
from wuyou.orgs.access import CENTER, DEPT, ENTERPRISE_SIDE, LEADER, TEAM, Role, role_of

from .models import Action, Appeal, Extension, Rating, ReplyResult, Status

S = Status
A = Action
OPEN_HANDLING = frozenset({S.DISPATCHED, S.IN_PROGRESS, S.PAUSED})
HANDLING = frozenset({S.DISPATCHED, S.IN_PROGRESS})


# ---------------------------------------------------------------- scopes: whose appeal


def _team_ok(appeal: Appeal, user) -> bool:
    # The task force acts only on appeals escalated to it (level 2 or more).
    return role_of(user) not in TEAM or appeal.escalation_level >= 2


def any_scope(appeal: Appeal, user) -> bool:
    return _team_ok(appeal, user)


def lead(appeal: Appeal, user) -> bool:
    """A department acts only on the appeals it leads; the center acts on any."""
    if role_of(user) in DEPT:
        return appeal.department_id is not None and appeal.department_id == user.department_id
    return _team_ok(appeal, user)


def co(appeal: Appeal, user) -> bool:
    if role_of(user) in DEPT:
        return appeal.co_handlers.filter(department_id=user.department_id).exists()
    return _team_ok(appeal, user)


def own(appeal: Appeal, user) -> bool:
    role = role_of(user)
    if role == Role.CADRE:
        return appeal.created_by_id == user.pk
    if role == Role.ENTERPRISE:
        return appeal.enterprise_id == user.enterprise_id
    return _team_ok(appeal, user)


# ---------------------------------------------------------------- the table


def _after_rating(appeal: Appeal, inputs: dict) -> str:
    return S.REVIEWING if inputs.get("rating") == Rating.UNSATISFIED else S.CLOSED


def _after_unmerge(appeal: Appeal, inputs: dict) -> str:
    # The service clears status_before_merge in the same step, so it passes the state back as "back".
    return inputs.get("back") or appeal.status_before_merge or S.SUBMITTED


def reason(label, *, required=True, max_len=500):
    return Input("reason", label, required=required, max_len=max_len)


NOT_LOCKED = Guard(
    lambda a: not a.returns_locked, "该诉求已多次退回，协调中心已锁定，不能再退回", "returns_locked"
)


def _no_extension_yet(appeal: Appeal) -> bool:
    return (
        not appeal.extension_used
        and not appeal.extensions.filter(decision=Extension.Decision.PENDING).exists()
    )


NOT_EXTENDED = Guard(_no_extension_yet, "每件诉求只能申请一次延期", "extension_used")


def rule(action, sources, **kw) -> Rule:
    return Rule(action, Action(action).label, frozenset(sources), **kw)


RULES = [
    rule(
        A.DISPATCH,
        frozenset({S.SUBMITTED, S.REVIEWING}),
        to=S.DISPATCHED,
        roles=CENTER | TEAM,
        scope=any_scope,
        automatic=True,  # auto-dispatch (wuyou.dispatch) above a category's threshold
        inputs=(
            Input("department", "主办部门", max_len=40),
            Input("co_departments", "协办部门", kind="list"),
            Input("note", "交办意见", max_len=2000),
        ),
    ),
    rule(A.REJECT, frozenset({S.SUBMITTED}), to=S.REJECTED, roles=CENTER, inputs=(reason("不予受理理由"),)),
    rule(
        A.WITHDRAW,
        frozenset({S.SUBMITTED}),
        to=S.WITHDRAWN,
        roles=ENTERPRISE_SIDE,
        scope=own,
        # Irreversible: the page asks for confirmation, and everyone must say why (reason_required).
        inputs=(reason("撤回理由", max_len=2000),),
    ),
    rule(A.SIGN, frozenset({S.DISPATCHED}), to=S.IN_PROGRESS, roles=DEPT, scope=lead),
    rule(
        A.RETURN,
        HANDLING,
        to=S.SUBMITTED,
        roles=DEPT,
        scope=lead,
        guards=(NOT_LOCKED,),
        inputs=(reason("退回理由"),),
    ),
    rule(
        A.OPINION,
        OPEN_HANDLING,
        roles=DEPT,
        scope=co,
        inputs=(Input("content", "协办意见", required=True, max_len=2000),),
    ),
    rule(
        A.REPLY,
        frozenset({S.IN_PROGRESS}),
        to=S.REPLIED,
        roles=DEPT,
        scope=lead,
        inputs=(
            Input("result", "办理结果", kind="choice", choices=ReplyResult, required=True),
            Input("content", "答复内容", required=True, max_len=5000),
            Input(
                "cost_saved_yuan",
                "降本金额",
                kind="decimal",
                code="invalid_cost",
                low=0,
                high=10**12,
                message="降本金额必须是数字（元）",
            ),
        ),
    ),
    rule(
        A.RATE,
        frozenset({S.REPLIED}),
        to=_after_rating,
        roles=frozenset({Role.ENTERPRISE}),
        scope=own,
        inputs=(
            Input("rating", "评价", kind="choice", choices=Rating, required=True),
            Input("resolved", "问题是否已解决", kind="bool", required=True),
            Input("comment", "评价意见", max_len=1000),
        ),
    ),
    rule(
        A.REOPEN,
        frozenset({S.REVIEWING, S.CLOSED}),
        to=S.DISPATCHED,
        roles=CENTER | TEAM,
        scope=any_scope,
        inputs=(reason("重办理由"),),
    ),
    rule(
        A.CLOSE,
        frozenset({S.REVIEWING, S.REPLIED}),
        to=S.CLOSED,
        roles=CENTER | TEAM,
        scope=any_scope,
        inputs=(reason("办结说明"),),
    ),
    rule(
        A.ESCALATE,
        frozenset({S.SUBMITTED, *OPEN_HANDLING, S.REVIEWING}),
        roles=CENTER,
        title=_("提级督办"),
        automatic=True,  # the worker escalates overdue appeals, and so do returns and unsatisfied ratings
        inputs=(
            Input(
                "level",
                "督办层级",
                kind="int",
                required=True,
                low=1,
                high=3,
                code="invalid_level",
                message="督办层级必须是 1、2 或 3",
            ),
            reason("提级理由"),
        ),
    ),
    rule(
        A.SUPERVISE,
        frozenset({*OPEN_HANDLING, S.REVIEWING}),
        roles=CENTER | TEAM | LEADER,
        scope=any_scope,
        inputs=(
            Input("note", "督办意见", required=True, max_len=1000),
            Input("due_days", "督办期限（工作日）", kind="int", low=1, high=60, code="invalid_days"),
        ),
    ),
    rule(
        A.EXTEND,
        frozenset({S.IN_PROGRESS}),
        roles=DEPT,
        scope=lead,
        guards=(NOT_EXTENDED,),
        inputs=(
            Input("working_days", "延期天数", kind="int", required=True, low=1, high=10, code="invalid_days"),
            reason("延期理由"),
        ),
    ),
    rule(
        A.APPROVE_EXTENSION,
        OPEN_HANDLING - {S.DISPATCHED},
        roles=CENTER,
        inputs=(
            Input("approve", "是否批准", kind="bool", default=False),
            Input("note", "审批意见", max_len=2000),
            # Required when not approving (reason_required): the service checks it, as it depends on approve.
            reason("不批准理由", required=False, max_len=1000),
        ),
    ),
    rule(
        A.PAUSE,
        frozenset({S.IN_PROGRESS}),
        to=S.PAUSED,
        roles=DEPT,
        scope=lead,
        title=_("暂停（等待企业补充材料）"),
        inputs=(reason("暂停理由"),),
    ),
    rule(
        A.RESUME,
        frozenset({S.PAUSED}),
        to=S.IN_PROGRESS,
        roles=DEPT | CENTER,
        scope=lead,
        title=_("恢复办理"),
        inputs=(Input("note", "说明", max_len=2000),),
    ),
    rule(
        A.SUPPLY,
        frozenset({S.PAUSED}),
        to=S.IN_PROGRESS,
        roles=ENTERPRISE_SIDE,
        scope=own,
        title=_("补充材料（回复部门）"),
        # The answer to a pause: it resumes the clock as RESUME does; files come beside it (FILE_INPUTS).
        inputs=(Input("content", "补充说明", required=True, max_len=5000),),
    ),
    rule(
        A.MERGE,
        frozenset({S.SUBMITTED, *OPEN_HANDLING}),
        to=S.MERGED,
        roles=CENTER,
        title=_("合并到其他诉求"),
        inputs=(Input("into", "合并目标", kind="id", required=True, code="invalid_target"),),
    ),
    rule(A.UNMERGE, frozenset({S.MERGED}), to=_after_unmerge, roles=CENTER),
    # System actions: the worker's sweeps take their states from here.
    rule(A.WARN, HANDLING, system=True),
    rule(A.URGE, frozenset({S.DISPATCHED}), system=True),
    rule(A.AUTO_CLOSE, frozenset({S.REPLIED}), to=S.CLOSED, system=True),
]

# Actions that take uploaded files beside their inputs (multipart `files`), with the files' label.
FILE_INPUTS = {A.SUPPLY: "补充材料附件", A.REPLY: "答复附件"}

FLOW = Workflow(
    "appeal",
    RULES,
    role_of=role_of,
    noun="诉求",
    state_label=lambda s: Status(s).label,
)
ACTION_NAMES = FLOW.actions()


def check_allowed(appeal: Appeal, action: str, user):
    """Forbidden for the wrong role or scope, InvalidTransition for the wrong state or a failed guard."""
    return FLOW.check(appeal, action, user)


def available_actions(appeal: Appeal, user) -> list[str]:
    return FLOW.available(appeal, user)
