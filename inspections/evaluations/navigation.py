"""Evaluations (督导评估, a school's 自评) in the menu bar (supervision.navigation)."""
from django.utils.translation import gettext_lazy as _

from supervision.navigation import OFFICE_SPECIAL, SCHOOL, SUPERVISOR_SPECIAL, Entry, register_entries

ENTRIES = [
    Entry(_("督导评估"), "evaluations:home", SUPERVISOR_SPECIAL, 30),
    Entry(_("评估自评"), "evaluations:mine", SCHOOL, 30),
    Entry(_("督导评估"), "evaluations:home", OFFICE_SPECIAL, 30),
]


def register() -> None:
    register_entries(ENTRIES)
