"""Annual plans (工作计划) and checklist templates: pages, permissions, versions, the demo plan."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from inspections.plans import services as plan_services
from inspections.visits import services as visit_services
from inspections.models.choices import Audience, VisitMethod
from inspections.demo.plans import demo_plan_build
from inspections.models import ChecklistAnswer, ChecklistTemplate, Plan, PlanMonth, TemplateItem
from tests import factories as f

pytestmark = pytest.mark.django_db


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


def post(client, user, url, data):
    client.force_login(user)
    return client.post(url, data)


@pytest.fixture
def plan(world):
    """County A's plan for this year: March focuses on S6 and K1, topic 双减."""
    plan = plan_services.plan_create(office=world["county_a"], year=timezone.localdate().year)
    plan_services.plan_save(plan=plan, title=plan.title, monthly_topics="“双减”工作落实")
    plan_services.plan_month_save(
        plan_month=plan.months.get(month=3), school_focus="校园及周边安全", kindergarten_focus="依法办园",
        other_tasks="责任督学月例会", school_item_codes=["S6"], kindergarten_item_codes=["K1"],
    )
    return plan


def school_template(world, year=None):
    year = year or timezone.localdate().year
    return plan_services.template_ensure(office=world["county_a"], year=year, audience=Audience.SCHOOL)


# --- Creating a plan ------------------------------------------------------------------------------

def test_new_plan_copies_last_years_months_and_topics(client, world):
    this_year = timezone.localdate().year
    last = plan_services.plan_create(office=world["county_a"], year=this_year - 1)
    plan_services.plan_save(plan=last, title=last.title, monthly_topics="新冠病毒感染防控\n“双减”工作落实")
    plan_services.plan_month_save(
        plan_month=last.months.get(month=5), school_focus="学生课业负担", kindergarten_focus="杜绝小学化倾向",
        other_tasks="月例会", school_item_codes=["S4"], kindergarten_item_codes=["K2"],
    )

    response = post(client, world["admin_a"], reverse("inspections:plan_create"),
                    {"office": world["county_a"].pk, "year": this_year, "copy_from_previous": "on"})

    plan = Plan.objects.get(office=world["county_a"], year=this_year)
    assert response.status_code == 302 and response.url == reverse("inspections:plan_detail", args=[plan.pk])
    assert plan.monthly_topic_list == ["新冠病毒感染防控", "“双减”工作落实"]
    may = plan.months.get(month=5)
    assert (may.school_focus, may.kindergarten_focus, may.school_item_codes, may.kindergarten_item_codes) == (
        "学生课业负担", "杜绝小学化倾向", ["S4"], ["K2"]
    )
    assert plan.months.count() == 12
    body = get(client, world["admin_a"], reverse("inspections:plan_detail", args=[plan.pk])).content.decode()
    assert "杜绝小学化倾向" in body and "K2" in body


def test_create_form_ticks_copy_from_previous_year_by_default(client, world):
    response = get(client, world["director_a"], reverse("inspections:plan_create"))
    assert response.status_code == 200
    assert response.context["form"]["copy_from_previous"].value() is True


def test_unticking_copy_starts_an_empty_plan(client, world, plan):
    post(client, world["admin_a"], reverse("inspections:plan_create"),
         {"office": world["county_a"].pk, "year": plan.year + 1})
    new = Plan.objects.get(office=world["county_a"], year=plan.year + 1)
    assert new.monthly_topics == "" and new.months.get(month=3).school_item_codes == []


def test_creating_a_second_plan_for_the_same_year_is_refused_with_a_clear_message(client, world, plan):
    response = post(client, world["admin_a"], reverse("inspections:plan_create"),
                    {"office": world["county_a"].pk, "year": plan.year, "copy_from_previous": "on"})
    assert response.status_code == 400
    assert f"{plan.year}年度的工作计划已存在" in response.content.decode()
    assert Plan.objects.filter(office=world["county_a"]).count() == 1


# --- Editing a month ------------------------------------------------------------------------------

def month_url(plan, month):
    return reverse("inspections:plan_month_edit", args=[plan.pk, month])


def test_director_saves_a_months_texts_and_focus_items(client, world, plan):
    response = post(client, world["director_a"], month_url(plan, 9), {
        "school_focus": "招生、收费、择校", "kindergarten_focus": "杜绝小学化倾向", "other_tasks": "迎接市级督导",
        "school_item_codes": ["S2", "S4"], "kindergarten_item_codes": ["K2"],
    })
    assert response.status_code == 302
    september = PlanMonth.objects.get(plan=plan, month=9)
    assert september.school_item_codes == ["S2", "S4"]
    assert september.kindergarten_item_codes == ["K2"]
    assert september.other_tasks == "迎接市级督导"
    body = get(client, world["director_a"], reverse("inspections:plan_detail", args=[plan.pk])).content.decode()
    assert "招生、收费、择校" in body and "杜绝小学化倾向" in body


def test_an_unknown_item_code_is_refused_and_the_month_is_unchanged(client, world, plan):
    response = post(client, world["admin_a"], month_url(plan, 3), {
        "school_focus": "改了", "school_item_codes": ["S6", "S99"],
    })
    assert response.status_code == 400
    assert "S99" in response.content.decode()
    march = PlanMonth.objects.get(plan=plan, month=3)
    assert march.school_item_codes == ["S6"] and march.school_focus == "校园及周边安全"


def test_the_plan_service_refuses_codes_of_the_other_audience(world, plan):
    with pytest.raises(ValidationError, match="K1"):
        plan_services.plan_month_save(
            plan_month=plan.months.get(month=4), school_focus="", kindergarten_focus="", other_tasks="",
            school_item_codes=["K1"], kindergarten_item_codes=[],
        )


def test_month_form_shows_the_templates_items_with_the_months_focus_ticked(client, world, plan):
    response = get(client, world["admin_a"], month_url(plan, 3))
    body = response.content.decode()
    assert "S6 校园及周边安全" in body and "K6 办园条件与收费" in body
    assert response.context["form"]["school_item_codes"].value() == ["S6"]


def test_admin_edits_the_title_and_the_monthly_topics(client, world, plan):
    response = post(client, world["admin_a"], reverse("inspections:plan_edit", args=[plan.pk]), {
        "title": "柳河县责任督学挂牌督导工作计划(修订)", "monthly_topics": "“双减”工作落实\n\n校园安全\n校园安全",
    })
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.title == "柳河县责任督学挂牌督导工作计划(修订)"
    assert plan.monthly_topic_list == ["“双减”工作落实", "校园安全"]


def test_an_empty_title_is_refused(client, world, plan):
    response = post(client, world["admin_a"], reverse("inspections:plan_edit", args=[plan.pk]),
                    {"title": "  ", "monthly_topics": "x"})
    assert response.status_code == 400
    plan.refresh_from_db()
    assert plan.monthly_topic_list == ["“双减”工作落实"]


# --- Who sees and who edits -----------------------------------------------------------------------

@pytest.mark.parametrize("who", ["admin_a", "director_a"])
def test_office_admin_and_director_see_edit_buttons(client, world, plan, who):
    body = get(client, world[who], reverse("inspections:plan_detail", args=[plan.pk])).content.decode()
    assert month_url(plan, 3) in body
    assert get(client, world[who], month_url(plan, 3)).status_code == 200
    list_body = get(client, world[who], reverse("inspections:plan_list")).content.decode()
    assert 'data-testid="plan-create"' in list_body


def test_city_viewer_reads_the_county_plan_but_cannot_edit(client, world, plan):
    viewer = world["city_viewer"]
    response = get(client, viewer, reverse("inspections:plan_detail", args=[plan.pk]))
    assert response.status_code == 200 and "校园及周边安全" in response.content.decode()
    assert month_url(plan, 3) not in response.content.decode()
    assert get(client, viewer, month_url(plan, 3)).status_code == 404
    assert post(client, viewer, month_url(plan, 3), {"school_focus": "x"}).status_code == 404
    assert get(client, viewer, reverse("inspections:plan_edit", args=[plan.pk])).status_code == 404
    assert get(client, viewer, reverse("inspections:plan_create")).status_code == 404
    assert 'data-testid="plan-create"' not in get(client, viewer, reverse("inspections:plan_list")).content.decode()
    assert PlanMonth.objects.get(plan=plan, month=3).school_focus == "校园及周边安全"


def test_supervisor_reads_their_offices_plan_but_cannot_edit(client, world, plan):
    user = world["sup_a2"].user
    response = get(client, user, reverse("inspections:plan_detail", args=[plan.pk]))
    assert response.status_code == 200 and "“双减”工作落实" in response.content.decode()
    assert get(client, user, month_url(plan, 3)).status_code == 404
    assert get(client, user, reverse("inspections:plan_list")).status_code == 200


def test_other_county_cannot_open_or_edit_the_plan(client, world, plan):
    for who in ["admin_b", "sup_b1"]:
        user = world[who] if who == "admin_b" else world[who].user
        assert get(client, user, reverse("inspections:plan_detail", args=[plan.pk])).status_code == 404
        assert post(client, user, month_url(plan, 3), {"school_focus": "x"}).status_code == 404
        assert "柳河县" not in get(client, user, reverse("inspections:plan_list")).content.decode()
    assert post(client, world["admin_b"], reverse("inspections:plan_create"),
                {"office": world["county_a"].pk, "year": plan.year + 1}).status_code == 400
    assert not Plan.objects.filter(year=plan.year + 1).exists()


def test_school_user_gets_404_on_plan_and_template_pages(client, world, plan):
    user = world["school_user_a1"]
    template = school_template(world)
    for url in [
        reverse("inspections:plan_list"),
        reverse("inspections:plan_detail", args=[plan.pk]),
        reverse("inspections:template_list"),
        reverse("inspections:template_detail", args=[template.pk]),
    ]:
        assert get(client, user, url).status_code == 404, url


# --- Templates ------------------------------------------------------------------------------------

def test_template_list_shows_each_years_templates_with_version(client, world, plan):
    template = school_template(world)
    plan_services.template_item_save(template=template, item=template.items.get(code="S1"), code="S1", title="校务管理")
    body = get(client, world["city_viewer"], reverse("inspections:template_list")).content.decode()
    assert reverse("inspections:template_detail", args=[template.pk]) in body
    assert "第2版 · 8项" in body and "第1版 · 6项" in body
    assert "建立" not in body


def test_admin_creates_a_years_template_on_demand_from_the_previous_year(client, world):
    year = timezone.localdate().year
    old = school_template(world, year - 1)
    plan_services.template_item_save(template=old, code="S9", title="课后服务")
    response = post(client, world["admin_a"], reverse("inspections:template_ensure"),
                    {"office": world["county_a"].pk, "year": year, "audience": Audience.SCHOOL})
    new = ChecklistTemplate.objects.get(office=world["county_a"], year=year, audience=Audience.SCHOOL)
    assert response.url == reverse("inspections:template_detail", args=[new.pk])
    assert list(new.items.values_list("code", flat=True)) == [f"S{n}" for n in range(1, 10)]


def test_editing_an_item_bumps_the_version_and_started_checklists_keep_their_wording(client, world):
    template = school_template(world)
    plan_services.template_item_save(template=template, item=template.items.get(code="S6"), code="S6", title="校园及周边安全")
    visit = visit_services.visit_start(
        user=world["sup_a1"].user, school=world["schools"]["a1"], date=timezone.localdate(),
        methods=[VisitMethod.CAMPUS_WALK],
    )
    item = template.items.get(code="S6")
    template.refresh_from_db()
    version = template.version

    response = post(client, world["director_a"], reverse("inspections:template_item_edit", args=[template.pk, item.pk]), {
        "code": "S6", "title": "平安校园建设", "guidance": "新的要点", "sub_points": "门卫\n消防",
    })

    assert response.status_code == 302
    template.refresh_from_db()
    item.refresh_from_db()
    assert template.version == version + 1
    assert (item.title, item.sub_point_list) == ("平安校园建设", ["门卫", "消防"])
    answer = ChecklistAnswer.objects.get(checklist__visit=visit, code="S6")
    assert answer.title == "校园及周边安全"
    assert visit.checklist.template_version == version
    body = get(client, world["director_a"], reverse("inspections:template_detail", args=[template.pk])).content.decode()
    assert "已有 1 份清单按本模板填写(其中 1 份按旧版本填写)" in body
    assert f"第{version + 1}版" in body


def test_item_code_cannot_be_changed_when_editing(client, world):
    template = school_template(world)
    item = template.items.get(code="S2")
    post(client, world["admin_a"], reverse("inspections:template_item_edit", args=[template.pk, item.pk]),
         {"code": "X1", "title": "招生"})
    item.refresh_from_db()
    assert (item.code, item.title) == ("S2", "招生")


def test_adding_an_item_with_a_used_code_is_refused(client, world):
    template = school_template(world)
    response = post(client, world["admin_a"], reverse("inspections:template_item_add", args=[template.pk]),
                    {"code": "s3", "title": "重复"})
    assert response.status_code == 400
    assert "编号 S3 已在模板中使用" in response.content.decode()
    assert template.items.count() == 8


def test_admin_adds_moves_and_deletes_items(client, world):
    template = school_template(world)
    post(client, world["admin_a"], reverse("inspections:template_item_add", args=[template.pk]),
         {"code": "s9", "title": "课后服务", "sub_points": "课后服务时间\n收费"})
    new = template.items.get(code="S9")
    assert new.position == 9
    post(client, world["admin_a"], reverse("inspections:template_item_move", args=[template.pk, new.pk]), {"direction": "up"})
    assert list(template.items.values_list("code", flat=True))[-2:] == ["S9", "S8"]
    post(client, world["admin_a"], reverse("inspections:template_item_delete", args=[template.pk, new.pk]), {})
    assert not template.items.filter(code="S9").exists()
    template.refresh_from_db()
    assert template.version == 4


def test_viewer_and_supervisor_read_templates_but_cannot_edit(client, world):
    template = school_template(world)
    item = template.items.get(code="S1")
    for user in [world["city_viewer"], world["sup_a1"].user]:
        body = get(client, user, reverse("inspections:template_detail", args=[template.pk])).content.decode()
        assert "校务管理和制度执行" in body and "添加事项" not in body
        assert post(client, user, reverse("inspections:template_item_edit", args=[template.pk, item.pk]),
                    {"code": "S1", "title": "x"}).status_code == 404
        assert post(client, user, reverse("inspections:template_item_delete", args=[template.pk, item.pk]), {}).status_code == 404
        assert post(client, user, reverse("inspections:template_ensure"),
                    {"office": world["county_a"].pk, "year": template.year + 1, "audience": Audience.SCHOOL}).status_code == 404
    template.refresh_from_db()
    assert template.version == 1 and template.items.filter(code="S1", title="校务管理和制度执行").exists()


def test_other_county_admin_cannot_open_or_edit_the_template(client, world):
    template = school_template(world)
    item = template.items.get(code="S1")
    assert get(client, world["admin_b"], reverse("inspections:template_detail", args=[template.pk])).status_code == 404
    assert post(client, world["admin_b"], reverse("inspections:template_item_delete", args=[template.pk, item.pk]), {}).status_code == 404
    assert TemplateItem.objects.filter(pk=item.pk).exists()


# --- Demo plan (seed 003 §四) ----------------------------------------------------------------------

def test_demo_plan_reproduces_seed_003_and_building_it_twice_changes_nothing(world):
    office = world["county_a"]
    first = demo_plan_build(office=office, year=2025)
    demo_plan_build(office=office, year=2026)
    snapshot = list(PlanMonth.objects.filter(plan__office=office).order_by("plan__year", "month").values())
    versions = list(ChecklistTemplate.objects.filter(office=office).values_list("pk", "version"))

    again = demo_plan_build(office=office, year=2025)
    demo_plan_build(office=office, year=2026)

    assert again.pk == first.pk and Plan.objects.filter(office=office).count() == 2
    assert list(PlanMonth.objects.filter(plan__office=office).order_by("plan__year", "month").values()) == snapshot
    assert list(ChecklistTemplate.objects.filter(office=office).values_list("pk", "version")) == versions
    assert first.monthly_topic_list == ["新冠病毒感染防控", "“双减”工作落实"]
    months = {m.month: m for m in first.months.all()}
    assert months[3].school_item_codes == ["S6", "S7"]
    assert "食堂宿舍" in months[3].school_focus
    assert months[5].kindergarten_item_codes == ["K2"] and "杜绝小学化倾向" in months[5].kindergarten_focus
    assert (months[6].kindergarten_item_codes, months[6].school_item_codes) == (["K1"], ["S5"])
    assert (months[11].kindergarten_item_codes, months[11].school_item_codes) == (["K5"], ["S8"])
    assert months[12].kindergarten_item_codes == ["K4"] and "材料归档" in months[12].other_tasks
    assert "参加全县2025年教育工作会议" in months[2].other_tasks


DEMO_INSTANTS = ["2026-12-02 10:00", "2027-01-02 00:30", "2027-03-01 00:30", "2026-12-31 23:30"]


@pytest.mark.parametrize("instant", [pytest.param(i, marks=pytest.mark.now(i), id=i) for i in DEMO_INSTANTS])
def test_demo_plan_focus_reaches_a_march_checklist(world, instant):
    """The demo builds last year's plan and this year's; a March visit's checklist marks that year's
    March focus (S6, S7) and adds its monthly topics — last year's March whatever the day, this
    year's once it has come."""
    today = timezone.localdate()
    for year in (today.year - 1, today.year):
        demo_plan_build(office=world["county_a"], year=year)
    years = [y for y in (today.year - 1, today.year) if dt.date(y, 3, 10) < today]
    assert today.year - 1 in years
    for year in years:
        with f.on_day(dt.date(year, 3, 10)):
            visit = visit_services.visit_start(user=world["sup_a1"].user, school=world["schools"]["a1"], date=dt.date(year, 3, 10))
        assert visit.checklist.plan_month.plan.year == year and visit.checklist.plan_month.month == 3
        answers = ChecklistAnswer.objects.filter(checklist__visit=visit)
        assert sorted(answers.filter(is_focus=True, source="standing").values_list("code", flat=True)) == ["S6", "S7"]
        assert list(answers.filter(source="monthly").values_list("title", flat=True)) == ["新冠病毒感染防控", "“双减”工作落实"]


# --- Constant query counts ------------------------------------------------------------------------

def _more_items(world, plan, n):
    """Grow the plan and the template: more focus codes per month and more items."""
    school = school_template(world, plan.year)
    for k in range(n):
        plan_services.template_item_save(template=school, code=f"X{k}", title=f"附加事项{k}", sub_points="一\n二")
    for entry in plan.months.all():
        plan_services.plan_month_save(
            plan_month=entry, school_focus="重点", kindergarten_focus="重点", other_tasks="月例会",
            school_item_codes=["S1", "S2", *[f"X{k}" for k in range(n)]], kindergarten_item_codes=["K1", "K2"],
        )


# session, user, object, its items/months, templates, edit check, roles (nav), other years
PLAN_DETAIL_QUERIES = 10  # includes the navbar unread-messages badge
TEMPLATE_DETAIL_QUERIES = 10
PLAN_LIST_QUERIES = 8
TEMPLATE_LIST_QUERIES = 9


def _assert_queries(client, user, url, django_assert_num_queries, expected):
    client.force_login(user)
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("who", ["director_a", "city_viewer"])
def test_plan_page_runs_the_same_queries_for_a_small_and_a_full_plan(client, world, plan, who, django_assert_num_queries):
    url = reverse("inspections:plan_detail", args=[plan.pk])
    _assert_queries(client, world[who], url, django_assert_num_queries, PLAN_DETAIL_QUERIES)
    _more_items(world, plan, 6)
    plan_services.plan_create(office=world["county_a"], year=plan.year + 1)
    _assert_queries(client, world[who], url, django_assert_num_queries, PLAN_DETAIL_QUERIES)


def test_template_page_runs_the_same_queries_for_few_and_many_items(client, world, django_assert_num_queries):
    template = school_template(world)
    url = reverse("inspections:template_detail", args=[template.pk])
    _assert_queries(client, world["admin_a"], url, django_assert_num_queries, TEMPLATE_DETAIL_QUERIES)
    plan = plan_services.plan_create(office=world["county_a"], year=template.year)
    _more_items(world, plan, 10)
    visit_services.visit_start(user=world["sup_a1"].user, school=world["schools"]["a1"], date=timezone.localdate())
    _assert_queries(client, world["admin_a"], url, django_assert_num_queries, TEMPLATE_DETAIL_QUERIES)


def test_plan_and_template_lists_run_the_same_queries_for_one_and_many_years(client, world, django_assert_num_queries):
    viewer = world["city_viewer"]
    plan_list, template_list = reverse("inspections:plan_list"), reverse("inspections:template_list")
    plan_services.plan_create(office=world["county_a"], year=2024)
    _assert_queries(client, viewer, plan_list, django_assert_num_queries, PLAN_LIST_QUERIES)
    _assert_queries(client, viewer, template_list, django_assert_num_queries, TEMPLATE_LIST_QUERIES)
    for year in (2025, 2026):
        for office in (world["county_a"], world["county_b"]):
            plan_services.plan_create(office=office, year=year)
    body = client.get(plan_list).content.decode()
    assert body.count('data-testid="plan-row"') == 5
    _assert_queries(client, viewer, plan_list, django_assert_num_queries, PLAN_LIST_QUERIES)
    _assert_queries(client, viewer, template_list, django_assert_num_queries, TEMPLATE_LIST_QUERIES)
