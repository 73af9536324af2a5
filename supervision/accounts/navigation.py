"""锁定账号 in the office's 机构与名册 dropdown, beside 用户; 我的API令牌 for everyone signed in
(supervision.navigation)."""
from django.utils.translation import gettext_lazy as _

from supervision.navigation import EVERYONE, OFFICE_ROSTER, Entry, manages_users, register_entries

ENTRIES = [
    Entry(_("锁定账号"), "accounts:locked_list", OFFICE_ROSTER, 45, condition=manages_users),
    Entry(_("我的API令牌"), "accounts:token_list", EVERYONE, 18),
]


def register() -> None:
    register_entries(ENTRIES)
