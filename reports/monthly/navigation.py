"""Zone monthly reports (责任区月报表) in the menu bar (supervision.navigation)."""
from django.utils.translation import gettext_lazy as _

from supervision.navigation import OFFICE_REPORTS, SUPERVISOR_REPORTS, Entry, register_entries

ENTRIES = [
    Entry(_("月报表"), "monthly_reports:home", SUPERVISOR_REPORTS, 20, testid="nav-monthly-report"),
    Entry(_("责任区月报表"), "monthly_reports:status", OFFICE_REPORTS, 20, testid="nav-monthly-status"),
]


def register() -> None:
    register_entries(ENTRIES)
