"""The orgs pages in the top bar."""

from django.utils.translation import gettext_lazy as _

from wuyou.core.nav import register
from wuyou.orgs import access
from wuyou.orgs.access import has_role

register(
    name="audit_log",
    label=_("审计日志"),
    visible=lambda u: has_role(u, access.CENTER, access.INSPECTOR),
    order=190,
)
