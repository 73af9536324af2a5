from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "inspections.complaints"
    label = "complaints"
    verbose_name = _("举报投诉")

    def ready(self):
        from reports.registry import register_contribution

        from . import navigation
        from .contributions import complaints_contribution

        register_contribution(complaints_contribution)
        navigation.register()
