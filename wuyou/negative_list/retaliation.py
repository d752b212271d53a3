"""Retaliation watch: for two years after a report, any action the accused department takes against the
reporting enterprise raises an alert to the investigators naming the earlier report. Idempotent: one alert
per (report, ref), guarded by a unique constraint.

The worker's scan of appeals reads only what happened since its last round (a watermark), and matches
enterprises by their keyed tag: no report's identity is ever decrypted for it."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from wuyou.appeals.selectors import returned_or_overdue

from . import crypto, notify
from .models import Report, RetaliationAlert, ScanMark

WATCH = timedelta(days=731)  # two years, leap day included
# Each round reads this much before its watermark again: an appeal event written just before a
# round's "now" may commit after the round has read, and must not fall between two rounds.
OVERLAP = timedelta(minutes=10)
MARK = "retaliation:appeals"


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


def scan_appeals(now=None) -> int:
    """Returned appeals and overdue (slow-walked) appeals of a reporting enterprise at the department it
    reported, after the report, since the previous round. Returns the number of alerts created."""
    now = now or timezone.now()
    until = ScanMark.objects.filter(name=MARK).values_list("until", flat=True).first()
    since = now - WATCH if until is None else min(until, now) - OVERLAP
    acts = returned_or_overdue(since, now)
    created = 0
    if acts:
        tags = {ent: crypto.tag("enterprise", ent) for ent in {a[0] for a in acts}}
        # One read of the reports that could match; most acts concern enterprises that never reported.
        watched = set(
            Report.objects.filter(
                enterprise_tag__in=set(tags.values()),
                department_id__in={a[1] for a in acts},
                created_at__gte=since - WATCH,
                created_at__lte=now,
            ).values_list("enterprise_tag", "department_id")
        )
        for ent, dept, ref, action, at in acts:
            if (tags[ent], dept) in watched:
                created += len(
                    check_retaliation(department=dept, enterprise=ent, action=action, ref=ref, at=at)
                )
    # Never backwards: a round run with an earlier clock must not make the next one reread years.
    ScanMark.objects.update_or_create(name=MARK, defaults={"until": max(now, until or now)})
    return created


@transaction.atomic
def alert_review(*, alert_id, by) -> RetaliationAlert | None:
    """An investigator marks a retaliation alert as reviewed; the act is on the audit page."""
    from wuyou.core.audit import record_change

    from .permissions import require_investigator

    require_investigator(by)
    try:
        alert_id = int(alert_id)
    except (TypeError, ValueError):
        return None
    alert = RetaliationAlert.objects.select_for_update().filter(pk=alert_id, reviewed_at__isnull=True).first()
    if alert is None:
        return None
    alert.reviewed_at = timezone.now()
    alert.save(update_fields=["reviewed_at"])
    record_change(
        by=by,
        action="retaliation_alert.review",
        # By id only: the alert's text names the reporting enterprise's appeal, which the audit page's
        # readers (any center user, inspectors) must not link to a report.
        subject=("negative_list.retaliationalert", alert.pk, f"打击报复预警 {alert.pk}"),
        before={"reviewed": False},
        after={"reviewed": True},
    )
    return alert
