from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "reports.dashboard"
    label = "dashboard"
    verbose_name = _("督导数据看板")

    def ready(self):
        from . import navigation

        navigation.register()
