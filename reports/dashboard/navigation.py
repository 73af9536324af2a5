"""The dashboard (数据看板) in the menu bar (supervision.navigation)."""
from django.utils.translation import gettext_lazy as _

from supervision.navigation import OFFICE_REPORTS, SUPERVISOR_REPORTS, Entry, register_entries

ENTRIES = [
    Entry(_("数据看板"), "dashboard:dashboard", SUPERVISOR_REPORTS, 40),
    Entry(_("数据看板"), "dashboard:dashboard", OFFICE_REPORTS, 10),
]


def register() -> None:
    register_entries(ENTRIES)
