"""锁定账号 in the office's 机构与名册 dropdown, beside 用户 (supervision.navigation)."""
from django.utils.translation import gettext_lazy as _

from supervision.navigation import OFFICE_ROSTER, Entry, manages_users, register_entries

ENTRIES = [
    Entry(_("锁定账号"), "accounts:locked_list", OFFICE_ROSTER, 45, condition=manages_users),
]


def register() -> None:
    register_entries(ENTRIES)
