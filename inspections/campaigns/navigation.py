"""Special inspections (专项督导) in the menu bar (supervision.navigation)."""
from django.utils.translation import gettext_lazy as _

from supervision.navigation import OFFICE_SPECIAL, SUPERVISOR_SPECIAL, Entry, register_entries

ENTRIES = [
    Entry(_("专项督导"), "campaigns:list", SUPERVISOR_SPECIAL, 20),
    Entry(_("专项督导"), "campaigns:list", OFFICE_SPECIAL, 20),
]


def register() -> None:
    register_entries(ENTRIES)
