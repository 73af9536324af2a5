"""Complaints (举报投诉) in the menu bar (supervision.navigation)."""
from django.utils.translation import gettext_lazy as _

from supervision.navigation import OFFICE_SPECIAL, SUPERVISOR_SPECIAL, Entry, register_entries

ENTRIES = [
    Entry(_("举报投诉"), "complaints:list", SUPERVISOR_SPECIAL, 60),
    Entry(_("举报投诉"), "complaints:list", OFFICE_SPECIAL, 60),
]


def register() -> None:
    register_entries(ENTRIES)
