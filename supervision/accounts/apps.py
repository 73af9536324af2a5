from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "supervision.accounts"
    label = "accounts"
    verbose_name = "身份鉴别"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import gate, navigation, sessions

        navigation.register()
        user_logged_in.connect(sessions.stamp_login, dispatch_uid="accounts.stamp_login")
        user_logged_in.connect(gate.on_login, dispatch_uid="accounts.gate")
