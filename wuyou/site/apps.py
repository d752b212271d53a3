from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The top layer: what needs every other app, such as the demo data loader."""

    name = "wuyou.site"
    # "site" alone would clash with django.contrib.sites' label.
    label = "wuyou_site"
    verbose_name = "站点"
