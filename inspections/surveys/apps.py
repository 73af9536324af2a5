from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "inspections.surveys"
    label = "surveys"
    verbose_name = _("满意度调查")

    def ready(self) -> None:
        from reports.registry import register_contribution
        from reports.registry import register_job_spec

        from . import navigation
        from .contribution import survey_contribution
        from .report import POSTERS_KIND, REPORT_KIND, SURVEY_POSTERS_SPEC, SURVEY_REPORT_SPEC

        register_job_spec(REPORT_KIND, SURVEY_REPORT_SPEC)
        register_job_spec(POSTERS_KIND, SURVEY_POSTERS_SPEC)
        register_contribution(survey_contribution)
        navigation.register()
