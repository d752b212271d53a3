"""The worker's sweeps over stored due times: warnings, urging, escalation, closing unrated appeals.

Each due appeal is handled in its own transaction, locked only if it still matches the guard, so
several workers and a crash at any point never double-escalate or lose an escalation."""

from django.db import transaction
from django.utils import timezone

from wuyou.orgs.models import Role

from . import notify
from .audit import record_event
from .models import Action, Appeal, Status
from .services import _escalate


def _sweep_one(appeal_id: int, guard: dict, apply) -> bool:
    """Lock one appeal only if it still matches `guard`; a second worker finds nothing to do."""
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update().filter(pk=appeal_id, **guard).first()
        if appeal is None:
            return False
        apply(appeal)
        return True


def sweep_warnings(now=None, limit=5000) -> int:
    now = now or timezone.now()
    guard = {
        "status__in": [Status.DISPATCHED, Status.IN_PROGRESS],
        "warn_at__lte": now,
        "warned_at__isnull": True,
        "reply_due_at__gt": now,
    }
    ids = list(Appeal.objects.filter(**guard).values_list("pk", flat=True)[:limit])

    def apply(appeal):
        appeal.warned_at = now
        appeal.save(update_fields=["warned_at"])
        record_event(
            appeal,
            Action.WARN,
            by=None,
            before=appeal.status,
            at=now,
            note=f"答复期限 {timezone.localtime(appeal.reply_due_at):%Y-%m-%d %H:%M} 即将到期",
        )
        notify.notify(
            notify.department_users(appeal.department_id),
            appeal,
            f"即将到期：{notify.link_text(appeal)}",
            email=False,
        )

    return sum(_sweep_one(pk, guard, apply) for pk in ids)


def sweep_sign_overdue(now=None, limit=5000) -> int:
    now = now or timezone.now()
    guard = {"status": Status.DISPATCHED, "sign_due_at__lt": now, "urged_at__isnull": True}
    ids = list(Appeal.objects.filter(**guard).values_list("pk", flat=True)[:limit])

    def apply(appeal):
        appeal.urged_at = now
        appeal.save(update_fields=["urged_at"])
        record_event(
            appeal, Action.URGE, by=None, before=appeal.status, at=now, note="超过签收时限未签收，催办"
        )
        notify.notify(
            notify.department_users(appeal.department_id, roles=(Role.DEPT_LEADER,)),
            appeal,
            f"催办：{notify.link_text(appeal)} 超时未签收",
        )

    return sum(_sweep_one(pk, guard, apply) for pk in ids)


def sweep_reply_overdue(now=None, limit=5000) -> int:
    now = now or timezone.now()
    handling = [Status.DISPATCHED, Status.IN_PROGRESS]
    done = 0
    l2 = {"status__in": handling, "level2_due_at__lt": now, "escalation_level__lt": 2}
    for pk in Appeal.objects.filter(**l2).values_list("pk", flat=True)[:limit]:
        done += _sweep_one(pk, l2, lambda a: _escalate(a, 2, by=None, reason="答复超期 5 个工作日", now=now))
    l1 = {"status__in": handling, "reply_due_at__lt": now, "escalation_level__lt": 1}
    for pk in Appeal.objects.filter(**l1).values_list("pk", flat=True)[:limit]:
        done += _sweep_one(pk, l1, lambda a: _escalate(a, 1, by=None, reason="超过答复时限", now=now))
    return done


def sweep_unrated(now=None, limit=5000) -> int:
    now = now or timezone.now()
    guard = {"status": Status.REPLIED, "rate_due_at__lt": now}
    ids = list(Appeal.objects.filter(**guard).values_list("pk", flat=True)[:limit])

    def apply(appeal):
        appeal.closed_at = now
        appeal.status = Status.CLOSED
        appeal.save(update_fields=["closed_at", "status"])
        record_event(
            appeal, Action.AUTO_CLOSE, by=None, before=Status.REPLIED, at=now, note="企业逾期未评价，自动办结"
        )

    return sum(_sweep_one(pk, guard, apply) for pk in ids)


def sweep_all(now=None) -> dict:
    now = now or timezone.now()
    return {
        "warnings": sweep_warnings(now),
        "sign_overdue": sweep_sign_overdue(now),
        "reply_overdue": sweep_reply_overdue(now),
        "unrated_closed": sweep_unrated(now),
    }
