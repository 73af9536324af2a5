from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "inspections.cases"
    label = "cases"
    verbose_name = _("督导案例")

    def ready(self):
        from reports.registry import register_contribution

        from . import navigation
        from .selectors import case_contribution

        register_contribution(case_contribution)
        navigation.register()
