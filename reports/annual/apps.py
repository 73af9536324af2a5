from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnnualConfig(AppConfig):
    name = "reports.annual"
    label = "annual"
    verbose_name = _("年度工作总结")
