from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "supervision.accounts"
    label = "accounts"
    verbose_name = "身份鉴别"

    def ready(self):
        from . import navigation

        navigation.register()
