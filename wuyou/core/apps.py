from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "wuyou.core"
    verbose_name = "核心"
