"""The reports' event chain on the kernel's hash-chain mechanism (wuyou.core.audit): one chain per report,
appended by the services (`record`) and by the worker's batches (`append_events`)."""

from django.utils import timezone

from wuyou.core.audit import Chain, register

from .models import Event, Report

FIELDS = ("action", "actor_id", "from_status", "to_status", "note", "public")

CHAIN = register(Chain("reports", Event, subject="report", fields=FIELDS, label="举报"))


def record(
    report: Report,
    action: str,
    *,
    by=None,
    before: str = "",
    note: str = "",
    public: bool = False,
    at=None,
    first: bool = False,
) -> Event:
    """Append an event; the caller holds the report's row lock (or has just created the report).
    `by` None: the system acted. `before` defaults to the current state (a step that keeps it)."""
    return CHAIN.append(
        report.pk,
        at=at or timezone.now(),
        first=first,
        action=str(action),
        actor_id=getattr(by, "pk", None),
        from_status=str(before or report.status),
        to_status=str(report.status),
        note=note,
        public=bool(public),
    )


def append_events(specs: list[dict]) -> int:
    """Append many system events with one read of the chain heads and one insert (the worker's batches).
    Each spec: report_id, status, action, note, at (and public, default False). The caller holds the
    reports' row locks."""
    return CHAIN.append_many(
        [
            {
                "subject_id": s["report_id"],
                "at": s["at"],
                "action": str(s["action"]),
                "actor_id": None,
                "from_status": str(s["status"]),
                "to_status": str(s["status"]),
                "note": s.get("note", ""),
                "public": bool(s.get("public", False)),
            }
            for s in specs
        ]
    )


def verify_chain(batch_size: int = 5000):
    """(checked, first broken event id or None, reason) over every report's chain."""
    return CHAIN.verify(batch_size)
