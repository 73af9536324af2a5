"""Supervision cases (督导案例) in the menu bar (supervision.navigation)."""
from django.utils.translation import gettext_lazy as _

from supervision.navigation import OFFICE_SPECIAL, SUPERVISOR_SPECIAL, Entry, register_entries

ENTRIES = [
    Entry(_("督导案例"), "cases:list", SUPERVISOR_SPECIAL, 50, testid="nav-cases"),
    Entry(_("督导案例"), "cases:list", OFFICE_SPECIAL, 50, testid="nav-cases"),
]


def register() -> None:
    register_entries(ENTRIES)
