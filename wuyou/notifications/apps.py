from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class NotificationsConfig(AppConfig):
    name = "wuyou.notifications"
    verbose_name = "消息通知"

    def ready(self):
        # Each app names its kinds of notification in its own notify.py (wuyou.notifications.kinds);
        # importing them here fills the registry the preferences page lists, without this app
        # importing the apps above it.
        autodiscover_modules("notify")
