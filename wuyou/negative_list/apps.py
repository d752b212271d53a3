from django.apps import AppConfig


class NegativeListConfig(AppConfig):
    name = "wuyou.negative_list"
    verbose_name = "负面清单"

    def ready(self):
        # Registers the reports' event chain with wuyou.core.audit, so verify_audit walks it in any process.
        from . import audit  # noqa: F401
