from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "inspections.evaluations"
    label = "evaluations"
    verbose_name = _("督导评估与考核")

    def ready(self):
        from reports.registry import register_contribution

        from . import navigation
        from .contributions import evaluations_contribution

        register_contribution(evaluations_contribution)
        navigation.register()
