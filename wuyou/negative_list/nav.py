"""The negative-list pages in the top bar, for signed-in users and, in the "public" section, for visitors."""

from django.utils.translation import gettext_lazy as _

from wuyou.core.nav import register
from wuyou.orgs.access import DEPT, ENTERPRISE, has_role

from .permissions import is_investigator


def _anonymous(user) -> bool:
    return not user.is_authenticated


register(name="nl_my_reports", label=_("我的举报"), visible=lambda u: has_role(u, ENTERPRISE), order=130)
# Investigating needs the permission as well as the role.
register(
    name="nl_center_list",
    label=_("举报办理"),
    visible=is_investigator,
    order=140,
)
register(name="nl_dept_requests", label=_("核实事项"), visible=lambda u: has_role(u, DEPT), order=150)
register(name="nl_index", label=_("负面清单"), visible=lambda u: u.is_authenticated, order=160)

register(name="nl_index", label=_("不刁难企业负面清单"), visible=_anonymous, order=10, section="public")
register(name="nl_track", label=_("举报查询"), visible=_anonymous, order=20, section="public")
