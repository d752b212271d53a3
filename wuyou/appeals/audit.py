"""Append-only events with a per-appeal hash chain.

The chain is per appeal rather than global: every writer already holds the appeal's row lock,
so appending stays serialised without one hot row for the whole city.
"""

import hashlib
import json
from datetime import UTC

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from wuyou.core.rows import insert_rows

from .models import Appeal, Event

GENESIS = "0" * 64
# An event row's stored columns in chain order: what verify_chain reads and append_events writes.
EVENT_COLUMNS = (
    "appeal",
    "seq",
    "action",
    "actor",
    "department",
    "from_status",
    "to_status",
    "note",
    "data",
    "at",
    "prev_hash",
    "hash",
)


def event_digest(
    *, prev_hash, appeal_id, seq, action, actor_id, department_id, from_status, to_status, note, data, at
):
    payload = [
        prev_hash,
        appeal_id,
        seq,
        action,
        actor_id,
        department_id,
        from_status,
        to_status,
        note,
        data,
        at.astimezone(UTC).isoformat(timespec="microseconds"),
    ]
    raw = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


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
    """Append an event; the caller holds the appeal row lock (or has just created the appeal)."""
    at = at or timezone.now()
    data = data or {}
    if first:
        seq, prev = 1, GENESIS
    else:
        last = Event.objects.filter(appeal_id=appeal.pk).order_by("-seq").values_list("seq", "hash").first()
        seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    after = appeal.status if after is None else after
    department_id = department.pk if department is not None else appeal.department_id
    actor_id = by.pk if by is not None else None
    digest = event_digest(
        prev_hash=prev,
        appeal_id=appeal.pk,
        seq=seq,
        action=str(action),
        actor_id=actor_id,
        department_id=department_id,
        from_status=str(before),
        to_status=str(after),
        note=note,
        data=data,
        at=at,
    )
    return Event.objects.create(
        appeal_id=appeal.pk,
        seq=seq,
        action=action,
        actor=by,
        department_id=department_id,
        from_status=before,
        to_status=after,
        note=note,
        data=data,
        at=at,
        prev_hash=prev,
        hash=digest,
    )


def verify_chain(batch_size: int = 5000):
    """Walk every appeal's chain in order; return (checked, first_broken_event or None, reason)."""
    checked = 0
    current_appeal, prev, expected_seq = None, GENESIS, 1
    qs = Event.objects.order_by("appeal_id", "seq").values_list("id", *EVENT_COLUMNS)
    for row in qs.iterator(chunk_size=batch_size):
        (eid, appeal_id, seq, action, actor_id, dept_id, from_s, to_s, note, data, at, prev_hash, digest) = (
            row
        )
        if appeal_id != current_appeal:
            current_appeal, prev, expected_seq = appeal_id, GENESIS, 1
        checked += 1
        if seq != expected_seq:
            return checked, eid, f"诉求 {appeal_id} 的事件序号 {seq} 不连续（应为 {expected_seq}）"
        if prev_hash != prev:
            return checked, eid, f"诉求 {appeal_id} 第 {seq} 条事件的前序哈希与上一条不符"
        recomputed = event_digest(
            prev_hash=prev_hash,
            appeal_id=appeal_id,
            seq=seq,
            action=action,
            actor_id=actor_id,
            department_id=dept_id,
            from_status=from_s,
            to_status=to_s,
            note=note,
            data=data,
            at=at,
        )
        if recomputed != digest:
            return checked, eid, f"诉求 {appeal_id} 第 {seq} 条事件内容被改动（哈希不符）"
        prev, expected_seq = digest, seq + 1
    return checked, None, ""


def append_events(specs: list[dict]) -> int:
    """Append many events with one read of the chain heads and one insert (the worker's batches).

    Each spec: appeal, action, before, after, note, data, at (no actor: the system acts). The caller
    holds the appeals' row locks, as for record_event. Returns the number of events written."""
    if not specs:
        return 0
    ids = {spec["appeal"].pk for spec in specs}
    latest = Event.objects.filter(appeal_id=OuterRef("appeal_id")).order_by("-seq").values("seq")[:1]
    heads = {
        appeal_id: (seq, digest)
        for appeal_id, seq, digest in Event.objects.filter(
            appeal_id__in=ids, seq=Subquery(latest)
        ).values_list("appeal_id", "seq", "hash")
    }
    rows = []
    for spec in specs:
        appeal = spec["appeal"]
        seq, prev = heads.get(appeal.pk, (0, GENESIS))
        seq += 1
        data = spec.get("data") or {}
        action, before, after = str(spec["action"]), str(spec["before"]), str(spec["after"])
        note = spec.get("note", "")
        digest = event_digest(
            prev_hash=prev,
            appeal_id=appeal.pk,
            seq=seq,
            action=action,
            actor_id=None,
            department_id=appeal.department_id,
            from_status=before,
            to_status=after,
            note=note,
            data=data,
            at=spec["at"],
        )
        rows.append(
            (
                appeal.pk,
                seq,
                action,
                None,
                appeal.department_id,
                before,
                after,
                note,
                data,
                spec["at"],
                prev,
                digest,
            )
        )
        heads[appeal.pk] = (seq, digest)
    return insert_rows(Event, EVENT_COLUMNS, rows)
