"""The appeals pages in the top bar (order numbers interleave with the other apps' entries)."""

from django.utils.translation import gettext_lazy as _

from wuyou.core.nav import register
from wuyou.orgs import access
from wuyou.orgs.access import Role, has_role

register(
    name="appeal_new",
    label=_("提交诉求"),
    visible=lambda u: has_role(u, access.ENTERPRISE_SIDE, Role.CENTER),
    order=10,
)
register(
    name="my_appeals", label=_("我的诉求"), visible=lambda u: has_role(u, access.ENTERPRISE_SIDE), order=20
)
register(name="center_queue", label=_("受理交办"), visible=lambda u: has_role(u, access.CENTER), order=30)
register(name="center_board", label=_("超期预警"), visible=lambda u: has_role(u, access.READ_ALL), order=40)
register(name="center_supervision", label=_("督办"), visible=lambda u: has_role(u, access.READ_ALL), order=50)
register(
    name="center_extensions", label=_("延期审批"), visible=lambda u: has_role(u, access.CENTER), order=60
)
register(name="dept_inbox", label=_("部门收件箱"), visible=lambda u: has_role(u, access.DEPT), order=70)
register(name="reply_templates", label=_("常用语"), visible=lambda u: has_role(u, access.DEPT), order=75)
register(name="team_queue", label=_("专班案件"), visible=lambda u: has_role(u, access.TEAM), order=80)
# issue 10, item 4: departments search their whole history on the same page.
register(
    name="appeal_search",
    label=_("全部诉求"),
    visible=lambda u: has_role(u, access.READ_ALL, access.DEPT),
    order=100,
)
register(
    name="ranking",
    label=_("三率排名"),
    visible=lambda u: has_role(u, access.READ_ALL, access.DEPT_LEADER),
    order=110,
)
