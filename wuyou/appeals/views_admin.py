"""Ranking (三率) and the center's settings: time limits and score weights."""

from datetime import date

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render

from wuyou.core.errors import InvalidInput
from wuyou.orgs.models import Role

from .api_stats import STATS_ROLES, period
from .metrics import department_stats
from .models import MetricWeights, TimeLimit
from .views import CENTER_ROLES, roles_required


def parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@roles_required(*STATS_ROLES)
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
            "can_edit": request.user.role in CENTER_ROLES or request.user.is_superuser,
        },
    )


def _int(value, label, lo, hi):
    try:
        n = int(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"{label}必须是整数") from None
    if not lo <= n <= hi:
        raise InvalidInput(f"{label}须在 {lo} 到 {hi} 之间")
    return n


@roles_required(*CENTER_ROLES)
def settings_page(request):
    limits = list(TimeLimit.objects.order_by("id"))
    weights = MetricWeights.objects.first() or MetricWeights.objects.create()
    if request.method == "POST":
        try:
            with transaction.atomic():
                for lim in limits:
                    c = lim.category
                    lim.sign_workdays = _int(request.POST.get(f"{c}-sign"), f"{lim}签收时限", 1, 10)
                    lim.urgent_sign_hours = _int(request.POST.get(f"{c}-urgent"), f"{lim}紧急签收时限", 1, 72)
                    lim.reply_workdays = _int(request.POST.get(f"{c}-reply"), f"{lim}答复时限", 1, 60)
                    lim.rate_workdays = _int(request.POST.get(f"{c}-rate"), f"{lim}评价时限", 1, 30)
                    lim.save()
                weights.response = _int(request.POST.get("w-response"), "响应率权重", 0, 100)
                weights.resolution = _int(request.POST.get("w-resolution"), "解决率权重", 0, 100)
                weights.satisfaction = _int(request.POST.get("w-satisfaction"), "满意率权重", 0, 100)
                if weights.response + weights.resolution + weights.satisfaction == 0:
                    raise InvalidInput("权重之和不能为 0")
                weights.save()
        except InvalidInput as exc:
            messages.error(request, exc.message + "（未保存任何修改）")
        else:
            messages.success(request, "已保存。新的时限对此后交办的诉求生效。")
        return redirect("appeal_settings")
    return render(request, "appeals/settings.html", {"limits": limits, "weights": weights, "Role": Role})
