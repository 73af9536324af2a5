from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("督导检查")

    def ready(self):
        from schools.services import membership_changed

        membership_changed.connect(_facts_restamp, dispatch_uid="inspections-facts-restamp")


def _facts_restamp(sender, *, school, start, **kwargs):
    # A school's history changed from ``start``: its visits and problems follow it (schools.services).
    from inspections.visits.services import facts_restamp

    facts_restamp(school=school, start=start)
