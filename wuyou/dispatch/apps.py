from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "wuyou.dispatch"
    verbose_name = "智能分拨"
