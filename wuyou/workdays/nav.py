"""The calendar pages in the top bar."""

from django.utils.translation import gettext_lazy as _

from wuyou.core.nav import register
from wuyou.orgs.access import CENTER, has_role

register(name="calendar_home", label=_("工作日历"), visible=lambda u: has_role(u, CENTER), order=120)
