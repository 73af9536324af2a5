from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnnualConfig(AppConfig):
    name = "reports.annual"
    label = "annual"
    verbose_name = _("年度工作总结")

    def ready(self):
        from reports.registry import register_job_spec

        from . import navigation
        from .jobs import KIND, SPEC

        register_job_spec(KIND, SPEC)
        navigation.register()
