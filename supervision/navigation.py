"""The top navigation as data: which entries each role sees in the menu bar, in which order.

The bar has four sections, drawn left to right: the supervisor's (责任督学), the school user's
(学校联系人), the office's (督导室管理员, 主任, 上级督导室, or a superuser) and one for everyone signed in.
A user with several roles sees each of their sections. A section holds links and dropdowns (``Group``);
every link is an ``Entry``: its label (a lazy translation), the URL name it points to, where it goes
(a section or a group) and its ``order`` there, and optionally a ``condition`` on the user.

The one way an app adds to the menu: it lists its entries in ``ENTRIES`` of its own ``navigation.py``,
whose ``register()`` its ``AppConfig.ready`` calls (``register_entries``). This module holds the
skeleton (sections and groups) and the entries of the monthly loop, the roster and the office; each
sub-app (campaigns, evaluations, surveys, cases, complaints, monthly reports, annual summaries, the
dashboard) keeps its few entries beside its views. This module never imports the apps. ``menu_for`` keeps what a user may see and sorts it by ``order``;
``templates/partials/nav_items.html`` draws the result.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .access import ROLE_OFFICE_PERMS, user_roles
from .choices import Role

Condition = Callable[..., bool]  # (user, roles) -> bool


@dataclass(frozen=True, eq=False)
class Section:
    """A part of the bar, shown to the users ``shown(user, roles)`` is true for."""

    key: str
    shown: Condition


@dataclass(frozen=True, eq=False)
class Group:
    """A dropdown in a section, placed among the section's links by its ``order``; shown when one of
    its entries is."""

    key: str
    section: Section
    label: str
    order: int


@dataclass(frozen=True)
class Entry:
    label: str
    url_name: str
    under: Section | Group  # top-level link of a section, or an item of a dropdown
    order: int  # position among the links and dropdowns of ``under``
    condition: Condition | None = None  # (user, roles) -> bool; None: whoever sees ``under``
    divider_before: bool = False  # a separator line above it (dropdown items only)
    testid: str = ""  # data-testid of the link
    badge: str = ""  # name of a context variable (a count, or a callable giving one) shown as a badge
    badge_testid: str = ""

    @property
    def section(self) -> Section:
        return self.under.section if isinstance(self.under, Group) else self.under


# --- What the template draws ----------------------------------------------------------------------

@dataclass
class Link:
    label: str
    url: str
    testid: str = ""
    divider_before: bool = False
    badge: int = 0
    badge_testid: str = ""


@dataclass
class Dropdown:
    label: str
    links: list[Link] = field(default_factory=list)


# --- Who sees what --------------------------------------------------------------------------------

def is_superuser(user, roles) -> bool:
    return user.is_superuser


def manages_users(user, roles) -> bool:
    """Office admins (and superusers) manage the users and the roster."""
    return user.is_superuser or Role.OFFICE_ADMIN in roles


SUPERVISOR = Section("supervisor", lambda user, roles: Role.SUPERVISOR in roles)
SCHOOL = Section("school", lambda user, roles: Role.SCHOOL_USER in roles)
OFFICE = Section("office", lambda user, roles: user.is_superuser or bool(roles & ROLE_OFFICE_PERMS.keys()))
EVERYONE = Section("everyone", lambda user, roles: user.is_authenticated)
SECTIONS = (SUPERVISOR, SCHOOL, OFFICE, EVERYONE)  # left to right

# The supervisor's dropdowns follow their four links (10-40).
SUPERVISOR_REPORTS = Group("supervisor_reports", SUPERVISOR, _("报表"), order=50)
SUPERVISOR_SPECIAL = Group("supervisor_special", SUPERVISOR, _("专项工作"), order=60)
# The office's dropdowns follow 概览 and 全覆盖 (10, 20).
OFFICE_WORK = Group("office_work", OFFICE, _("督导工作"), order=30)
OFFICE_SPECIAL = Group("office_special", OFFICE, _("专项与评估"), order=40)
OFFICE_REPORTS = Group("office_reports", OFFICE, _("报表与统计"), order=50)
OFFICE_ROSTER = Group("office_roster", OFFICE, _("机构与名册"), order=60)

# Sub-apps take these slots in the special-work dropdowns and the school section: campaigns 20,
# evaluations 30, surveys 40, cases 50, complaints 60; in the report dropdowns monthly reports 20
# and annual summaries 30 (the dashboard: 40 for supervisors, first for the office).
ENTRIES = [
    Entry(_("本月督导"), "supervisor_home", SUPERVISOR, 10),
    Entry(_("开始督导"), "inspections:visit_start", SUPERVISOR, 20),
    Entry(_("整改复查"), "inspections:ticket_list", SUPERVISOR, 30),
    Entry(_("问题台账"), "inspections:ledger", SUPERVISOR, 40),
    Entry(_("月总结"), "inspections:summary_list", SUPERVISOR_REPORTS, 10),
    Entry(_("工作计划"), "inspections:plan_list", SUPERVISOR_SPECIAL, 10),

    Entry(_("整改通知"), "inspections:ticket_list", SCHOOL, 10),
    Entry(_("本校"), "schools:my_school", SCHOOL, 20),

    Entry(_("概览"), "office_overview", OFFICE, 10),
    Entry(_("全覆盖"), "inspections:coverage", OFFICE, 20),
    Entry(_("年度工作计划"), "inspections:plan_list", OFFICE_WORK, 10),
    Entry(_("督导清单模板"), "inspections:template_list", OFFICE_WORK, 20),
    Entry(_("督学月总结"), "inspections:summary_list", OFFICE_WORK, 30),
    Entry(_("整改通知"), "inspections:ticket_list", OFFICE_WORK, 40),
    Entry(_("问题整改台账"), "inspections:ledger", OFFICE_WORK, 50),
    Entry(_("回头看"), "inspections:lookback", OFFICE_WORK, 60),
    Entry(_("升级督办"), "inspections:escalation_list", OFFICE_WORK, 70),
    Entry(_("报送上级"), "reports:submission_list", OFFICE_REPORTS, 90),
    Entry(_("学校"), "schools:list", OFFICE_ROSTER, 10),
    Entry(_("责任区"), "zone_list", OFFICE_ROSTER, 20),
    Entry(_("督学"), "supervisor_list", OFFICE_ROSTER, 30),
    Entry(_("用户"), "user_list", OFFICE_ROSTER, 40, condition=manages_users, divider_before=True),
    Entry(_("名册导入导出"), "roster", OFFICE_ROSTER, 50, condition=manages_users),

    Entry(_("消息"), "inspections:inbox", EVERYONE, 10, badge="unread_notifications", badge_testid="unread-badge"),
    Entry(_("系统管理"), "admin:index", EVERYONE, 20, condition=is_superuser),
]


MENU: list[Entry] = []  # every app's entries, this module's included, as their apps registered them


def register_entries(entries: Iterable[Entry]) -> None:
    """Add an app's entries to the menu (from its ``AppConfig.ready``); an entry is added once."""
    for entry in entries:
        if not any(entry is known for known in MENU):
            MENU.append(entry)


def register() -> None:
    register_entries(ENTRIES)


def _badge(entry: Entry, context: Mapping) -> int:
    if not entry.badge:
        return 0
    value = context.get(entry.badge) or 0
    return (value() if callable(value) else value) or 0


def menu_for(user, context: Mapping | None = None) -> list[Link | Dropdown]:
    """The bar as ``user`` sees it: links and dropdowns, left to right.

    ``context`` (a template context) supplies the badges' counts, read only for the entries shown.
    """
    context = context if context is not None else {}
    roles = user_roles(user)
    menu: list[Link | Dropdown] = []
    for section in SECTIONS:
        if not section.shown(user, roles):
            continue
        visible = sorted(
            (e for e in MENU
             if e.section is section and (e.condition is None or e.condition(user, roles))),
            key=lambda e: e.order,
        )
        groups: dict[Group, list[Entry]] = {}
        for entry in visible:
            if isinstance(entry.under, Group):
                groups.setdefault(entry.under, []).append(entry)
        places = [(e.order, e) for e in visible if e.under is section] + [(g.order, g) for g in groups]
        for _order, place in sorted(places, key=lambda p: p[0]):
            if isinstance(place, Group):
                menu.append(Dropdown(place.label, [_link(e, context) for e in groups[place]]))
            else:
                menu.append(_link(place, context))
    return menu


def _link(entry: Entry, context: Mapping) -> Link:
    return Link(
        label=entry.label, url=reverse(entry.url_name), testid=entry.testid, divider_before=entry.divider_before,
        badge=_badge(entry, context), badge_testid=entry.badge_testid,
    )
