from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonthlyReportsConfig(AppConfig):
    name = "reports.monthly"
    label = "monthly_reports"
    verbose_name = _("责任区月报表")

    def ready(self):
        from reports.annual.contributions import register as contribution_register

        from . import contributions, jobs, navigation

        jobs.register()
        contribution_register(contributions.monthly_reports_contribution)
        navigation.register()
