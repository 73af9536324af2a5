from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "inspections.campaigns"
    label = "campaigns"
    verbose_name = _("专项督导")

    def ready(self):
        from reports.registry import register_contribution

        from . import navigation
        from .contributions import campaigns_contribution
        from .report_files import register_jobs

        register_jobs()
        register_contribution(campaigns_contribution)
        navigation.register()
