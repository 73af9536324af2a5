from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("报表")

    def ready(self):
        from . import plaques, submission_parts, submissions

        plaques.register()
        submissions.register()
        submission_parts.register()
