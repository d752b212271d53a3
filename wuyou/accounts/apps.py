from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "wuyou.accounts"
    label = "accounts"
    verbose_name = "账号安全"
