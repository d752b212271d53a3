"""What raising an appeal to a supervision level (督办层级) means, wherever it happens: a user's
action (services.appeal_escalate, too many returns or unsatisfied ratings) or the worker's sweep.
Both write the same event, the same supervision order and tell the same people."""

from dataclasses import dataclass

from wuyou.orgs.models import Role

from . import notify
from .models import Appeal

LEVEL_AUDIENCE = {1: (Role.CENTER,), 2: (Role.TEAM,), 3: (Role.LEADER,)}
LEVEL_LABEL = {1: "一级督办（协调中心）", 2: "二级督办（办不成事专班）", 3: "三级督办（市领导）"}
# Besides the level's own audience, the lead department's leaders hear of every escalation.
DEPARTMENT_ROLES = (Role.DEPT_LEADER,)


@dataclass(frozen=True)
class Escalation:
    level: int
    reason: str

    @property
    def label(self) -> str:
        return LEVEL_LABEL[self.level]

    @property
    def audience(self) -> tuple:
        return LEVEL_AUDIENCE[self.level]

    @property
    def supervision_note(self) -> str:
        return f"{self.label}：{self.reason}"

    def event_data(self, appeal: Appeal) -> dict:
        """Read before the appeal's level changes."""
        return {"from_level": appeal.escalation_level, "level": self.level}

    def title(self, appeal: Appeal) -> str:
        return f"{self.label}：{notify.link_text(appeal)}"


# ---------------------------------------------------------------- withdrawing an overdue escalation

# The reasons the worker's overdue sweep records (sweeps.sweep_reply_overdue), by level. Only an
# escalation with one of these and no person behind it was caused by the clock alone; a person's
# escalation, or one for returns or unsatisfied ratings, had another cause and is never withdrawn.
OVERDUE_REASONS = {1: "超过答复时限", 2: "答复超期 5 个工作日"}
NO_LEVEL = "未督办"


def level_text(level: int) -> str:
    return LEVEL_LABEL.get(level, NO_LEVEL)


def _overdue_only(event) -> bool:
    data = event.data or {}
    return event.actor_id is None and event.note == OVERDUE_REASONS.get(data.get("level"))


def overdue_escalations_since(appeal: Appeal, since, now, *, reply_due_at=None) -> tuple[list, int]:
    """The worker's overdue escalations recorded since `since` that the appeal's due times no longer
    justify at `now`, newest first, and the level the appeal had before them. `reply_due_at`: a due time
    to judge by instead of the appeal's (the approval list's preview of an approval).

    Read from the newest escalation down: each must be an overdue escalation by the worker that led to
    the level the appeal has at that point; the first one that is not (a person's, or one from before
    `since`) stops the walk, so an escalation with another cause and everything below it stay. Nothing is
    withdrawn while the reply due time is still past: the appeal is then overdue in its own right."""
    level = appeal.escalation_level
    due = appeal.reply_due_at if reply_due_at is None else reply_due_at
    if level == 0 or due is None or due <= now:
        return [], level
    withdrawn = []
    for event in appeal.events.filter(action="escalate", at__gte=since).order_by("-seq"):
        data = event.data or {}
        if data.get("level") != level or not _overdue_only(event):
            break
        withdrawn.append(event)
        level = int(data.get("from_level") or 0)
    return withdrawn, level


def withdraw_overdue_escalations(appeal: Appeal, *, since, now, why: str) -> tuple[int, int] | None:
    """Undo what overdue_escalations_since finds, inside the caller's transaction (row locked, due times
    already moved): the level goes back, one event records it (by the system, `why` saying what removed
    the cause), the supervision orders those escalations opened are closed and their audience is told.
    Returns (level before, level after), or None when nothing was withdrawn."""
    from .audit import record_event  # audit imports models only; kept local to leave this module light
    from .models import Supervision

    events, level = overdue_escalations_since(appeal, since, now)
    if not events:
        return None
    before = appeal.escalation_level
    appeal.escalation_level = level
    appeal.save(update_fields=["escalation_level"])
    note = f"{why}，撤销超期提级：{level_text(before)} → {level_text(level)}"
    record_event(
        appeal,
        "deescalate",
        by=None,
        before=appeal.status,
        note=note,
        data={"from_level": before, "level": level, "withdrawn": [e.seq for e in events]},
        at=now,
    )
    # The worker writes an escalation's event and its supervision order at the same instant.
    levels = [int(e.data["level"]) for e in events]
    Supervision.objects.filter(
        appeal=appeal,
        closed_at__isnull=True,
        created_by__isnull=True,
        level__in=levels,
        created_at__in=[e.at for e in events],
    ).update(closed_at=now)
    roles = {role for lv in levels for role in LEVEL_AUDIENCE[lv]}
    title = f"撤销督办：{notify.link_text(appeal)}"
    notify.notify(notify.role_users(*roles), appeal, title, note, email=False)
    notify.notify(
        notify.department_users(appeal.department_id, roles=DEPARTMENT_ROLES),
        appeal,
        title,
        note,
        email=False,
    )
    return before, level
