"""Extension requests (申请延期) as the center decides them: what the approval list shows of each request
(its age, the current and the proposed reply due time, the reason, who asked), the decision, and the rule
for an approval that comes late.

Late approval (docs/decisions.md): the new reply due time counts from the original one, and the working
days the request waited after it are not counted against the department — the clock stands still while
the center decides, as it does while an appeal is paused: new due = original due + requested working days
+ working days the request waited after the original due time (counted from the request when the
department asked only after it). An overdue escalation by the worker recorded while the request waited is
withdrawn with an event (escalation.withdraw_overdue_escalations) once the new due time is in the future;
an escalation with another cause (a person's, too many returns, unsatisfied ratings) stays.

(The module wuyou.appeals.extensions is something else: the places other apps plug panels into pages.)"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wuyou.core.errors import InvalidInput, InvalidTransition
from wuyou.workdays import clock
from wuyou.workdays.calendar import workday_deadline

from . import deadlines, notify
from .escalation import level_text, overdue_escalations_since, withdraw_overdue_escalations
from .models import Action, Appeal, Extension
from .steps import begin, transition
from .transitions import FLOW

PENDING = Extension.Decision.PENDING
# The inputs of the decision as the workflow table declares them (approve, note, reason).
DECISION_INPUTS = ("approve", "note", "reason")


def reason_required_message() -> str:
    return _("不批准时请填写理由，申请部门会收到这条理由")


def person_name(user) -> str:
    """A person as colleagues know them: the real name, family name first (Chinese order, no space);
    the login name only when no name was ever entered."""
    if user is None:
        return ""
    name = f"{user.last_name}{user.first_name}".strip()
    return name or user.username


def local_text(dt: datetime | None) -> str:
    """2026年11月9日 23:59, Shanghai time."""
    if dt is None:
        return ""
    d = timezone.localtime(dt)
    return f"{d.year}年{d.month}月{d.day}日 {d:%H:%M}"


# ---------------------------------------------------------------- the rule for a late approval


def waited_workdays(appeal: Appeal, ext: Extension, now: datetime) -> int:
    """Working days the request waited for the center after the original reply due time (0 when the
    center decides in time). A department that asked only after the due time gets back the wait after
    its request, not its own lateness before it."""
    due = appeal.reply_due_at
    if due is None or now <= due:
        return 0
    return clock.paused_workdays(max(due, ext.requested_at), now)


def approved_due(appeal: Appeal, ext: Extension, now: datetime) -> tuple[datetime | None, int]:
    """(the reply due time an approval at `now` sets, the working days of waiting it leaves out)."""
    if appeal.reply_due_at is None:
        return None, 0
    waited = waited_workdays(appeal, ext, now)
    due, _est = workday_deadline(appeal.reply_due_at, ext.working_days + waited)
    return due, waited


# ---------------------------------------------------------------- the approval list


def age_text(requested_at: datetime, now: datetime) -> str:
    """提交于 3 个工作日前; within the first working day in hours (提交于 5 小时前)."""
    days = clock.paused_workdays(requested_at, now)
    if days >= 1:
        return ngettext("提交于 %(n)d 个工作日前", "提交于 %(n)d 个工作日前", days) % {"n": days}
    hours = int((now - requested_at).total_seconds() // 3600)
    if hours >= 1:
        return ngettext("提交于 %(n)d 小时前", "提交于 %(n)d 小时前", hours) % {"n": hours}
    return _("提交于 1 小时内")


@dataclass
class Row:
    """One pending request as the approval list shows it."""

    ext: Extension
    appeal: Appeal
    age: str
    age_workdays: int
    handler: str
    handler_department: str
    current_due: datetime | None
    proposed_due: datetime | None
    waited: int  # working days of waiting after the original due time that the proposal leaves out
    past_due: bool  # the original reply due time has passed while the request waited
    withdraw: tuple[int, int] | None  # (level now, level after) when approving withdraws an escalation
    form: dict = field(default_factory=dict)  # the posted values and errors of a refused decision

    @property
    def withdraw_text(self) -> str:
        if not self.withdraw:
            return ""
        return f"{level_text(self.withdraw[0])} → {level_text(self.withdraw[1])}"


def pending_requests() -> QuerySet[Extension]:
    """Requests waiting for the center, oldest first, with what the list shows of them."""
    return (
        Extension.objects.filter(decision=PENDING)
        .select_related("appeal", "appeal__department", "requested_by", "requested_by__department")
        .order_by("requested_at", "pk")
    )


def _withdraw_preview(appeal: Appeal, ext: Extension, proposed: datetime | None, now) -> tuple | None:
    if not appeal.escalation_level or proposed is None or proposed <= now:
        return None
    # What the approval would find, judged by the proposed due time.
    events, level = overdue_escalations_since(appeal, ext.requested_at, now, reply_due_at=proposed)
    return (appeal.escalation_level, level) if events else None


def rows(exts, now: datetime | None = None) -> list[Row]:
    now = now or timezone.now()
    out = []
    for ext in exts:
        appeal, user = ext.appeal, ext.requested_by
        proposed, waited = approved_due(appeal, ext, now)
        out.append(
            Row(
                ext=ext,
                appeal=appeal,
                age=age_text(ext.requested_at, now),
                age_workdays=clock.paused_workdays(ext.requested_at, now),
                handler=person_name(user),
                # The department the person asked for (the appeal's lead department when they have none).
                handler_department=(user.department.name if user.department_id else "")
                or (appeal.department.name if appeal.department_id else ""),
                current_due=appeal.reply_due_at,
                proposed_due=proposed,
                waited=waited,
                past_due=bool(appeal.reply_due_at and appeal.reply_due_at < now),
                withdraw=_withdraw_preview(appeal, ext, proposed, now),
            )
        )
    return out


# ---------------------------------------------------------------- the decision


def decision_errors(data: dict) -> dict[str, str]:
    """Every input error of a decision at once, by field (the page shows each beside its field); the
    service checks the same again."""
    errors, values = {}, {}
    for i in FLOW.rule(Action.APPROVE_EXTENSION).inputs:
        if i.name not in DECISION_INPUTS:
            continue
        try:
            values[i.name] = i.clean(data.get(i.name))
        except InvalidInput as exc:
            errors[i.name] = exc.message
    if "approve" not in errors and not values.get("approve") and not errors.get("reason"):
        if not values.get("reason"):
            errors["reason"] = reason_required_message()
    return errors


@dataclass(frozen=True)
class Decision:
    appeal: Appeal
    extension: Extension
    approved: bool
    withdrawn: tuple[int, int] | None  # (level before, level after) of a withdrawn overdue escalation

    @property
    def message(self) -> str:
        """The success message naming the appeal."""
        number = self.appeal.number
        if not self.approved:
            return _("已不批准诉求 %(number)s 的延期申请，理由已告知申请部门") % {"number": number}
        text = _("已批准诉求 %(number)s 延期 %(days)d 个工作日，答复期限延至 %(due)s") % {
            "number": number,
            "days": self.extension.working_days,
            "due": local_text(self.appeal.reply_due_at),
        }
        if self.withdrawn:
            text += _("；审批等待期间的超期提级已撤销（%(levels)s）") % {
                "levels": f"{level_text(self.withdrawn[0])} → {level_text(self.withdrawn[1])}"
            }
        return text


@transaction.atomic
def decide(
    *, appeal_id: int, by, approve, note: str = "", reason: str = "", extension_id: int | None = None
) -> Decision:
    """Approve or refuse the appeal's pending request. `extension_id`: the request the person saw (the
    list page sends it); another pending request (a new one after a refusal) is refused as stale."""
    appeal, v = begin(appeal_id, by, Action.APPROVE_EXTENSION, approve=approve, note=note, reason=reason)
    approve = bool(v["approve"])
    ext = appeal.extensions.select_for_update().filter(decision=PENDING).first()
    if ext is None:
        raise InvalidTransition(
            _("该诉求没有待审批的延期申请（可能已由他人审批）"), code="no_pending_extension"
        )
    if extension_id is not None and ext.pk != extension_id:
        raise InvalidTransition(
            _("该诉求的延期申请已有变化，请查看最新的申请后再审批"), code="stale_extension"
        )
    if not approve and not v["reason"]:
        raise InvalidInput(reason_required_message(), code="reason_required")
    now = timezone.now()
    ext.decision = Extension.Decision.APPROVED if approve else Extension.Decision.DENIED
    ext.decided_by, ext.decided_at = by, now
    ext.save(update_fields=["decision", "decided_by", "decided_at"])
    fields = []
    data = {"approve": approve, "working_days": ext.working_days}
    if approve:
        before = appeal.reply_due_at
        waited = waited_workdays(appeal, ext, now)
        appeal.extension_used = True
        fields = ["extension_used", *deadlines.extend_reply_deadline(appeal, ext.working_days + waited)]
        data.update(
            reply_due_before=before.isoformat() if before else None,
            reply_due_at=appeal.reply_due_at.isoformat() if appeal.reply_due_at else None,
            waited_workdays=waited,
        )
        text = f"批准延期 {ext.working_days} 个工作日，答复期限延至 {local_text(appeal.reply_due_at)}"
        if waited:
            text += f"（自原期限起算，审批等待的 {waited} 个工作日不计）"
    else:
        data["reason"] = v["reason"]
        text = f"不批准延期申请，理由：{v['reason']}"
    if v["note"]:
        text += f"。审批意见：{v['note']}"
    transition(appeal, Action.APPROVE_EXTENSION, by, fields=fields, note=text, data=data)
    withdrawn = None
    if approve:
        withdrawn = withdraw_overdue_escalations(
            appeal, since=ext.requested_at, now=now, why="延期已批准，审批等待期间的超期不计"
        )
    verdict = "已批准" if approve else "未批准"
    notify.notify(
        notify.department_users(appeal.department_id),
        appeal,
        f"延期{verdict}：{notify.link_text(appeal)}",
        text,
    )
    return Decision(appeal=appeal, extension=ext, approved=approve, withdrawn=withdrawn)


def appeal_approve_extension(*, appeal_id: int, by, approve, note: str = "", reason: str = "") -> Appeal:
    """The table's service for approve_extension (services.perform, the API)."""
    return decide(appeal_id=appeal_id, by=by, approve=approve, note=note, reason=reason).appeal
