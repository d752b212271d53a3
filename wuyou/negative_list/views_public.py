"""Public pages: the list, search, item pages, the report form and the anonymous reporter's tracking page.
Nothing here reads a report except through the reporter's own secret or account."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from wuyou.core.errors import DomainError, NotFound
from wuyou.orgs.access import ENTERPRISE, has_role

from . import ratelimit, selectors, services, stats
from .forms import ReportForm, TrackForm
from .models import Domain, Item, Rating
from .search import search_items
from .transitions import FLOW


def _current():
    try:
        return selectors.current_or_404()
    except NotFound:
        raise Http404("负面清单尚未发布") from None


def index(request):
    lv = _current()
    q = request.GET.get("q", "").strip()[:100]
    domain_code = request.GET.get("domain", "")
    ctx = {"lv": lv, "q": q, "categories": selectors.version_tree(lv)}
    if q:
        ctx["results"] = search_items(lv, q)
    elif domain_code:
        domain = (
            Domain.objects.filter(category__version=lv, code=domain_code).select_related("category").first()
        )
        if domain is None:
            raise Http404("领域不存在")
        ctx["domain"] = domain
        ctx["results"] = (
            Item.objects.filter(domain=domain).prefetch_related("departments").order_by("position")
        )
    return render(request, "negative_list/index.html", ctx)


def item_detail(request, code: str):
    try:
        item = selectors.public_item(code)
    except NotFound:
        raise Http404("条目不存在") from None
    return render(request, "negative_list/item.html", {"item": item, "departments": item.departments.all()})


def _reporter_kind(user) -> str:
    if not user.is_authenticated:
        return "anonymous"
    return "enterprise" if has_role(user, ENTERPRISE) and user.enterprise_id else "staff"


@never_cache
@require_http_methods(["GET", "POST"])
def report_new(request):
    _current()
    kind = _reporter_kind(request.user)
    initial = {"items": request.GET.get("item", "")[:20]}
    form = ReportForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and kind != "staff" and form.is_valid():
        d = form.cleaned_data
        try:
            # 「匿名举报」 by a signed-in enterprise: filed as by anyone, with no link to the account.
            named = kind == "enterprise" and d.get("reporting_as") != "anonymous"
            report, secret = services.report_submit(
                by=request.user if named else None,
                items=form.item_codes(),
                department=d["department"],
                official=d["official"],
                occurred_on=d["occurred_on"],
                place=d["place"],
                description=d["description"],
                reporter_name=d["reporter_name"],
                reporter_phone=d["reporter_phone"],
                files=d.get("files") or [],
                ip=ratelimit.client_ip(request),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            if secret is None:
                messages.success(request, "举报已提交。协调中心将在 1 个工作日内受理。")
                return redirect("nl_my_report", report.pk)
            # Shown once, never stored in clear: the page is not cached and no redirect carries it.
            return render(
                request, "negative_list/submitted.html", {"code": report.tracking_code, "secret": secret}
            )
    return render(request, "negative_list/report_new.html", {"form": form, "kind": kind})


@never_cache
@require_http_methods(["GET", "POST"])
def track(request):
    """POST only carries the secret (never a URL); follow-up forms re-post it."""
    form = TrackForm(request.POST or None)
    report = None
    if request.method == "POST" and form.is_valid():
        code, secret = form.cleaned_data["tracking_code"], form.cleaned_data["secret"]
        try:
            ratelimit.hit_track(ratelimit.client_ip(request))
            report = services.find_by_secret(code, secret)
            action = request.POST.get("action", "")
            if action in ("rate", "add_material"):
                services.reporter_act(
                    report_id=report.pk,
                    action=action,
                    secret_ok=True,
                    data=request.POST,
                    files=request.FILES.getlist("files"),
                )
                messages.success(request, "已提交")
                report.refresh_from_db()
        except NotFound:
            # Start over with an empty form: the page does not echo what was typed.
            form, report = TrackForm(), None
            messages.error(request, "查询码或查询密码不正确")
        except DomainError as exc:
            messages.error(request, exc.message)
    if request.method == "POST" and not form.is_valid():
        form = TrackForm()
        messages.error(request, "请填写查询码和查询密码")
    ctx = {"form": form, "report": report}
    if report is not None:
        ctx.update(reporter_context(report))
    return render(request, "negative_list/track.html", ctx)


def reporter_context(report) -> dict:
    return {
        "events": report.events.filter(public=True).order_by("at", "id"),
        "items": report.items.select_related("domain"),
        "ratings": Rating.choices,
        # The reporter's forms follow the workflow table's states for its two actions.
        "can_rate": report.status in FLOW.rule("rate").sources,
        "can_add": report.status in FLOW.rule("add_material").sources,
    }


def public_stats(request):
    return render(request, "negative_list/public_stats.html", {"s": stats.public_stats()})
