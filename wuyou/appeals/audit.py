"""The appeals' event chain on the kernel's hash-chain mechanism (wuyou.core.audit): one chain per
appeal, appended by the services (record_event) and by the worker's batches (append_events)."""

from django.utils import timezone

from wuyou.core.audit import GENESIS, Chain, digest, register

from .models import Appeal, Event

__all__ = ["GENESIS", "CHAIN", "append_events", "event_digest", "record_event", "verify_chain"]

CHAIN = register(
    Chain(
        "appeals",
        Event,
        subject="appeal",
        fields=("action", "actor_id", "department_id", "from_status", "to_status", "note", "data"),
        label="诉求",
    )
)


def event_digest(
    *, prev_hash, appeal_id, seq, action, actor_id, department_id, from_status, to_status, note, data, at
):
    """The hash of one appeal event (the bench writes chains with it directly)."""
    return digest(
        prev_hash, appeal_id, seq, [action, actor_id, department_id, from_status, to_status, note, data], at
    )


def record_event(
    appeal: Appeal,
    action: str,
    *,
    by=None,
    before: str = "",
    after: str | None = None,
    note: str = "",
    data: dict | None = None,
    department=None,
    at=None,
    first: bool = False,
) -> Event:
    """Append an event; the caller holds the appeal row lock (or has just created the appeal).
    `by` None: the system acted."""
    event = CHAIN.append(
        appeal.pk,
        at=at or timezone.now(),
        first=first,
        action=str(action),
        actor_id=by.pk if by is not None else None,
        department_id=department.pk if department is not None else appeal.department_id,
        from_status=str(before),
        to_status=str(appeal.status if after is None else after),
        note=note,
        data=data or {},
    )
    if by is not None and by.pk is not None:
        # The actor is at hand: caching it saves the API's answer a query for the user (intake path).
        event.actor = by
    return event


def append_events(specs: list[dict]) -> int:
    """Append many system events with one read of the chain heads and one insert (the worker's batches).
    Each spec: appeal, action, before, after, note, data, at. The caller holds the appeals' row locks."""
    return CHAIN.append_many(
        [
            {
                "subject_id": s["appeal"].pk,
                "at": s["at"],
                "action": str(s["action"]),
                "actor_id": None,
                "department_id": s["appeal"].department_id,
                "from_status": str(s["before"]),
                "to_status": str(s["after"]),
                "note": s.get("note", ""),
                "data": s.get("data") or {},
            }
            for s in specs
        ]
    )


def verify_chain(batch_size: int = 5000):
    """(checked, first broken event id or None, reason) over every appeal's chain."""
    return CHAIN.verify(batch_size)
