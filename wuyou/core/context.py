from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wuyou.orgs.models import Role

# (url name, label, roles that see it); None means every signed-in user.
NAV = [
    ("appeal_new", _("提交诉求"), {Role.ENTERPRISE, Role.CADRE, Role.CENTER}),
    ("my_appeals", _("我的诉求"), {Role.ENTERPRISE, Role.CADRE}),
    ("center_queue", _("受理交办"), {Role.CENTER, Role.ADMIN}),
    ("center_board", _("超期预警"), {Role.CENTER, Role.ADMIN, Role.LEADER, Role.INSPECTOR}),
    ("center_supervision", _("督办"), {Role.CENTER, Role.ADMIN, Role.LEADER, Role.INSPECTOR}),
    ("center_extensions", _("延期审批"), {Role.CENTER, Role.ADMIN}),
    ("dept_inbox", _("部门收件箱"), {Role.DEPT_HANDLER, Role.DEPT_LEADER}),
    ("team_queue", _("专班案件"), {Role.TEAM}),
    ("dispatch_clusters", _("批量诉求"), {Role.CENTER, Role.ADMIN, Role.LEADER, Role.INSPECTOR}),
    ("appeal_search", _("全部诉求"), {Role.CENTER, Role.ADMIN, Role.LEADER, Role.INSPECTOR}),
    ("ranking", _("三率排名"), {Role.CENTER, Role.ADMIN, Role.LEADER, Role.INSPECTOR, Role.DEPT_LEADER}),
    ("calendar_home", _("工作日历"), {Role.CENTER, Role.ADMIN}),
    ("nl_my_reports", _("我的举报"), {Role.ENTERPRISE}),
    ("nl_center_list", _("举报办理"), {Role.CENTER, Role.ADMIN}),
    ("nl_dept_requests", _("核实事项"), {Role.DEPT_HANDLER, Role.DEPT_LEADER}),
    ("nl_index", _("负面清单"), None),
    ("notifications", _("消息"), None),
]

# Links that also need a permission, not only a role.
NAV_PERMISSIONS = {"nl_center_list": "negative_list.investigate_report"}


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for name, label, roles in NAV:
        if not (roles is None or user.role in roles or (user.is_superuser and Role.ADMIN in roles)):
            continue
        if name in NAV_PERMISSIONS and not user.has_perm(NAV_PERMISSIONS[name]):
            continue
        items.append({"url": reverse(name), "label": label, "active": request.path.startswith(reverse(name))})
    return {"nav_items": items}
