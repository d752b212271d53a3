from django.apps import AppConfig


class NegativeListConfig(AppConfig):
    name = "wuyou.negative_list"
    verbose_name = "负面清单"
