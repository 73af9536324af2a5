from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonthlyReportsConfig(AppConfig):
    name = "reports.monthly"
    label = "monthly_reports"
    verbose_name = _("责任区月报表")

    def ready(self):
        from reports.registry import register_contribution

        from . import contributions, jobs, navigation

        jobs.register()
        register_contribution(contributions.monthly_reports_contribution)
        navigation.register()
