"""三率 per department and period. Formulas are written out in docs/metrics.md.

One grouped scan over appeals dispatched in the period (index appeal_dept_dispatched), plus the
return events of the period; nothing per department in a loop.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, Q

from wuyou.orgs.models import Department

from .models import Action, Appeal, Event, MetricWeights, Rating


@dataclass
class DeptStats:
    code: str
    name: str
    dispatched: int
    signed_on_time: int
    replied: int
    replied_on_time: int
    rated: int
    resolved: int
    satisfied: int
    returns: int
    reopened: int
    response_rate: float | None
    on_time_rate: float | None
    resolution_rate: float | None
    satisfaction_rate: float | None
    return_rate: float | None
    reopen_rate: float | None
    score: float | None


def ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def weights() -> tuple[int, int, int]:
    w = MetricWeights.objects.first() or MetricWeights()
    return w.response, w.resolution, w.satisfaction


def composite(response, resolution, satisfaction, w) -> float | None:
    parts = [(response, w[0]), (resolution, w[1]), (satisfaction, w[2])]
    usable = [(v, wt) for v, wt in parts if v is not None and wt]
    total = sum(wt for _, wt in usable)
    if not total:
        return None
    return round(100 * sum(v * wt for v, wt in usable) / total, 2)


def department_stats(start: datetime, end: datetime, departments=None) -> list[DeptStats]:
    period = Q(dispatched_at__gte=start, dispatched_at__lt=end, department__isnull=False)
    rows = (
        Appeal.objects.filter(period)
        .values("department_id")
        .annotate(
            dispatched=Count("id"),
            signed_on_time=Count("id", filter=Q(signed_at__isnull=False, signed_at__lte=F("sign_due_at"))),
            replied=Count("id", filter=Q(replied_at__isnull=False)),
            replied_on_time=Count(
                "id", filter=Q(replied_at__isnull=False, replied_at__lte=F("reply_due_at"))
            ),
            rated=Count("id", filter=~Q(rating="")),
            resolved=Count("id", filter=Q(resolved=True) & ~Q(rating="")),
            satisfied=Count("id", filter=Q(rating__in=[Rating.SATISFIED, Rating.BASIC])),
            reopened=Count("id", filter=Q(reopen_count__gt=0)),
        )
    )
    by_dept = {r["department_id"]: r for r in rows}
    returns = dict(
        Event.objects.filter(action=Action.RETURN, at__gte=start, at__lt=end)
        .values("department_id")
        .annotate(n=Count("id"))
        .values_list("department_id", "n")
    )
    w = weights()
    depts = departments if departments is not None else Department.objects.filter(is_active=True)
    out = []
    for d in depts:
        r = by_dept.get(d.pk, {})
        dispatched = r.get("dispatched", 0)
        n_returns = returns.get(d.pk, 0)
        # A returned appeal left this department's rows, so returns join the denominator.
        handed = dispatched + n_returns
        response = ratio(r.get("signed_on_time", 0), handed)
        resolution = ratio(r.get("resolved", 0), r.get("rated", 0))
        satisfaction = ratio(r.get("satisfied", 0), r.get("rated", 0))
        out.append(
            DeptStats(
                code=d.code,
                name=d.name,
                dispatched=handed,
                signed_on_time=r.get("signed_on_time", 0),
                replied=r.get("replied", 0),
                replied_on_time=r.get("replied_on_time", 0),
                rated=r.get("rated", 0),
                resolved=r.get("resolved", 0),
                satisfied=r.get("satisfied", 0),
                returns=n_returns,
                reopened=r.get("reopened", 0),
                response_rate=response,
                on_time_rate=ratio(r.get("replied_on_time", 0), r.get("replied", 0)),
                resolution_rate=resolution,
                satisfaction_rate=satisfaction,
                return_rate=ratio(n_returns, handed),
                reopen_rate=ratio(r.get("reopened", 0), r.get("replied", 0)),
                score=composite(response, resolution, satisfaction, w),
            )
        )
    out.sort(key=lambda s: (s.score is None, -(s.score or 0), -s.dispatched, s.code))
    return out
