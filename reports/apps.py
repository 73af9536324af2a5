from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("报表")

    def ready(self):
        from . import submission_parts, submissions  # noqa: F401  (register the 报送 package job and its parts)
