"""The worker task for reports (settings.WORKER_TASKS): deadline warnings and escalations, overdue department
requests and the retaliation scan of appeals.

The sweeps run on the kernel's guarded sweep engine (wuyou.core.sweeps): rows still matching the guard are
claimed in batches, changed with one UPDATE, their events appended with one insert, so several workers or
a crash mid-sweep never double-escalate or lose one, and a row that fails is held back instead of
blocking the rest. The states each sweep may touch come from the workflow table's system rules."""

from django.utils import timezone

from wuyou.core.sweeps import sweep
from wuyou.core.worker import run_each
from wuyou.orgs.models import Role

from . import notify
from .audit import append_events
from .models import Action, DeptRequest, Report, Status
from .retaliation import scan_appeals
from .transitions import FLOW, HANDLING

A = Action
BATCH = 500
# What the sweeps read of a report: never the identity, the text or the tags.
FIELDS = ("id", "number", "status", "conclude_due_at")


def states(action: str, within=None) -> list[str]:
    """The source states of the table's system rule for `action`, narrowed to one phase (`within`)
    when a sweep handles only part of them (escalation before and after acceptance)."""
    rule = FLOW.rule(action)
    assert rule.system, f"{action} is not a system action"
    found = rule.sources if within is None else rule.sources & frozenset(within)
    assert found, f"the table allows {action} in none of {within}"
    return sorted(found)


class Batch:
    """The report events one batch writes, appended together. A department request's overdue event
    goes on its report, whose row the batch locks before appending (events are appended under the
    subject's lock)."""

    def __init__(self, now):
        self.now = now
        self.events: list[dict] = []
        self.overdue: list[DeptRequest] = []

    def event(self, report, action: str, note: str):
        self.events.append(
            {"report_id": report.pk, "status": report.status, "action": action, "note": note, "at": self.now}
        )

    def flush(self):
        if self.overdue:
            self._dept_overdue()
        append_events(self.events)

    def _dept_overdue(self):
        ids = sorted({req.report_id for req in self.overdue})
        reports = {
            r.pk: r
            for r in Report.objects.select_for_update().filter(pk__in=ids).order_by("pk").only(*FIELDS)
        }
        for req in self.overdue:
            report = reports[req.report_id]
            self.event(report, A.DEPT_OVERDUE, f"HS{req.pk}（{req.get_kind_display()}）逾期未回复")
            notify.to_investigators(f"举报 {report.number}：被举报单位逾期未回复 HS{req.pk}")
            notify.to_department(req.department_id, f"核实事项 HS{req.pk} 已逾期", roles=(Role.DEPT_LEADER,))


def _run(name: str, model, guard: dict, changes: dict, apply, now, *, fields=()) -> int:
    return sweep(
        f"negative_list.{name}",
        model,
        guard,
        changes=changes,
        apply=apply,
        make_batch=lambda: Batch(now),
        now=now,
        fields=fields,
        batch_size=BATCH,
    )


def sweep_accept_overdue(now) -> int:
    def apply(r, batch):
        batch.event(r, A.ESCALATE, "超过 1 个工作日未受理")
        notify.to_investigators(f"督办：举报 {r.number} 超过受理时限未受理")

    guard = {
        "status__in": states(A.ESCALATE, {Status.SUBMITTED}),
        "accept_due_at__lt": now,
        "escalated_at__isnull": True,
    }
    return _run("accept_overdue", Report, guard, {"escalated_at": now}, apply, now, fields=FIELDS)


def sweep_conclude_warnings(now) -> int:
    def apply(r, batch):
        due = timezone.localtime(r.conclude_due_at)
        batch.event(r, A.WARN, f"办结期限 {due:%Y-%m-%d} 即将到期")
        notify.to_investigators(f"即将到期：举报 {r.number} 须于 {due:%m月%d日} 前办结", email=False)

    guard = {
        "status__in": states(A.WARN),
        "warn_at__lte": now,
        "warned_at__isnull": True,
        "conclude_due_at__gt": now,
    }
    return _run("warnings", Report, guard, {"warned_at": now}, apply, now, fields=FIELDS)


def sweep_conclude_overdue(now) -> int:
    def apply(r, batch):
        batch.event(r, A.ESCALATE, "超过办结期限")
        notify.to_investigators(f"督办：举报 {r.number} 已超过办结期限")

    guard = {
        "status__in": states(A.ESCALATE, HANDLING),
        "conclude_due_at__lt": now,
        "escalated_at__isnull": True,
    }
    return _run("conclude_overdue", Report, guard, {"escalated_at": now}, apply, now, fields=FIELDS)


def sweep_dept_requests(now) -> int:
    def warn(req, batch):
        notify.to_department(req.department_id, f"核实事项 HS{req.pk} 即将到期，请按时回复")

    def overdue(req, batch):
        batch.overdue.append(req)

    open_ = {"answered_at__isnull": True}
    warn_guard = {**open_, "warn_at__lte": now, "warned_at__isnull": True, "due_at__gt": now}
    n = _run("dept_warnings", DeptRequest, warn_guard, {"warned_at": now}, warn, now)
    overdue_guard = {
        **open_,
        "report__status__in": states(A.DEPT_OVERDUE),
        "due_at__lt": now,
        "overdue_at__isnull": True,
    }
    return n + _run("dept_overdue", DeptRequest, overdue_guard, {"overdue_at": now}, overdue, now)


def scan_appeals_for_retaliation(now) -> int:
    """Returned and overdue appeals of reporting enterprises since the previous round (retaliation.py)."""
    return scan_appeals(now)


def sweep_all(now=None) -> dict:
    now = now or timezone.now()
    # Each sweep isolated: a failing one must not stop the others.
    return run_each(
        "negative_list",
        {
            "nl_accept_overdue": sweep_accept_overdue,
            "nl_warnings": sweep_conclude_warnings,
            "nl_conclude_overdue": sweep_conclude_overdue,
            "nl_dept_requests": sweep_dept_requests,
            "nl_retaliation": scan_appeals_for_retaliation,
        },
        now,
    )
