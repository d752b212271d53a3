from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "wuyou.orgs"
    verbose_name = "组织机构"
