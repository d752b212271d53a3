"""The audit page (审计日志) for the audit administrator and inspectors (纪委监委): every administrative
write and authentication event — who, when, what, before and after — filtered by category (登录认证:
the `auth.*` events), actor, subject, action and period; Excel export."""

from datetime import date, datetime, time, timedelta

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from wuyou.core.audit import AuditRecord
from wuyou.core.excel import Column, Sheet, write
from wuyou.core.paging import CappedPaginator, page_number
from wuyou.core.sweeps import PoisonRow, TaskRun

from . import access, audit_labels
from .access import role_required

AUDIT_READERS = (access.AUDIT_READERS,)  # 三权分立: see access.AUDIT_READERS
EXPORT_CAP = 50_000
SHEET = Sheet(
    "审计日志",
    [
        Column("at", "时间", width=20),
        Column("actor", "操作人", width=16),
        Column("action", "操作", width=24),
        Column("subject", "对象", width=30),
        Column("before", "修改前", width=40),
        Column("after", "修改后", width=40),
        Column("note", "说明", width=30),
    ],
    max_rows=EXPORT_CAP,
)


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def filtered(params) -> tuple[object, dict]:
    """The records matching the query string, newest first, and the cleaned filters."""
    f = {
        k: (params.get(k) or "").strip()[:60]
        for k in ("actor", "action", "subject", "start", "end", "category")
    }
    if f["category"] not in audit_labels.CATEGORIES:
        f["category"] = ""  # only the categories offered; anything else filters nothing
    qs = AuditRecord.objects.select_related("actor").order_by("-seq")
    if f["category"]:
        qs = qs.filter(action__startswith=audit_labels.CATEGORIES[f["category"]][1])
    if f["actor"]:
        qs = qs.filter(actor__username__icontains=f["actor"]) | qs.filter(
            actor__first_name__icontains=f["actor"]
        )
    if f["action"]:
        qs = qs.filter(action__startswith=f["action"])
    if f["subject"]:
        qs = qs.filter(subject_type__icontains=f["subject"]) | qs.filter(
            subject_label__icontains=f["subject"]
        )
    tz = timezone.get_current_timezone()
    if start := _day(f["start"]):
        qs = qs.filter(at__gte=datetime.combine(start, time.min, tz))
    if end := _day(f["end"]):
        qs = qs.filter(at__lt=datetime.combine(end + timedelta(days=1), time.min, tz))
    return qs, f


def _actor(r) -> str:
    if r.actor is None:
        return "系统"
    return r.actor.get_full_name() or r.actor.username


def _row(r) -> dict:
    return {
        "r": r,
        "at": timezone.localtime(r.at).strftime("%Y-%m-%d %H:%M:%S"),
        "actor": _actor(r),
        "action": audit_labels.action_label(r.action, r.subject_type),
        "subject": audit_labels.subject_label(r),
        "before": audit_labels.describe(r.before, r.subject_type),
        "after": audit_labels.describe(r.after, r.subject_type),
        "note": r.note,
    }


@role_required(*AUDIT_READERS)
def audit_log(request):
    qs, f = filtered(request.GET)
    page = CappedPaginator(qs, 50).get_page(page_number(request.GET.get("page")))
    actions = AuditRecord.objects.order_by().values_list("action", flat=True).distinct()
    rows = [_row(r) for r in page.object_list]
    return render(
        request,
        "orgs/audit_log.html",
        {
            "page": page,
            "rows": rows,
            "f": f,
            "actions": [(a, audit_labels.action_label(a)) for a in sorted(actions)],
            "categories": [(k, label) for k, (label, _) in audit_labels.CATEGORIES.items()],
            "query": request.GET.urlencode(),
            # The worker's health: failing tasks and the rows it holds back (poison rows).
            "failing_tasks": TaskRun.objects.filter(consecutive_failures__gt=0).order_by("task"),
            "poison_rows": PoisonRow.objects.order_by("-last_failed_at")[:50],
        },
    )


@role_required(*AUDIT_READERS)
def audit_export(request):
    qs, _ = filtered(request.GET)
    rows = [_row(r) for r in qs[:EXPORT_CAP]]
    response = HttpResponse(
        write(SHEET, rows), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = "attachment; filename*=UTF-8''audit-log.xlsx"
    return response
