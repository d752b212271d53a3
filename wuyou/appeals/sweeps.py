"""The worker's sweeps over stored due times: warnings, urging, escalation, closing unrated appeals.

Due appeals are claimed in batches: one transaction locks up to BATCH rows that still match the
guard (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so a second worker takes other rows or none; SQLite
has one writer at a time), changes them with one UPDATE, and writes their events, notifications,
outbox rows and supervision orders with one insert each. A crash rolls the whole batch back and the
next sweep takes it again, so nothing is escalated twice and nothing is missed."""

from django.db import transaction
from django.utils import timezone

from wuyou.orgs.models import Role

from . import notify
from .audit import append_events
from .models import Action, Appeal, Notification, Outbox, Status, Supervision
from .services import LEVEL_AUDIENCE, LEVEL_LABEL

BATCH = 500
HANDLING = [Status.DISPATCHED, Status.IN_PROGRESS]


class Batch:
    """What one batch writes, gathered first and inserted together."""

    def __init__(self, now):
        self.now = now
        self.events: list[dict] = []
        self.notifications: list[Notification] = []
        self.outbox: list[Outbox] = []
        self.supervisions: list[Supervision] = []
        self._users: dict = {}

    def department_users(self, department_id, roles=(Role.DEPT_HANDLER, Role.DEPT_LEADER)):
        key = ("dept", department_id, roles)
        if key not in self._users:
            self._users[key] = list(notify.department_users(department_id, roles))
        return self._users[key]

    def role_users(self, *roles):
        key = ("role", roles)
        if key not in self._users:
            self._users[key] = list(notify.role_users(*roles))
        return self._users[key]

    def event(self, appeal, action, *, before, after, note, data=None):
        self.events.append(
            {
                "appeal": appeal,
                "action": action,
                "before": before,
                "after": after,
                "note": note,
                "data": data,
                "at": self.now,
            }
        )

    def notify(self, users, appeal, title, body="", *, email=True):
        for u in users:
            self.notifications.append(Notification(user=u, appeal=appeal, title=title, body=body))
            if email and u.email:
                self.outbox.append(
                    Outbox(
                        channel=Outbox.Channel.EMAIL,
                        to=u.email,
                        subject=title,
                        body=body,
                        next_attempt_at=self.now,
                    )
                )

    def flush(self):
        append_events(self.events)
        Notification.objects.bulk_create(self.notifications)
        Outbox.objects.bulk_create(self.outbox)
        Supervision.objects.bulk_create(self.supervisions)


def _run(guard: dict, changes: dict, apply, now, limit: int) -> int:
    """Claim batches matching `guard`, set `changes` on them, let `apply` add what each one writes."""
    done = 0
    while done < limit:
        with transaction.atomic():
            appeals = list(
                Appeal.objects.select_for_update(skip_locked=True)
                .filter(**guard)
                .order_by()[
                    : min(BATCH, limit - done)
                ]  # no ORDER BY: let the due-time indexes drive the scan
            )
            if not appeals:
                break
            batch = Batch(now)
            for appeal in appeals:
                apply(appeal, batch)
            Appeal.objects.filter(pk__in=[a.pk for a in appeals]).update(**changes)
            batch.flush()
        done += len(appeals)
    return done


def sweep_warnings(now=None, limit=50_000) -> int:
    now = now or timezone.now()
    guard = {"status__in": HANDLING, "warn_at__lte": now, "warned_at__isnull": True, "reply_due_at__gt": now}

    def apply(appeal, batch):
        note = f"答复期限 {timezone.localtime(appeal.reply_due_at):%Y-%m-%d %H:%M} 即将到期"
        batch.event(appeal, Action.WARN, before=appeal.status, after=appeal.status, note=note)
        batch.notify(
            batch.department_users(appeal.department_id),
            appeal,
            f"即将到期：{notify.link_text(appeal)}",
            email=False,
        )

    return _run(guard, {"warned_at": now}, apply, now, limit)


def sweep_sign_overdue(now=None, limit=50_000) -> int:
    now = now or timezone.now()
    guard = {"status": Status.DISPATCHED, "sign_due_at__lt": now, "urged_at__isnull": True}

    def apply(appeal, batch):
        batch.event(
            appeal, Action.URGE, before=appeal.status, after=appeal.status, note="超过签收时限未签收，催办"
        )
        batch.notify(
            batch.department_users(appeal.department_id, (Role.DEPT_LEADER,)),
            appeal,
            f"催办：{notify.link_text(appeal)} 超时未签收",
        )

    return _run(guard, {"urged_at": now}, apply, now, limit)


def _escalation(level: int, reason: str):
    label = LEVEL_LABEL[level]

    def apply(appeal, batch):
        batch.event(
            appeal,
            Action.ESCALATE,
            before=appeal.status,
            after=appeal.status,
            note=reason,
            data={"from_level": appeal.escalation_level, "level": level},
        )
        batch.supervisions.append(
            Supervision(
                appeal=appeal,
                level=level,
                note=f"{label}：{reason}",
                created_at=batch.now,
                due_at=appeal.reply_due_at,
            )
        )
        title = f"{label}：{notify.link_text(appeal)}"
        batch.notify(batch.role_users(*LEVEL_AUDIENCE[level]), appeal, title, reason)
        batch.notify(batch.department_users(appeal.department_id, (Role.DEPT_LEADER,)), appeal, title, reason)

    return apply


def sweep_reply_overdue(now=None, limit=50_000) -> int:
    now = now or timezone.now()
    # Level 2 first: an appeal found five working days late goes straight there, once.
    l2 = {"status__in": HANDLING, "level2_due_at__lt": now, "escalation_level__lt": 2}
    done = _run(l2, {"escalation_level": 2}, _escalation(2, "答复超期 5 个工作日"), now, limit)
    l1 = {"status__in": HANDLING, "reply_due_at__lt": now, "escalation_level__lt": 1}
    return done + _run(l1, {"escalation_level": 1}, _escalation(1, "超过答复时限"), now, limit)


def sweep_unrated(now=None, limit=50_000) -> int:
    now = now or timezone.now()
    guard = {"status": Status.REPLIED, "rate_due_at__lt": now}

    def apply(appeal, batch):
        batch.event(
            appeal,
            Action.AUTO_CLOSE,
            before=Status.REPLIED,
            after=Status.CLOSED,
            note="企业逾期未评价，自动办结",
        )

    return _run(guard, {"status": Status.CLOSED, "closed_at": now}, apply, now, limit)


def sweep_all(now=None) -> dict:
    now = now or timezone.now()
    return {
        "warnings": sweep_warnings(now),
        "sign_overdue": sweep_sign_overdue(now),
        "reply_overdue": sweep_reply_overdue(now),
        "unrated_closed": sweep_unrated(now),
    }
