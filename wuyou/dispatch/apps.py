from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "wuyou.dispatch"
    verbose_name = "智能分拨"

    def ready(self):
        from wuyou.appeals.extensions import register_detail_panel, register_intake_panel

        from .panels import detail_panel, intake_panel

        register_detail_panel(detail_panel)
        register_intake_panel(intake_panel)
