"""The menu bar each role sees (supervision/navigation.py, drawn by templates/partials/nav_items.html).

Read from a page as the browser gets it: the test client requests the inbox (every signed-in user has
one) and the <nav> is parsed into its links and dropdowns, left to right.
"""
from __future__ import annotations

from html.parser import HTMLParser
from importlib import import_module
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from inspections.notifications import services as notifications
from supervision import navigation
from supervision.choices import Role
from supervision.services import role_grant
from tests import factories as f

pytestmark = pytest.mark.django_db
ROOT = Path(settings.BASE_DIR)


class _Menu(HTMLParser):
    """The items of ``ul.navbar-nav``: ("link", label, href) or ("dropdown", label, [(label, href), ...]).

    A dropdown's separator line is the item "---"; a link's badge is left out of its label and kept
    in ``badges`` (label -> (text, data-testid)); ``testids`` maps a link's href to its data-testid.
    """

    def __init__(self):
        super().__init__()
        self.items: list = []
        self.badges: dict[str, tuple[str, str]] = {}
        self.testids: dict[str, str] = {}
        self._depth = 0  # <ul> nesting inside the navbar's list (1: the bar, 2: a dropdown)
        self._link: dict | None = None
        self._badge: list | None = None  # [text, data-testid] of the badge being read
        self._link_badge: list | None = None  # the badge read inside the current link

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "ul" and (self._depth or "navbar-nav" in classes):
            self._depth += 1
        elif not self._depth:
            return
        elif tag == "a":
            self._link_badge = None
            self._link = {"href": attrs.get("href"), "text": "", "toggle": "dropdown-toggle" in classes}
            if attrs.get("data-testid"):
                self.testids[attrs["href"]] = attrs["data-testid"]
        elif tag == "span" and "badge" in classes:
            self._badge = ["", attrs.get("data-testid", "")]
        elif tag == "hr" and "dropdown-divider" in classes:
            self.items[-1][2].append("---")

    def handle_endtag(self, tag):
        if not self._depth:
            return
        if tag == "ul":
            self._depth -= 1
        elif tag == "span" and self._badge is not None:
            self._link_badge, self._badge = self._badge, None
        elif tag == "a" and self._link is not None:
            link, self._link = self._link, None
            label = " ".join(link["text"].split())
            if link["toggle"]:
                self.items.append(("dropdown", label, []))
            elif self._depth == 2:
                self.items[-1][2].append((label, link["href"]))
            else:
                self.items.append(("link", label, link["href"]))
            if self._link_badge:
                self.badges[label] = (self._link_badge[0].strip(), self._link_badge[1])

    def handle_data(self, data):
        if self._badge is not None:
            self._badge[0] += data
        elif self._link is not None:
            self._link["text"] += data


def menu_of(client, user) -> _Menu:
    client.force_login(user)
    response = client.get(reverse("inspections:inbox"))
    assert response.status_code == 200
    parser = _Menu()
    parser.feed(response.content.decode())
    return parser


def links(menu: _Menu) -> list[tuple[str, str]]:
    """Every (label, href) of the bar, dropdown items included, left to right."""
    found = []
    for kind, label, rest in menu.items:
        found += [i for i in rest if i != "---"] if kind == "dropdown" else [(label, rest)]
    return found


def link(label, url_name):
    return (label, reverse(url_name))


SUPERVISOR_MENU = [
    ("link", *link("本月督导", "supervisor_home")),
    ("link", *link("开始督导", "inspections:visit_start")),
    ("link", *link("整改复查", "inspections:ticket_list")),
    ("link", *link("问题台账", "inspections:ledger")),
    ("dropdown", "报表", [
        link("月总结", "inspections:summary_list"),
        link("月报表", "monthly_reports:home"),
        link("年度总结", "annual:index"),
        link("数据看板", "dashboard:dashboard"),
    ]),
    ("dropdown", "专项工作", [
        link("工作计划", "inspections:plan_list"),
        link("专项督导", "campaigns:list"),
        link("督导评估", "evaluations:home"),
        link("督导案例", "cases:list"),
        link("举报投诉", "complaints:list"),
    ]),
]
SCHOOL_MENU = [
    ("link", *link("整改通知", "inspections:ticket_list")),
    ("link", *link("本校", "schools:my_school")),
    ("link", *link("评估自评", "evaluations:mine")),
    ("link", *link("满意度调查", "surveys:list")),
]


def office_menu(*, manages_users: bool):
    roster = [link("学校", "schools:list"), link("责任区", "zone_list"), link("督学", "supervisor_list")]
    if manages_users:
        roster += ["---", link("用户", "user_list"), link("锁定账号", "accounts:locked_list"), link("名册导入导出", "roster")]
    return [
        ("link", *link("概览", "office_overview")),
        ("link", *link("全覆盖", "inspections:coverage")),
        ("dropdown", "督导工作", [
            link("年度工作计划", "inspections:plan_list"),
            link("督导清单模板", "inspections:template_list"),
            link("督学月总结", "inspections:summary_list"),
            link("整改通知", "inspections:ticket_list"),
            link("问题整改台账", "inspections:ledger"),
            link("回头看", "inspections:lookback"),
            link("升级督办", "inspections:escalation_list"),
        ]),
        ("dropdown", "专项与评估", [
            link("专项督导", "campaigns:list"),
            link("督导评估", "evaluations:home"),
            link("满意度调查", "surveys:list"),
            link("督导案例", "cases:list"),
            link("举报投诉", "complaints:list"),
        ]),
        ("dropdown", "报表与统计", [
            link("数据看板", "dashboard:dashboard"),
            link("责任区月报表", "monthly_reports:status"),
            link("年度工作总结", "annual:index"),
            link("报送上级", "reports:submission_list"),
        ]),
        ("dropdown", "机构与名册", roster),
    ]


def everyone_menu(*, superuser: bool = False, audits: bool = False):
    # 安全审计 is for office admins, auditors and superusers (supervision/audit/navigation.py); every
    # login keeps its own API tokens (supervision/accounts/navigation.py).
    return [("link", *link("消息", "inspections:inbox"))] + (
        [("link", *link("安全审计", "audit:log"))] if audits or superuser else []
    ) + [("link", *link("我的API令牌", "accounts:token_list"))] + (
        [("link", *link("系统管理", "admin:index"))] if superuser else [])


# --- Each role's bar -------------------------------------------------------------------------------

def test_a_supervisor_sees_their_month_reports_and_special_work(client, world):
    assert menu_of(client, world["sup_a1"].user).items == SUPERVISOR_MENU + everyone_menu()


def test_a_school_user_sees_their_tickets_school_self_evaluation_and_surveys(client, world):
    assert menu_of(client, world["school_user_a1"]).items == SCHOOL_MENU + everyone_menu()


def test_an_office_admin_sees_the_office_menu_with_users_and_roster(client, world):
    assert menu_of(client, world["admin_a"]).items == office_menu(manages_users=True) + everyone_menu(audits=True)


@pytest.mark.parametrize("who", ["director_a", "city_viewer", "province_viewer"])
def test_a_director_or_a_higher_office_sees_the_office_menu_without_users_and_roster(client, world, who):
    assert menu_of(client, world[who]).items == office_menu(manages_users=False) + everyone_menu()


def test_a_superuser_sees_the_office_menu_and_the_admin_site(client, world):
    root = f.UserFactory(username="root", is_superuser=True, is_staff=True)
    assert menu_of(client, root).items == office_menu(manages_users=True) + everyone_menu(superuser=True)


def test_a_user_with_several_roles_sees_each_roles_part_supervisor_school_then_office(client, world):
    user = f.office_user(Role.DIRECTOR, world["county_a"], username="both")
    role_grant(user=user, role=Role.SUPERVISOR)
    role_grant(user=user, role=Role.SCHOOL_USER, school=world["schools"]["a2"])
    expected = SUPERVISOR_MENU + SCHOOL_MENU + office_menu(manages_users=False) + everyone_menu()
    assert menu_of(client, user).items == expected


def test_a_user_without_a_role_sees_only_their_messages(client, world):
    assert menu_of(client, f.UserFactory(username="nobody")).items == everyone_menu()


def test_nobody_signed_in_gets_no_menu(client, world):
    body = client.get(reverse("login")).content.decode()
    assert 'id="mainnav"' not in body and reverse("inspections:inbox") not in body


# --- What a role does not see ---------------------------------------------------------------------

OFFICE_ONLY = [reverse(name) for name in (
    "office_overview", "inspections:coverage", "inspections:template_list", "inspections:lookback",
    "inspections:escalation_list", "monthly_reports:status", "reports:submission_list", "schools:list",
    "zone_list", "supervisor_list", "user_list", "roster", "admin:index",
)]


def test_a_school_user_sees_no_office_or_supervisor_entry(client, world):
    hrefs = {href for _label, href in links(menu_of(client, world["school_user_a1"]))}
    assert not hrefs & set(OFFICE_ONLY)
    supervisor_only = {reverse(n) for n in ("supervisor_home", "inspections:visit_start", "inspections:ledger",
                                            "campaigns:list", "cases:list", "complaints:list", "dashboard:dashboard")}
    assert not hrefs & supervisor_only


def test_a_supervisor_sees_no_office_entry_and_no_office_admin_entry(client, world):
    menu = menu_of(client, world["sup_a1"].user)
    hrefs = {href for _label, href in links(menu)}
    assert not hrefs & set(OFFICE_ONLY)
    assert {"督导工作", "专项与评估", "报表与统计", "机构与名册"}.isdisjoint(label for _kind, label, _r in menu.items)


def test_only_office_admins_see_the_users_and_the_roster(client, world):
    admin_only = {reverse("user_list"), reverse("roster")}
    assert admin_only <= {href for _l, href in links(menu_of(client, world["admin_a"]))}
    for who in ("director_a", "city_viewer", "school_user_a1"):
        menu = menu_of(client, world[who])
        assert not admin_only & {href for _l, href in links(menu)}, who
        assert all("---" not in rest for kind, _label, rest in menu.items if kind == "dropdown"), who


def test_only_a_superuser_sees_the_admin_site(client, world):
    assert reverse("admin:index") not in {href for _l, href in links(menu_of(client, world["admin_a"]))}


# --- Marks the pages and the browser tests rely on ------------------------------------------------

def test_the_unread_count_is_a_badge_on_messages(client, world):
    user = world["sup_a1"].user
    assert menu_of(client, user).badges == {}
    for i in range(2):
        notifications.notify(users=[user], key=f"nav:{i}", title="x", body="", url="")
    menu = menu_of(client, user)
    assert menu.badges == {"消息": ("2", "unread-badge")}
    assert ("link", "消息", reverse("inspections:inbox")) in menu.items  # the count is not part of the label


def test_links_keep_their_test_ids(client, world):
    assert menu_of(client, world["sup_a1"].user).testids == {
        reverse("monthly_reports:home"): "nav-monthly-report", reverse("cases:list"): "nav-cases",
    }
    assert menu_of(client, world["admin_a"]).testids == {
        reverse("monthly_reports:status"): "nav-monthly-status", reverse("cases:list"): "nav-cases",
        reverse("audit:log"): "nav-audit",
    }


def test_the_menu_follows_the_users_language(client, world):
    from tests.test_i18n import in_english

    user = world["admin_a"]
    in_english(client, user)
    labels = [label for label, _href in links(menu_of(client, user))]
    assert "Users" in labels and "用户" not in labels


# --- The data -------------------------------------------------------------------------------------

SUB_APPS = ["inspections.campaigns", "inspections.evaluations", "inspections.surveys", "inspections.cases",
            "inspections.complaints", "reports.monthly", "reports.annual", "reports.dashboard"]


def test_each_app_declares_its_entries_in_its_navigation_module_and_nowhere_else():
    gathered = navigation.MENU
    for app in SUB_APPS:
        declared = import_module(f"{app}.navigation").ENTRIES
        assert declared and all(any(entry is e for e in gathered) for entry in declared), app
    assert all(any(entry is e for e in gathered) for entry in navigation.ENTRIES)
    partials = [p for p in ROOT.glob("*/**/templates/**/_nav_*.html") if ".venv" not in p.parts]
    assert partials == [], "menu entries are data (supervision/navigation.py), not template partials"


def test_no_two_entries_of_one_place_share_an_order():
    places: dict = {}
    for entry in navigation.MENU:
        places.setdefault((id(entry.under), entry.order), []).append(str(entry.label))
    groups = {id(e.under): e.under for e in navigation.MENU if isinstance(e.under, navigation.Group)}
    for group in groups.values():
        places.setdefault((id(group.section), group.order), []).append(str(group.label))
    assert [labels for labels in places.values() if len(labels) > 1] == []
