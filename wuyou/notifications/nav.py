"""The inbox in the top bar, for every signed-in user (last, as before the registry)."""

from django.utils.translation import gettext_lazy as _

from wuyou.core.nav import register

register(name="notifications", label=_("消息"), visible=lambda u: u.is_authenticated, order=170)
