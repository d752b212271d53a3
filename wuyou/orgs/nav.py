"""The orgs pages in the top bar."""

from django.utils.translation import gettext_lazy as _

from wuyou.core.nav import register
from wuyou.orgs import access
from wuyou.orgs.access import has_role

register(
    name="audit_log",
    label=_("审计日志"),
    visible=lambda u: has_role(u, access.AUDIT_READERS),
    order=190,
)

# Enterprise accounts (issue 10): the enterprise administrator's users, the center's registrations that
# wait, and the registration page for visitors.
register(
    name="enterprise_users",
    label=_("企业用户"),
    visible=lambda u: has_role(u, access.ENTERPRISE) and bool(u.enterprise_id) and u.is_enterprise_admin,
    order=180,
)
register(
    name="enterprise_registrations",
    label=_("注册审核"),
    visible=lambda u: has_role(u, access.CENTER),
    order=125,
)
register(
    name="register", label=_("企业注册"), visible=lambda u: not u.is_authenticated, order=30, section="public"
)

# The user's own account security, for everyone signed in.
register(name="two_factor", label=_("两步验证"), visible=lambda u: u.is_authenticated, order=900)
register(name="password_change", label=_("修改密码"), visible=lambda u: u.is_authenticated, order=910)
