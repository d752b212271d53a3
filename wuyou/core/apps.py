from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "wuyou.core"
    verbose_name = "核心"

    def ready(self):
        # Each app lists its pages in its own nav.py (see wuyou.core.nav); import them all once.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("nav")
