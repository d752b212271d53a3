"""The top bar each role sees, assembled from the apps' nav.py files: the same links, labels and order
as the single list core used to hold."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from wuyou.testing import make_user

# The list core held before the registry: (url name, label, roles; None = every signed-in user).
OLD_NAV = [
    ("appeal_new", "提交诉求", {"enterprise", "cadre", "center"}),
    ("my_appeals", "我的诉求", {"enterprise", "cadre"}),
    ("center_queue", "受理交办", {"center", "admin"}),
    ("center_board", "超期预警", {"center", "admin", "leader", "inspector"}),
    ("center_supervision", "督办", {"center", "admin", "leader", "inspector"}),
    ("center_extensions", "延期审批", {"center", "admin"}),
    ("dept_inbox", "部门收件箱", {"dept_handler", "dept_leader"}),
    ("team_queue", "专班案件", {"team"}),
    ("dispatch_clusters", "批量诉求", {"center", "admin", "leader", "inspector"}),
    # issue 10, item 4: departments search their own history there.
    ("appeal_search", "全部诉求", {"center", "admin", "leader", "inspector", "dept_handler", "dept_leader"}),
    ("ranking", "三率排名", {"center", "admin", "leader", "inspector", "dept_leader"}),
    ("calendar_home", "工作日历", {"center", "admin"}),
    ("nl_my_reports", "我的举报", {"enterprise"}),
    ("nl_center_list", "举报办理", {"center"}),  # designated investigators only, not the admin role
    ("nl_dept_requests", "核实事项", {"dept_handler", "dept_leader"}),
    ("nl_index", "负面清单", None),
    ("notifications", "消息", None),
]
NEEDS_PERMISSION = {"nl_center_list"}
ROLES = [
    "enterprise",
    "center",
    "dept_handler",
    "dept_leader",
    "cadre",
    "team",
    "leader",
    "inspector",
    "admin",
]


def expected(role, *, has_perm):
    return [
        (reverse(name), label)
        for name, label, roles in OLD_NAV
        if (roles is None or role in roles) and (name not in NEEDS_PERMISSION or has_perm)
    ]


def nav_of(user):
    """The bar's links that existed before the registry; pages added since (the audit log…) are left out."""
    known = {reverse(name) for name, _label, _roles in OLD_NAV}
    c = Client()
    c.force_login(user)
    items = c.get(reverse("nl_index")).context["nav_items"]
    return [(i["url"], str(i["label"])) for i in items if i["url"] in known]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_the_same_bar_as_before(p, role):
    user = make_user(f"nav-{role}", role)
    assert nav_of(user) == expected(role, has_perm=False)
    user.user_permissions.add(Permission.objects.get(codename="investigate_report"))
    user = type(user).objects.get(pk=user.pk)  # drop the permission cache
    assert nav_of(user) == expected(role, has_perm=True)


@pytest.mark.django_db
def test_superuser_sees_the_admin_bar(p):
    root = make_user("nav-root", "enterprise", is_superuser=True, is_staff=True)
    assert nav_of(root) == expected("admin", has_perm=True)


@pytest.mark.django_db
def test_visitors_see_the_public_links(client):
    res = client.get(reverse("nl_index"))
    html = res.content.decode()
    assert [(i["url"], str(i["label"])) for i in res.context["public_nav_items"]] == [
        (reverse("nl_index"), "不刁难企业负面清单"),
        (reverse("nl_track"), "举报查询"),
        (reverse("register"), "企业注册"),  # enterprises open their own accounts (issue 10)
    ]
    assert f'<a href="{reverse("nl_track")}">举报查询</a>' in html
