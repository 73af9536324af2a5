"""Year-end summaries (年度工作总结) in the menu bar (supervision.navigation)."""
from django.utils.translation import gettext_lazy as _

from supervision.navigation import OFFICE_REPORTS, SUPERVISOR_REPORTS, Entry, register_entries

ENTRIES = [
    Entry(_("年度总结"), "annual:index", SUPERVISOR_REPORTS, 30),
    Entry(_("年度工作总结"), "annual:index", OFFICE_REPORTS, 30),
]


def register() -> None:
    register_entries(ENTRIES)
