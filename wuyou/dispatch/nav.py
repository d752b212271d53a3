"""The dispatch pages in the top bar."""

from django.utils.translation import gettext_lazy as _

from wuyou.core.nav import register
from wuyou.orgs.access import READ_ALL, has_role

register(name="dispatch_clusters", label=_("批量诉求"), visible=lambda u: has_role(u, READ_ALL), order=90)
