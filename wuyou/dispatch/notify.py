"""The kinds of notification the dispatch module sends (wuyou.notifications.kinds)."""

from django.utils.translation import gettext_lazy as _

from wuyou.notifications import kinds

CLUSTER_DETECTED = kinds.register("cluster", _("批量诉求"))
