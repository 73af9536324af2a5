"""The audit log in the menu: for office admins, auditors and superusers (everyone signed in sees the
section; the condition keeps the rest out)."""
from django.utils.translation import gettext_lazy as _

from supervision.choices import Role
from supervision.navigation import EVERYONE, Entry, register_entries


def reads_audit(user, roles) -> bool:
    return user.is_superuser or bool(roles & {Role.OFFICE_ADMIN, Role.AUDITOR})


ENTRIES = [Entry(_("安全审计"), "audit:log", EVERYONE, 15, condition=reads_audit, testid="nav-audit")]


def register() -> None:
    register_entries(ENTRIES)
