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

# The user's own account security, for everyone signed in.
register(name="two_factor", label=_("两步验证"), visible=lambda u: u.is_authenticated, order=900)
register(name="password_change", label=_("修改密码"), visible=lambda u: u.is_authenticated, order=910)
