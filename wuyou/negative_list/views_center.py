"""Investigators' pages. Anyone else gets 404 (a 403 would confirm that something is there)."""

from functools import wraps

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from wuyou.accounts import recent
from wuyou.core.errors import DomainError, NotFound
from wuyou.core.paging import page_number
from wuyou.orgs.access import CENTER, has_role

from . import catalog, excel, selectors, services, stats
from .forms import ImportForm
from .models import Evidence, ListVersion, Outcome, RetaliationAlert, Status
from .permissions import is_investigator
from .retaliation import alert_review
from .transitions import ACTION_LABELS, FLOW, available_actions


def investigators_only(view):
    @wraps(view)
    @never_cache
    def wrapped(request, *args, **kwargs):
        if not is_investigator(request.user):
            raise Http404("页面不存在")
        return view(request, *args, **kwargs)

    return wrapped


def list_managers_only(view):
    """The list itself is public data; the center (any center user) and admins manage it."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not has_role(request.user, CENTER):
            raise Http404("页面不存在")
        return view(request, *args, **kwargs)

    return wrapped


@investigators_only
def report_list(request):
    status, q = request.GET.get("status", ""), request.GET.get("q", "").strip()[:50]
    qs = selectors.reports_for(request.user, status=status, q=q)
    page = Paginator(qs, 30).get_page(page_number(request.GET.get("page")))
    return render(
        request,
        "negative_list/center_list.html",
        {"page": page, "status": status, "q": q, "statuses": Status.choices, "now": timezone.now()},
    )


def _report(request, pk: int):
    try:
        return selectors.report_for_investigator(request.user, pk)
    except NotFound:
        raise Http404("页面不存在") from None


def _detail(request, report, identity=None):
    return render(
        request,
        "negative_list/center_detail.html",
        {
            "r": report,
            "identity": identity,
            "items": report.items.select_related("domain__category"),
            "events": report.events.select_related("actor").order_by("at", "id"),
            "evidence": report.evidence.order_by("uploaded_at"),
            "dept_requests": report.dept_requests.order_by("created_at"),
            "accesses": report.identity_accesses.select_related("user")[:20],
            "alerts": report.retaliation_alerts.all(),
            "actions": available_actions(report, request.user),
            "labels": ACTION_LABELS,
            "outcomes": Outcome.choices,
            "now": timezone.now(),
        },
    )


@investigators_only
def report_detail(request, pk: int):
    return _detail(request, _report(request, pk))


@investigators_only
@require_POST
def reveal_identity(request, pk: int):
    report = _report(request, pk)
    if not recent.is_recent(request):
        # Re-authenticate first (「验证身份」), then come back to the report and ask again.
        messages.info(request, "查看举报人身份前，请先验证身份。")
        return recent.redirect_to_verify(request, reverse("nl_center_detail", args=[report.pk]))
    try:
        identity = services.reveal_identity(
            report_id=report.pk,
            by=request.user,
            reason=request.POST.get("reason"),
            via="page",
            request=request,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("nl_center_detail", pk=report.pk)
    return _detail(request, report, identity=identity)


@investigators_only
@require_POST
def report_act(request, pk: int, action: str):
    if action not in FLOW.actions():
        raise Http404("操作不存在")
    try:
        services.perform(action, report_id=pk, by=request.user, data=request.POST)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已{FLOW.rule(action).label}")
    return redirect("nl_center_detail", pk)


@investigators_only
def evidence_download(request, pk: int):
    ev = get_object_or_404(Evidence, pk=pk)
    return FileResponse(
        ev.file.open("rb"), as_attachment=True, filename=ev.name, content_type=ev.content_type
    )


@investigators_only
def center_stats(request):
    return render(request, "negative_list/center_stats.html", {"s": stats.center_stats()})


@investigators_only
def alerts(request):
    if request.method == "POST":
        alert_review(alert_id=request.POST.get("alert"), by=request.user)
        return redirect("nl_alerts")
    qs = RetaliationAlert.objects.select_related("report__department")
    return render(request, "negative_list/alerts.html", {"alerts": qs[:200]})


@list_managers_only
def versions(request):
    action = request.POST.get("action", "import")
    importing = request.method == "POST" and action == "import"
    form = ImportForm(request.POST if importing else None, request.FILES if importing else None)
    errors = []
    if request.method == "POST":
        try:
            if action == "publish":
                catalog.publish(
                    version_id=int(request.POST["version"]),
                    status=request.POST.get("status", "in_force"),
                    by=request.user,
                )
                messages.success(request, "已发布；原施行版本已废止")
                return redirect("nl_versions")
            if action == "delete":
                catalog.delete_draft(version_id=int(request.POST["version"]), by=request.user)
                messages.success(request, "草稿已删除")
                return redirect("nl_versions")
            if form.is_valid():
                d = form.cleaned_data
                rows, errors = excel.read_rows(d["file"])
                if not errors:
                    lv = catalog.create_version(
                        name=d["name"],
                        version=d["version"],
                        issuer=d["issuer"],
                        effective_on=d["effective_on"],
                        rows=rows,
                        by=request.user,
                    )
                    messages.success(request, f"已导入草稿「{lv}」，共 {lv.items.count()} 条")
                    return redirect("nl_versions")
        except (DomainError, ValueError, KeyError) as exc:
            messages.error(request, getattr(exc, "message", "请求无效"))
    qs = ListVersion.objects.all()
    return render(request, "negative_list/versions.html", {"versions": qs, "form": form, "errors": errors})


@list_managers_only
def version_template(request):
    resp = HttpResponse(excel.template(), content_type=excel.CONTENT_TYPE)
    resp["Content-Disposition"] = 'attachment; filename="negative-list-template.xlsx"'
    return resp


def version_export(request, pk: int):
    lv = get_object_or_404(ListVersion, pk=pk)
    manager = has_role(request.user, CENTER)
    if lv.status == ListVersion.Status.DRAFT and not manager:
        raise Http404("页面不存在")
    resp = HttpResponse(
        excel.export_version(lv),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    resp["Content-Disposition"] = f'attachment; filename="negative-list-{lv.pk}.xlsx"'
    return resp
