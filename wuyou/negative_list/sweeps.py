"""The worker task for reports (settings.WORKER_TASKS): deadline warnings and escalations, overdue department
requests and the retaliation scan of appeals. Every update is guarded (lock the row only if it still
matches), so several workers or a crash mid-sweep never double-escalate or lose one."""

from django.db import transaction
from django.utils import timezone

from wuyou.appeals.models import Appeal
from wuyou.appeals.models import Event as AppealEvent
from wuyou.appeals.models import Status as AppealStatus
from wuyou.orgs.models import Role

from . import crypto, notify
from .models import DeptRequest, Report, Status
from .retaliation import WATCH, check_retaliation
from .services import record

HANDLING = [Status.ACCEPTED, Status.INVESTIGATING]


def _guarded(model, pk, guard: dict, apply) -> bool:
    with transaction.atomic():
        row = model.objects.select_for_update().filter(pk=pk, **guard).first()
        if row is None:
            return False
        apply(row)
        return True


def _each(model, guard: dict, apply, limit=5000) -> int:
    ids = list(model.objects.filter(**guard).values_list("pk", flat=True)[:limit])
    return sum(_guarded(model, pk, guard, apply) for pk in ids)


def sweep_accept_overdue(now) -> int:
    def apply(r):
        r.escalated_at = now
        r.save(update_fields=["escalated_at"])
        record(r, "escalate", note="超过 1 个工作日未受理", at=now)
        notify.to_investigators(f"督办：举报 {r.number} 超过受理时限未受理")

    return _each(
        Report, {"status": Status.SUBMITTED, "accept_due_at__lt": now, "escalated_at__isnull": True}, apply
    )


def sweep_conclude_warnings(now) -> int:
    guard = {
        "status__in": HANDLING,
        "warn_at__lte": now,
        "warned_at__isnull": True,
        "conclude_due_at__gt": now,
    }

    def apply(r):
        r.warned_at = now
        r.save(update_fields=["warned_at"])
        due = timezone.localtime(r.conclude_due_at)
        record(r, "warn", note=f"办结期限 {due:%Y-%m-%d} 即将到期", at=now)
        notify.to_investigators(f"即将到期：举报 {r.number} 须于 {due:%m月%d日} 前办结", email=False)

    return _each(Report, guard, apply)


def sweep_conclude_overdue(now) -> int:
    def apply(r):
        r.escalated_at = now
        r.save(update_fields=["escalated_at"])
        record(r, "escalate", note="超过办结期限", at=now)
        notify.to_investigators(f"督办：举报 {r.number} 已超过办结期限")

    guard = {"status__in": HANDLING, "conclude_due_at__lt": now, "escalated_at__isnull": True}
    return _each(Report, guard, apply)


def sweep_dept_requests(now) -> int:
    def warn(req):
        req.warned_at = now
        req.save(update_fields=["warned_at"])
        notify.to_department(req.department_id, f"核实事项 HS{req.pk} 即将到期，请按时回复")

    def overdue(req):
        req.overdue_at = now
        req.save(update_fields=["overdue_at"])
        report = Report.objects.select_for_update().get(pk=req.report_id)
        record(report, "dept_overdue", note=f"HS{req.pk}（{req.get_kind_display()}）逾期未回复", at=now)
        notify.to_investigators(f"举报 {report.number}：被举报单位逾期未回复 HS{req.pk}")
        notify.to_department(req.department_id, f"核实事项 HS{req.pk} 已逾期", roles=(Role.DEPT_LEADER,))

    open_ = {"answered_at__isnull": True}
    n = _each(DeptRequest, {**open_, "warn_at__lte": now, "warned_at__isnull": True, "due_at__gt": now}, warn)
    return n + _each(DeptRequest, {**open_, "due_at__lt": now, "overdue_at__isnull": True}, overdue)


def scan_appeals_for_retaliation(now) -> int:
    """Returned appeals and overdue (slow-walked) appeals of a reporting enterprise at the department it
    reported, after the report. Alerts are unique per (report, ref), so rescanning is harmless."""
    created = 0
    reports = Report.objects.exclude(enterprise_tag="").filter(created_at__gte=now - WATCH)
    for report in reports.only("pk", "identity_token", "department_id", "created_at"):
        ent_id = crypto.decrypt_identity(report.identity_token).get("enterprise_id")
        if not ent_id:
            continue
        returns = AppealEvent.objects.filter(
            action="return",
            department_id=report.department_id,
            appeal__enterprise_id=ent_id,
            at__gte=report.created_at,
        ).select_related("appeal")
        for ev in returns:
            created += len(
                check_retaliation(
                    department=report.department_id,
                    enterprise=ent_id,
                    action=f"退回诉求 {ev.appeal.number}",
                    ref=f"appeal-return:{ev.pk}",
                    at=ev.at,
                )
            )
        slow = Appeal.objects.filter(
            enterprise_id=ent_id,
            department_id=report.department_id,
            status__in=[AppealStatus.DISPATCHED, AppealStatus.IN_PROGRESS],
            reply_due_at__lt=now,
            reply_due_at__gte=report.created_at,
        )
        for appeal in slow:
            created += len(
                check_retaliation(
                    department=report.department_id,
                    enterprise=ent_id,
                    action=f"诉求 {appeal.number} 超期未答复",
                    ref=f"appeal-overdue:{appeal.pk}",
                    at=appeal.reply_due_at,
                )
            )
    return created


def sweep_all(now=None) -> dict:
    now = now or timezone.now()
    return {
        "nl_accept_overdue": sweep_accept_overdue(now),
        "nl_warnings": sweep_conclude_warnings(now),
        "nl_conclude_overdue": sweep_conclude_overdue(now),
        "nl_dept_requests": sweep_dept_requests(now),
        "nl_retaliation": scan_appeals_for_retaliation(now),
    }
