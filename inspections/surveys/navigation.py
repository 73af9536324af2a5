"""Satisfaction surveys (满意度调查) in the menu bar (supervision.navigation)."""
from django.utils.translation import gettext_lazy as _

from supervision.navigation import OFFICE_SPECIAL, SCHOOL, Entry, register_entries

ENTRIES = [
    Entry(_("满意度调查"), "surveys:list", SCHOOL, 40),
    Entry(_("满意度调查"), "surveys:list", OFFICE_SPECIAL, 40),
]


def register() -> None:
    register_entries(ENTRIES)
