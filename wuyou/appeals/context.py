from datetime import datetime, time

from django.utils import timezone

from wuyou.orgs import access
from wuyou.workdays.calendar import estimated_from

from .models import OPEN_STATUSES, Appeal


def calendar_warning(request):
    """Warn staff while any open deadline rests on an estimated (not yet official) calendar year."""
    user = getattr(request, "user", None)
    if not access.has_role(user, access.HANDLERS):
        return {}
    first = estimated_from()
    if first is None:
        return {}
    boundary = timezone.make_aware(datetime.combine(first, time.min))
    if not Appeal.objects.filter(status__in=OPEN_STATUSES, reply_due_at__gte=boundary).exists():
        return {}
    return {
        "calendar_estimate_warning": f"注意：部分未办结诉求的期限落在 {first.year} 年及以后，该年度国务院放假安排尚未导入，"
        "期限按估算日历计算。请在工作日历中导入正式安排。"
    }
