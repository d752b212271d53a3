from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from wuyou.core import excel
from wuyou.core.errors import InvalidInput
from wuyou.core.paging import page_number

from .access import CENTER, Role, has_role, role_of
from .models import Enterprise
from .services import enterprises_export, enterprises_import, enterprises_template

HOME_BY_ROLE = {
    Role.ENTERPRISE: "my_appeals",
    Role.CADRE: "my_appeals",
    Role.CENTER: "center_queue",
    Role.ADMIN: "center_queue",
    Role.DEPT_HANDLER: "dept_inbox",
    Role.DEPT_LEADER: "dept_inbox",
    Role.TEAM: "team_queue",
    Role.LEADER: "ranking",
    Role.INSPECTOR: "appeal_search",
    Role.SECURITY_ADMIN: "admin:index",
    Role.AUDIT_ADMIN: "audit_log",
}


@login_required
def home(request):
    # A superuser acts as admin; admin and center share the center's home page.
    target = HOME_BY_ROLE.get(role_of(request.user), "notifications")
    if target.startswith("admin:") and not request.user.is_staff:
        target = "notifications"  # the admin would refuse them: no home that bounces back to the login
    return redirect(target)


def staff_only(user):
    if not has_role(user, CENTER):
        raise PermissionDenied("仅协调中心可管理企业名录")


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_list(request):
    staff_only(request.user)
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, "请选择要导入的 Excel 文件")
        else:
            try:
                result = enterprises_import(content=upload.read(), by=request.user)
            except InvalidInput as exc:
                messages.error(request, exc.message)
            else:
                messages.success(
                    request, f"导入成功：新增 {result['created']} 家，更新 {result['updated']} 家"
                )
        return redirect("enterprise_list")
    qs = Enterprise.objects.select_related("district").order_by("name")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(name__icontains=q) | qs.filter(uscc__iexact=q)
    page = Paginator(qs, 50).get_page(page_number(request.GET.get("page")))
    return render(request, "orgs/enterprise_list.html", {"page": page, "q": q})


@login_required
def enterprise_export(request):
    staff_only(request.user)
    # The page's search applies: the export is what the list shows, all pages of it.
    return HttpResponse(
        enterprises_export(q=request.GET.get("q", "")),
        content_type=excel.CONTENT_TYPE,
        headers=excel.response_headers("企业名录.xlsx"),
    )


@login_required
def enterprise_template(request):
    staff_only(request.user)
    return HttpResponse(
        enterprises_template(),
        content_type=excel.CONTENT_TYPE,
        headers=excel.response_headers("企业名录导入模板.xlsx"),
    )
