"""Retaliation watch: for two years after a report, any action the accused department takes against the
reporting enterprise raises an alert to the investigators naming the earlier report. Idempotent: one alert
per (report, ref), guarded by a unique constraint."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from . import crypto, notify
from .models import Report, RetaliationAlert

WATCH = timedelta(days=731)  # two years, leap day included


def _pk(obj):
    return getattr(obj, "pk", obj)


def check_retaliation(*, department, enterprise, action: str, ref: str, at=None) -> list[RetaliationAlert]:
    """Call when `department` (a Department or its id) acts on `enterprise` (an Enterprise or its id):
    an inspection, a penalty, a returned appeal… `action` is a short Chinese description, `ref` a stable
    identifier of the act in the caller's module (e.g. "inspection:42"). Returns the alerts it created;
    calling again with the same ref creates nothing."""
    at = at or timezone.now()
    dept_id, ent_id = _pk(department), _pk(enterprise)
    if not dept_id or not ent_id:
        return []
    tag = crypto.tag("enterprise", ent_id)
    reports = Report.objects.filter(
        enterprise_tag=tag, department_id=dept_id, created_at__lte=at, created_at__gte=at - WATCH
    )
    created = []
    for report in reports:
        try:
            with transaction.atomic():
                alert, new = RetaliationAlert.objects.get_or_create(
                    report=report, ref=ref[:100], defaults={"action": action[:100], "at": at}
                )
        except IntegrityError:  # a concurrent worker won the race
            continue
        if new:
            created.append(alert)
            notify.to_investigators(
                f"打击报复预警：被举报单位对举报企业「{action[:40]}」，涉及举报 {report.number}",
                f"举报提交于 {timezone.localtime(report.created_at):%Y年%m月%d日}；来源 {ref}。",
            )
    return created
