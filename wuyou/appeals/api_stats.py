from datetime import date, datetime, time, timedelta

from django.utils import timezone
from ninja import Router, Schema

from wuyou.core.errors import InvalidInput
from wuyou.orgs import access

from .metrics import department_stats

router = Router(tags=["stats"])


class DeptStatsOut(Schema):
    code: str
    name: str
    dispatched: int
    response_rate: float | None
    on_time_rate: float | None
    resolution_rate: float | None
    satisfaction_rate: float | None
    return_rate: float | None
    reopen_rate: float | None
    score: float | None


def period(start: date | None, end: date | None) -> tuple[datetime, datetime]:
    """Inclusive local dates → [start 00:00, day after end 00:00) in Asia/Shanghai."""
    today = timezone.localdate()
    end = end or today
    start = start or (end - timedelta(days=364))
    if start > end:
        raise InvalidInput("开始日期不能晚于结束日期", code="invalid_period")
    if (end - start).days > 3660:
        raise InvalidInput("统计区间不能超过 10 年", code="invalid_period")
    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(start, time.min), tz),
        timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz),
    )


@router.get("/departments", response=list[DeptStatsOut], summary="部门三率")
def departments(request, start: date | None = None, end: date | None = None):
    access.api_require_role(request, access.STATS, message="无权查看部门考核数据")
    return [s.__dict__ for s in department_stats(*period(start, end))]
