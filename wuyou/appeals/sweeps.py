"""The worker's sweeps over stored due times: warnings, urging, escalation, closing unrated appeals.

Due appeals are claimed in batches: one transaction locks up to BATCH rows that still match the
guard (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so a second worker takes other rows or none; SQLite
has one writer at a time), changes them with one UPDATE, and writes their events, notifications,
outbox rows and supervision orders with one insert each. A crash rolls the whole batch back and the
next sweep takes it again, so nothing is escalated twice and nothing is missed."""

from collections import defaultdict

from django.utils import timezone

from wuyou.core.rows import insert_rows
from wuyou.core.sweeps import sweep
from wuyou.core.worker import run_each
from wuyou.notifications.models import DigestItem, EmailMode, Notification, Outbox
from wuyou.notifications.services import email_modes
from wuyou.orgs.models import Role, User

from . import notify
from .audit import append_events
from .escalation import DEPARTMENT_ROLES, LEVEL_LABEL, Escalation
from .models import Action, Appeal, Status, Supervision
from .transitions import FLOW

BATCH = 500
HANDLING = [Status.DISPATCHED, Status.IN_PROGRESS]
# What the sweeps read of an appeal; loading all forty columns of 10,000 rows was a visible cost.
FIELDS = ("id", "number", "title", "status", "department_id", "escalation_level", "reply_due_at")
STAFF = (Role.DEPT_HANDLER, Role.DEPT_LEADER, Role.CENTER, Role.TEAM, Role.LEADER)


class Audience:
    """The active staff a sweep may notify, read once per sweep instead of once per batch."""

    def __init__(self):
        self._users = None

    def _all(self):
        if self._users is None:
            self._users = list(
                User.objects.filter(is_active=True, role__in=STAFF).values_list(
                    "pk", "role", "department_id", "email"
                )
            )
        return self._users

    def department(self, department_id, roles=(Role.DEPT_HANDLER, Role.DEPT_LEADER)):
        if department_id is None:
            return []
        return [
            (pk, email) for pk, role, dept, email in self._all() if dept == department_id and role in roles
        ]

    def roles(self, *roles):
        return [(pk, email) for pk, role, _, email in self._all() if role in roles]


class Batch:
    """What one batch writes, gathered as plain rows and inserted together.

    Email is one message per recipient per batch: after a holiday a leader gets one list of the
    overdue appeals, not three hundred emails. The in-app inbox still has one entry per appeal."""

    def __init__(self, now, audience: Audience, digest: str):
        self.now = now
        self.audience = audience
        self.digest = digest
        self.events: list[dict] = []
        self.notifications: list[tuple] = []
        self.supervisions: list[tuple] = []
        # (user id, address, kind) → the batch's items for that recipient; flush applies preferences.
        self.mail: dict[tuple[int, str, str], list[tuple[str, str]]] = defaultdict(list)

    def department_users(self, department_id, roles=(Role.DEPT_HANDLER, Role.DEPT_LEADER)):
        return self.audience.department(department_id, roles)

    def role_users(self, *roles):
        return self.audience.roles(*roles)

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

    def notify(self, users, appeal, title, body="", *, email=True, kind=""):
        kind = kind or notify.KIND
        link, subject = notify.appeal_link(appeal.pk), notify.appeal_subject(appeal.pk)
        for pk, address in users:
            self.notifications.append((pk, title, body, link, subject, kind))
            if email and address:
                # Keyed by recipient and kind: flush applies the email preferences to the whole batch.
                self.mail[(pk, address, kind)].append((title, body))

    def supervise(self, appeal, level, note):
        self.supervisions.append((appeal.pk, level, note, self.now, appeal.reply_due_at))

    def _email(self, to, items):
        if len(items) == 1:
            subject, body = items[0]
        else:
            subject = f"{self.digest}（{len(items)} 件）"
            body = "\n\n".join(f"{title}\n{text}".rstrip() for title, text in items)
        return (Outbox.Channel.EMAIL, to, subject, body, self.now)

    def flush(self):
        append_events(self.events)
        insert_rows(Notification, ("user", "title", "body", "link", "subject", "kind"), self.notifications)
        # Email preferences in one query per batch (no stored preference means immediate).
        modes = email_modes({pk for pk, _a, _k in self.mail}, {kind for _p, _a, kind in self.mail})
        mail, held = defaultdict(list), []
        for (pk, address, kind), items in self.mail.items():
            mode = modes.get((pk, kind), EmailMode.IMMEDIATE)
            if mode == EmailMode.IMMEDIATE:
                mail[address].extend(items)
            elif mode == EmailMode.DIGEST:
                held.extend((pk, kind, title, body) for title, body in items)
        insert_rows(
            Outbox,
            ("channel", "to", "subject", "body", "next_attempt_at"),
            [self._email(to, items) for to, items in mail.items()],
        )
        insert_rows(DigestItem, ("user", "kind", "title", "body"), held)
        insert_rows(Supervision, ("appeal", "level", "note", "created_at", "due_at"), self.supervisions)


def _run(
    guard: dict, changes: dict, apply, now, limit: int, *, audience: Audience, digest: str, action: str
) -> int:
    """Claim batches matching `guard` through the kernel's sweep engine (wuyou.core.sweeps), set
    `changes` on them, let `apply` add what each one writes. The states come from the workflow
    table's system rule for `action`, so the table stays the one truth of what can happen."""
    rule = FLOW.rule(action)
    assert rule.system or rule.automatic, f"{action} is not a system action"
    sources = sorted(rule.sources)
    guard = {"status__in": sources, **guard}
    # One UPDATE sets the same state on the whole batch, so a sweep's rule names its state outright.
    assert not callable(rule.to), f"{action}: a swept rule needs a fixed target state"
    to = rule.to
    if to is not None:
        changes = {"status": to, **changes}
    return sweep(
        f"appeals.{action}",
        Appeal,
        guard,
        changes=changes,
        apply=apply,
        make_batch=lambda: Batch(now, audience, digest),
        now=now,
        limit=limit,
        fields=FIELDS,
        batch_size=BATCH,
    )


def sweep_warnings(now=None, limit=50_000, audience=None) -> int:
    now = now or timezone.now()
    guard = {"warn_at__lte": now, "warned_at__isnull": True, "reply_due_at__gt": now}

    def apply(appeal, batch):
        note = f"答复期限 {timezone.localtime(appeal.reply_due_at):%Y-%m-%d %H:%M} 即将到期"
        batch.event(appeal, Action.WARN, before=appeal.status, after=appeal.status, note=note)
        batch.notify(
            batch.department_users(appeal.department_id),
            appeal,
            f"即将到期：{notify.link_text(appeal)}",
            email=False,
        )

    return _run(
        guard,
        {"warned_at": now},
        apply,
        now,
        limit,
        audience=audience or Audience(),
        digest="即将到期的诉求",
        action=Action.WARN,
    )


def sweep_sign_overdue(now=None, limit=50_000, audience=None) -> int:
    now = now or timezone.now()
    guard = {"sign_due_at__lt": now, "urged_at__isnull": True}

    def apply(appeal, batch):
        batch.event(
            appeal, Action.URGE, before=appeal.status, after=appeal.status, note="超过签收时限未签收，催办"
        )
        batch.notify(
            batch.department_users(appeal.department_id, (Role.DEPT_LEADER,)),
            appeal,
            f"催办：{notify.link_text(appeal)} 超时未签收",
        )

    return _run(
        guard,
        {"urged_at": now},
        apply,
        now,
        limit,
        audience=audience or Audience(),
        digest="催办：超时未签收的诉求",
        action=Action.URGE,
    )


def _escalation(level: int, reason: str):
    esc = Escalation(level, reason)

    def apply(appeal, batch):
        batch.event(
            appeal,
            Action.ESCALATE,
            before=appeal.status,
            after=appeal.status,
            note=reason,
            data=esc.event_data(appeal),
        )
        batch.supervise(appeal, level, esc.supervision_note)
        title = esc.title(appeal)
        batch.notify(batch.role_users(*esc.audience), appeal, title, reason)
        batch.notify(batch.department_users(appeal.department_id, DEPARTMENT_ROLES), appeal, title, reason)

    return apply


def sweep_reply_overdue(now=None, limit=50_000, audience=None) -> int:
    now = now or timezone.now()
    audience = audience or Audience()
    done = 0
    # Level 2 first: an appeal found five working days late goes straight there, once.
    for level, reason, guard in (
        (2, "答复超期 5 个工作日", {"level2_due_at__lt": now, "escalation_level__lt": 2}),
        (1, "超过答复时限", {"reply_due_at__lt": now, "escalation_level__lt": 1}),
    ):
        done += _run(
            # Escalation by the worker covers the handling states only (not a paused appeal).
            {"status__in": HANDLING, **guard},
            {"escalation_level": level},
            _escalation(level, reason),
            now,
            limit,
            audience=audience,
            digest=f"{LEVEL_LABEL[level]}的诉求",
            action=Action.ESCALATE,
        )
    return done


def sweep_unrated(now=None, limit=50_000, audience=None) -> int:
    now = now or timezone.now()
    guard = {"rate_due_at__lt": now}

    def apply(appeal, batch):
        batch.event(
            appeal,
            Action.AUTO_CLOSE,
            before=Status.REPLIED,
            after=Status.CLOSED,
            note="企业逾期未评价，自动办结",
        )

    return _run(
        guard,
        {"closed_at": now},
        apply,
        now,
        limit,
        audience=audience or Audience(),
        digest="自动办结的诉求",
        action=Action.AUTO_CLOSE,
    )


def sweep_all(now=None) -> dict:
    now = now or timezone.now()
    audience = Audience()
    # Each sweep isolated: a failing one (say, the warnings) must not stop the escalations.
    return run_each(
        "appeals",
        {
            "warnings": lambda t: sweep_warnings(t, audience=audience),
            "sign_overdue": lambda t: sweep_sign_overdue(t, audience=audience),
            "reply_overdue": lambda t: sweep_reply_overdue(t, audience=audience),
            "unrated_closed": lambda t: sweep_unrated(t, audience=audience),
        },
        now,
    )
