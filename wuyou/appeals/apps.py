from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "wuyou.appeals"
    verbose_name = "企业诉求"
