from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "wuyou.workdays"
    verbose_name = "日历"
