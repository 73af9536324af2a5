from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "inspections.campaigns"
    label = "campaigns"
    verbose_name = _("专项督导")

    def ready(self):
        from reports.annual.contributions import register

        from . import navigation
        from .contributions import campaigns_contribution
        from .report_files import register_jobs

        register_jobs()
        register(campaigns_contribution)
        navigation.register()
