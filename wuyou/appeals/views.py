"""Pages of the appeals loop. Thin: visibility from selectors, every write through services.perform."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from wuyou.core.errors import DomainError
from wuyou.core.paging import CappedPaginator, page_number
from wuyou.orgs import access
from wuyou.orgs.access import has_role, role_required
from wuyou.orgs.models import Department

from . import selectors, services
from .exposure import contact_phone_for
from .extensions import render_detail_panels, render_intake_panels
from .forms import AppealForm
from .intake import VIA_WEB
from .models import (
    Action,
    Appeal,
    Extension,
    Rating,
    ReplyResult,
    Status,
    Supervision,
)
from .transitions import FLOW, available_actions


def paginate(request, qs, per_page=30):
    return Paginator(qs, per_page).get_page(page_number(request.GET.get("page")))


@role_required(access.SUBMITTERS)
def appeal_new(request):
    staff = not has_role(request.user, access.ENTERPRISE)
    if not staff and not request.user.enterprise_id:
        raise PermissionDenied("该账号未关联企业")
    initial = {}
    if not staff:
        ent = request.user.enterprise
        initial = {
            "contact_name": request.user.get_full_name() or ent.contact_name,
            "contact_phone": request.user.phone or ent.contact_phone,
        }
    form = AppealForm(request.POST or None, request.FILES or None, staff=staff, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            appeal = services.appeal_submit(
                by=request.user,
                enterprise_uscc=d.get("enterprise") or None,
                channel=d.get("channel") or None,
                category=d["category"],
                urgency=d["urgency"],
                title=d["title"],
                content=d["content"],
                location=d.get("location", ""),
                contact_name=d["contact_name"],
                contact_phone=d["contact_phone"],
                files=d.get("files") or [],
                via=VIA_WEB,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"诉求已提交，编号 {appeal.number}。我们会尽快交办并通知您。")
            return redirect("appeal_detail", appeal.pk)
    return render(
        request, "appeals/new.html", {"form": form, "staff": staff, "panels": render_intake_panels(request)}
    )


@role_required(access.ENTERPRISE_SIDE)
def my_appeals(request):
    qs = selectors.list_related(selectors.visible_appeals(request.user)).order_by("-created_at", "-id")
    status = request.GET.get("status", "")
    if status:
        qs = qs.filter(status=status)
    return render(
        request,
        "appeals/my_list.html",
        {"page": paginate(request, qs), "status": status, "statuses": Status.choices, "now": timezone.now()},
    )


def action_context(appeal, user):
    actions = available_actions(appeal, user)
    # Each form's heading comes from the workflow table.
    ctx = {
        "actions": actions,
        "action_rows": [(a, FLOW.rule(a).heading) for a in actions],
        "A": {a.name: a.value for a in Action},
    }
    if Action.DISPATCH in actions:
        ctx["departments"] = Department.objects.filter(is_active=True).order_by("code")
    if Action.APPROVE_EXTENSION in actions:
        ctx["pending_extension"] = appeal.extensions.filter(decision=Extension.Decision.PENDING).first()
        if ctx["pending_extension"] is None:
            actions.remove(Action.APPROVE_EXTENSION)
    ctx["reply_results"] = ReplyResult.choices
    ctx["ratings"] = Rating.choices
    return ctx


@login_required
def appeal_detail(request, pk):
    qs = selectors.visible_appeals(request.user).select_related(
        "enterprise", "enterprise__district", "department", "merged_into"
    )
    appeal = get_object_or_404(qs, pk=pk)
    events = appeal.events.select_related("actor__department", "actor__enterprise").order_by("seq")
    ctx = {
        "a": appeal,
        "events": events,
        "co_handlers": appeal.co_handlers.select_related("department"),
        "attachments": appeal.attachments.all(),
        "supervisions": appeal.supervisions.all(),
        "extensions": appeal.extensions.all(),
        "merged_children": appeal.merged.all(),
        "overdue": selectors.is_overdue(appeal),
        "now": timezone.now(),
        # Whole only for those who call the enterprise; the API applies the same rule (appeals.exposure).
        "phone": contact_phone_for(request.user, appeal),
    }
    ctx.update(action_context(appeal, request.user))
    ctx["panels"] = render_detail_panels(request, appeal)
    from .views_supply import desk_context  # issue 10: supply, reply files, notes, templates

    ctx.update(desk_context(request, appeal, ctx))
    return render(request, "appeals/detail.html", ctx)


@login_required
def attachment_download(request, pk, attachment_id):
    """Attachments are served only through this check, never as public media."""
    appeal = get_object_or_404(selectors.visible_appeals(request.user), pk=pk)
    att = get_object_or_404(appeal.attachments, pk=attachment_id)
    return FileResponse(
        att.file.open("rb"), as_attachment=True, filename=att.name, content_type=att.content_type
    )


def _form_inputs(request, action: str) -> dict:
    """The action's inputs from the posted form, as the workflow table declares them."""
    data = {}
    for field in FLOW.rule(action).inputs:
        if field.kind == "list":
            data[field.name] = request.POST.getlist(field.name)
        elif field.name in request.POST:
            data[field.name] = request.POST[field.name]
    return data


@require_POST
@login_required
def appeal_act(request, pk, action):
    if action not in services.ACTION_NAMES:
        raise Http404("未知操作")
    data = _form_inputs(request, action)
    if action == Action.MERGE and data.get("into"):
        target = Appeal.objects.filter(number=data["into"].strip()).values_list("pk", flat=True).first()
        data["into"] = target if target is not None else data["into"]
    try:
        services.perform(action, appeal_id=pk, by=request.user, data=data)
    except DomainError as exc:
        if exc.status == 404:
            raise Http404(exc.message) from None
        messages.error(request, exc.message)
    else:
        label = Action(action).label if action in Action.values else action
        messages.success(request, f"已{label}")
    if not selectors.visible_appeals(request.user).filter(pk=pk).exists():
        return redirect("home")
    return redirect("appeal_detail", pk)


@role_required(access.CENTER)
def center_queue(request):
    tab = request.GET.get("tab", "new")
    base = selectors.list_related(Appeal.objects.all())
    tabs = {
        "new": ("待交办", base.filter(status=Status.SUBMITTED).order_by("created_at")),
        "reviewing": ("不满意复核", base.filter(status=Status.REVIEWING).order_by("rated_at")),
        "returned": (
            "退回待重新交办",
            base.filter(status=Status.SUBMITTED, return_count__gt=0).order_by("created_at"),
        ),
    }
    tab = tab if tab in tabs else "new"
    counts = {k: v[1].count() for k, v in tabs.items()}
    return render(
        request,
        "appeals/center_queue.html",
        {
            "tab": tab,
            "tabs": [(k, v[0], counts[k]) for k, v in tabs.items()],
            "page": paginate(request, tabs[tab][1]),
            "now": timezone.now(),
        },
    )


@role_required(access.READ_ALL)
def center_board(request):
    now = timezone.now()
    base = selectors.list_related(Appeal.objects.all())
    overdue = base.filter(selectors.overdue_q(now)).order_by("reply_due_at")
    warning = base.filter(status__in=selectors.HANDLING, warn_at__lte=now, reply_due_at__gte=now).order_by(
        "reply_due_at"
    )
    escalated = base.filter(
        escalation_level__gte=1,
        status__in=[Status.DISPATCHED, Status.IN_PROGRESS, Status.PAUSED, Status.REVIEWING],
    ).order_by("-escalation_level")
    return render(
        request,
        "appeals/center_board.html",
        {
            "overdue": overdue[:100],
            "overdue_count": overdue.count(),
            "warning": warning[:100],
            "warning_count": warning.count(),
            "escalated": escalated[:100],
            "escalated_count": escalated.count(),
            "now": now,
        },
    )


@role_required(access.READ_ALL)
def center_supervision(request):
    qs = Supervision.objects.filter(closed_at__isnull=True).select_related(
        "appeal", "appeal__department", "appeal__enterprise", "created_by"
    )
    return render(
        request, "appeals/center_supervision.html", {"page": paginate(request, qs), "now": timezone.now()}
    )


@role_required(access.DEPT)
def dept_inbox(request):
    tab = request.GET.get("tab", "to_sign")
    tab = tab if tab in selectors.DEPT_TABS else "to_sign"
    now = timezone.now()
    counts = {k: selectors.department_inbox(request.user, k, now).count() for k in selectors.COUNTED_TABS}
    qs = selectors.department_inbox(request.user, tab, now)
    page = CappedPaginator(qs, 30).get_page(page_number(request.GET.get("page")))
    return render(
        request,
        "appeals/dept_inbox.html",
        {
            "tab": tab,
            "tabs": [(k, v[0], counts.get(k)) for k, v in selectors.DEPT_TABS.items()],
            "page": page,
            "now": now,
        },
    )


@role_required(access.TEAM)
def team_queue(request):
    qs = (
        selectors.list_related(selectors.visible_appeals(request.user))
        .filter(
            status__in=[
                Status.SUBMITTED,
                Status.DISPATCHED,
                Status.IN_PROGRESS,
                Status.PAUSED,
                Status.REVIEWING,
            ]
        )
        .order_by("-escalation_level", "reply_due_at")
    )
    return render(request, "appeals/team_queue.html", {"page": paginate(request, qs), "now": timezone.now()})
