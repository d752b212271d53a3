"""Ranking (三率) and the center's settings: time limits and score weights."""

from datetime import date

from django.contrib import messages
from django.shortcuts import redirect, render

from wuyou.core.errors import InvalidInput
from wuyou.orgs import access
from wuyou.orgs.access import Role, has_role, role_required

from . import admin_services
from .api_stats import period
from .metrics import department_stats
from .models import MetricWeights, TimeLimit


def parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@role_required(access.STATS)
def ranking(request):
    start, end = parse_date(request.GET.get("start")), parse_date(request.GET.get("end"))
    try:
        begin, finish = period(start, end)
    except InvalidInput as exc:
        messages.error(request, exc.message)
        begin, finish = period(None, None)
    rows = [s for s in department_stats(begin, finish) if s.dispatched]
    w = MetricWeights.objects.first() or MetricWeights()
    return render(
        request,
        "appeals/ranking.html",
        {
            "rows": rows,
            "start": begin.date(),
            "end": finish.date(),
            "weights": w,
            "can_edit": has_role(request.user, access.CENTER),
        },
    )


@role_required(access.CENTER)
def settings_page(request):
    limits = list(TimeLimit.objects.order_by("id"))
    weights = admin_services.current_weights()
    if request.method == "POST":
        try:
            admin_services.settings_save(by=request.user, data=request.POST)
        except InvalidInput as exc:
            messages.error(request, exc.message + "（未保存任何修改）")
        else:
            messages.success(request, "已保存。新的时限对此后交办的诉求生效。")
        return redirect("appeal_settings")
    return render(request, "appeals/settings.html", {"limits": limits, "weights": weights, "Role": Role})
