"""Pages of the dispatch module. Thin: reads from selectors, writes through services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from wuyou.appeals.models import Category, ReplyResult
from wuyou.core.errors import DomainError
from wuyou.orgs.access import DEPT, READ_ALL, SUBMITTERS, has_role
from wuyou.orgs.models import Department

from . import selectors, services
from .models import AutoDispatchRule, Cluster, ModelVersion
from .transitions import FLOW


def _center_only(request):
    if not selectors.is_center(request.user):
        raise PermissionDenied("只有协调中心可以访问")


def _precision_at(metrics: dict, threshold: float):
    """Precision of the top suggestion at the nearest evaluated threshold at or below this one."""
    points = [p for p in metrics.get("curve", []) if p["threshold"] <= threshold + 1e-9]
    return points[-1] if points else None


@login_required
def settings_page(request):
    _center_only(request)
    if request.method == "POST":
        try:
            op = request.POST.get("op")
            if op == "rule":
                services.set_auto_rule(
                    by=request.user,
                    category=request.POST.get("category", ""),
                    enabled=request.POST.get("enabled") == "on",
                    threshold=request.POST.get("threshold"),
                )
                messages.success(request, "已保存自动交办规则")
            elif op == "rollback":
                v = services.rollback(by=request.user)
                messages.success(request, f"已回滚到 {v}" if v else "已回滚到冷启动（仅部门职责）")
            elif op == "activate":
                v = services.activate_version(
                    version_id=int(request.POST.get("version") or 0), by=request.user
                )
                messages.success(request, f"已启用 {v}")
            elif op == "train":
                services.request_training(by=request.user)
                messages.success(request, "已请求重新训练，后台任务将在下一轮执行")
        except (DomainError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", "输入无效"))
        return redirect("dispatch_settings")
    active = ModelVersion.objects.filter(is_active=True).defer("blob").first()
    metrics = active.metrics if active else {}
    rules = {r.category: r for r in AutoDispatchRule.objects.all()}
    rows = []
    for value, label in Category.choices:
        rule = rules.get(value)
        threshold = rule.threshold if rule else 0.9
        rows.append(
            {
                "value": value,
                "label": label,
                "rule": rule,
                "threshold": threshold,
                "at": _precision_at(metrics, threshold),
            }
        )
    versions = ModelVersion.objects.defer("blob").select_related("created_by")[:20]
    return render(
        request,
        "dispatch/settings.html",
        {"rows": rows, "active": active, "versions": versions, "metrics": metrics},
    )


@login_required
def cluster_list(request):
    if not has_role(request.user, READ_ALL):
        raise PermissionDenied("无权访问")
    status = request.GET.get("status", Cluster.Status.DETECTED)
    qs = selectors.visible_clusters(request.user).filter(status=status)[:200]
    return render(
        request,
        "dispatch/clusters.html",
        {"clusters": qs, "status": status, "statuses": Cluster.Status.choices},
    )


def _cluster(request, pk):
    cluster = Cluster.objects.select_related("lead_department").filter(pk=pk).first()
    if cluster is None or not selectors.can_see_cluster(request.user, cluster):
        raise Http404("批量诉求不存在")
    return cluster


@login_required
def cluster_detail(request, pk):
    cluster = _cluster(request, pk)
    members = selectors.cluster_members(cluster, request.user)
    ctx = {
        "c": cluster,
        "members": members,
        "events": cluster.events.select_related("actor"),
        "is_center": selectors.is_center(request.user),
        "is_lead": has_role(request.user, DEPT) and cluster.lead_department_id == request.user.department_id,
        "departments": Department.objects.filter(is_active=True).order_by("code"),
        "reply_results": ReplyResult.choices,
    }
    if ctx["is_center"] and cluster.status == Cluster.Status.DETECTED and members:
        from .engine import current_model

        texts = "\n".join(selectors.appeal_text(m) for m in members[:10])
        ctx["suggestions"] = current_model().suggest(texts)
    return render(request, "dispatch/cluster_detail.html", ctx)


@require_POST
@login_required
def cluster_act(request, pk, action):
    cluster = _cluster(request, pk)
    p = request.POST
    try:
        with FLOW.expecting(cluster.pk, p.get("expected_status")):
            _cluster_step(request, cluster, action)
    except DomainError as exc:
        if exc.status == 404:
            raise Http404(exc.message) from None
        if exc.status == 403:
            raise PermissionDenied(exc.message) from None
        messages.error(request, exc.message)
    return redirect("dispatch_cluster", cluster.pk)


def _cluster_step(request, cluster, action):
    # Runs inside FLOW.expecting: the cluster's state the page showed is checked under its row lock.
    p = request.POST
    if action == "link":
        out = services.cluster_link(
            cluster_id=cluster.pk,
            by=request.user,
            lead_department=p.get("department", ""),
            appeal_ids=[int(x) for x in p.getlist("appeals") if x.isdigit()] or None,
            dispatch_submitted=p.get("dispatch_submitted") == "on",
        )
        messages.success(request, f"已并案；交办 {len(out['dispatched'])} 件，跳过 {len(out['skipped'])} 件")
    elif action == "unlink":
        services.cluster_unlink(cluster_id=cluster.pk, by=request.user)
        messages.success(request, "已撤销并案（各诉求状态不变）")
    elif action == "dismiss":
        services.cluster_dismiss(cluster_id=cluster.pk, by=request.user, note=p.get("note", ""))
        messages.success(request, "已忽略")
    elif action == "reply":
        out = services.case_reply(
            cluster_id=cluster.pk,
            by=request.user,
            result=p.get("result", ""),
            content=p.get("content", ""),
        )
        skipped = "；".join(f"{s['number']}：{s['reason']}" for s in out["skipped"])
        messages.success(
            request, f"已答复 {len(out['replied'])} 件" + (f"；未答复：{skipped}" if skipped else "")
        )
    else:
        raise Http404("未知操作")


@login_required
def similar_intake(request):
    """htmx fragment under the intake form: similar appeals as the user types (own enterprise only for
    enterprise users, by the appeals visibility rule)."""
    if not has_role(request.user, SUBMITTERS):
        raise PermissionDenied("无权访问")
    text = f"{request.GET.get('title', '')}\n{request.GET.get('content', '')}"[:5000]
    found = selectors.similar_at_intake(request.user, text) if len(text.strip()) >= 4 else []
    return render(request, "dispatch/_similar_intake.html", {"similar": found})
