"""Pages for the reporting enterprise's account, the accused department and 纪委监委 (jw).

A department sees only its DeptRequests: the investigator's redacted summary, a due date, an answer box.
No report number, no reporter, no original text."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from wuyou.core.errors import DomainError, NotFound

from . import selectors, services
from .permissions import is_jw
from .views_public import reporter_context


@login_required
def my_reports(request):
    return render(request, "negative_list/my_reports.html", {"reports": selectors.my_reports(request.user)})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def my_report(request, pk: int):
    report = selectors.my_reports(request.user).filter(pk=pk).first()
    if report is None:
        raise Http404("页面不存在")
    if request.method == "POST":
        try:
            services.reporter_act(
                report_id=report.pk,
                action=request.POST.get("action", ""),
                user=request.user,
                data=request.POST,
                files=request.FILES.getlist("files"),
            )
        except NotFound:
            raise Http404("页面不存在") from None
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已提交")
        return redirect("nl_my_report", report.pk)
    return render(request, "negative_list/my_report.html", {"report": report, **reporter_context(report)})


@login_required
@require_http_methods(["GET", "POST"])
def dept_requests(request):
    qs = selectors.dept_requests_for(request.user)
    if request.method == "POST":
        try:
            services.dept_answer(
                request_id=int(request.POST.get("request", 0)),
                by=request.user,
                answer=request.POST.get("answer", ""),
            )
        except (NotFound, ValueError):
            raise Http404("页面不存在") from None
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已回复协调中心")
        return redirect("nl_dept_requests")
    referrals = selectors.referrals_for(request.user) if is_jw(request.user) else None
    return render(
        request,
        "negative_list/dept_requests.html",
        {"requests": qs, "referrals": referrals, "now": timezone.now()},
    )
