"""The /api/v1/ endpoints of the monthly loop: plans, checklist templates, visits with their
checklists, problems, monthly summaries and coverage — every role, a supervisor's whole visit
over the API, bad input in Chinese, and constant query counts."""
import datetime as dt
import hashlib
import io

import pytest

from schools.models import School
from dateutil.relativedelta import relativedelta
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from inspections.visits import services as visit_services
from inspections.plans import services as plan_services
from inspections.coverage import services as coverage_services
from inspections.models.choices import Audience, ChecklistStatus, Conclusion
from inspections.models import ChecklistReopening, ChecklistTemplate, MonthlySummary, Photo, Plan, Problem, Visit
from supervision import access
from supervision.models import ZoneAssignment
from tests import factories as f
from tests.api_support import api_as, assert_list_queries, grow_world

pytestmark = pytest.mark.django_db

API = "/api/v1/"
PLANS, TEMPLATES, VISITS = f"{API}plans/", f"{API}checklist-templates/", f"{API}visits/"
PROBLEMS, SUMMARIES, COVERAGE = f"{API}problems/", f"{API}monthly-summaries/", f"{API}coverage/"
NO_ACCESS = (401, 403)

A, A_TITLE, B_TITLE = "柳河县人民政府教育督导室", "柳河县{y}年责任督学挂牌督导工作计划", "辉南县{y}年责任督学挂牌督导工作计划"


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def loop(world, today):
    """This year's plans of both counties and a month of visits: sup_a1 submitted a1 (one problem)
    and has drafts at a1 (one problem) and a2; sup_a2 submitted a3; sup_b1 submitted b1 (one problem)."""
    s = world["schools"]
    plans = {key: plan_services.plan_create(office=world[key], year=today.year) for key in ("county_a", "county_b")}
    a1 = f.visit_filled(user=world["sup_a1"].user, school=s["a1"], problems=1)
    a1_draft = f.visit_filled(user=world["sup_a1"].user, school=s["a1"], submit=False)
    visit_services.problem_add(
        answer=a1_draft.checklist.answers.first(), user=world["sup_a1"].user, description="草稿中的问题", opinion="整改"
    )
    return {
        "plans": plans,
        "a1": a1,
        "a1_draft": a1_draft,
        "a2_draft": f.visit_filled(user=world["sup_a1"].user, school=s["a2"], submit=False),
        "a3": f.visit_filled(user=world["sup_a2"].user, school=s["a3"]),
        "b1": f.visit_filled(user=world["sup_b1"].user, school=s["b1"], problems=1),
    }


def rows(response, key) -> list:
    assert response.status_code == 200, response.content
    return sorted(key(row) for row in response.json()["results"])


def assert_reads(client, url, key, seen: list, probes: dict) -> None:
    """The client lists exactly ``seen`` (each row named by ``key``) and opens a probe only if its
    name is among them: otherwise 404."""
    assert rows(client.get(url), key) == sorted(seen)
    for name, probe in probes.items():
        response = client.get(detail(url, probe))
        assert response.status_code == (200 if name in seen else 404), (name, response.status_code)


def detail(url, obj, suffix=""):
    return f"{url}{obj.pk}/{suffix}"


def png_bytes(color=(30, 120, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(out, format="PNG")
    return out.getvalue()


def first_answer(visit):
    return visit.checklist.answers.order_by("position").first()


def answer_url(visit, answer, suffix=""):
    return f"{VISITS}{visit.pk}/answers/{answer.pk}/{suffix}"


def non_field(response) -> str:
    assert response.status_code == 400, response.content
    return " ".join(response.json()["non_field_errors"])


@pytest.mark.parametrize("url", [PLANS, TEMPLATES, VISITS, PROBLEMS, SUMMARIES, COVERAGE])
def test_anonymous_visitor_gets_nothing_from_the_monthly_loop(loop, url):
    response = APIClient().get(url)
    assert response.status_code in NO_ACCESS
    assert "柳河" not in response.content.decode()


# --- Plans -----------------------------------------------------------------------------------------

PLANS_SEEN = {
    "admin_a": [A_TITLE],
    "director_a": [A_TITLE],
    "sup_a1": [A_TITLE],  # supervisors read their office's plan: they need the month's focus
    "school_user_a1": [],
    "city_viewer": [A_TITLE, B_TITLE],
    "province_viewer": [A_TITLE, B_TITLE],
    "admin_b": [B_TITLE],
}


@pytest.mark.parametrize("role", PLANS_SEEN)
def test_each_role_reads_exactly_the_plans_in_its_scope(world, loop, today, role):
    seen = [t.format(y=today.year) for t in PLANS_SEEN[role]]
    probes = {A_TITLE.format(y=today.year): loop["plans"]["county_a"]}
    assert_reads(api_as(world, role), PLANS, lambda r: r["title"], seen, probes)


def test_a_plan_shows_its_twelve_months_and_every_month_topics(world, loop, today):
    plan = loop["plans"]["county_a"]
    plan_services.plan_save(plan=plan, title=plan.title, monthly_topics="新冠病毒感染防控\n“双减”工作落实")
    plan_services.plan_month_save(
        plan_month=plan.months.get(month=5), school_focus="学生课业负担", kindergarten_focus="杜绝小学化倾向",
        other_tasks="月例会", school_item_codes=["S4"], kindergarten_item_codes=["K2"],
    )
    body = api_as(world, "sup_a1").get(detail(PLANS, plan)).json()
    assert (body["office_name"], body["year"]) == (A, today.year)
    assert body["monthly_topics"] == ["新冠病毒感染防控", "“双减”工作落实"]
    assert [m["month"] for m in body["months"]] == list(range(1, 13))
    assert body["months"][4] == {
        "month": 5, "school_focus": "学生课业负担", "kindergarten_focus": "杜绝小学化倾向", "other_tasks": "月例会",
        "school_item_codes": ["S4"], "kindergarten_item_codes": ["K2"],
    }


def test_director_creates_next_years_plan_copied_from_this_year(world, loop, today):
    plan_services.plan_month_save(
        plan_month=loop["plans"]["county_a"].months.get(month=3), school_focus="校园安全", kindergarten_focus="",
        other_tasks="", school_item_codes=["S6"], kindergarten_item_codes=[],
    )
    response = api_as(world, "director_a").post(
        PLANS, {"office": world["county_a"].pk, "year": today.year + 1}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["title"] == A_TITLE.format(y=today.year + 1)
    assert response.json()["months"][2]["school_item_codes"] == ["S6"]
    assert ChecklistTemplate.objects.filter(office=world["county_a"], year=today.year + 1).count() == 3  # schools, kindergartens, tutoring institutions


def test_a_plan_can_start_empty_instead_of_copied(world, loop, today):
    plan_services.plan_month_save(
        plan_month=loop["plans"]["county_a"].months.get(month=3), school_focus="校园安全", kindergarten_focus="",
        other_tasks="", school_item_codes=["S6"], kindergarten_item_codes=[],
    )
    data = {"office": world["county_a"].pk, "year": today.year + 1, "copy_from_previous": False}
    body = api_as(world, "admin_a").post(PLANS, data, format="json").json()
    assert body["months"][2]["school_focus"] == ""


def test_a_second_plan_for_the_same_year_is_refused_in_chinese(world, loop, today):
    response = api_as(world, "admin_a").post(PLANS, {"office": world["county_a"].pk, "year": today.year}, format="json")
    assert non_field(response) == f"{today.year}年度的工作计划已存在。"
    assert Plan.objects.filter(office=world["county_a"]).count() == 1


def test_a_plan_for_an_absurd_year_is_refused(world):
    response = api_as(world, "admin_a").post(PLANS, {"office": world["county_a"].pk, "year": 1999}, format="json")
    assert response.status_code == 400
    assert "年度应在2000年至" in response.json()["year"][0]
    assert not Plan.objects.exists()


@pytest.mark.parametrize(
    "role, status",
    [("sup_a1", 403), ("school_user_a1", 403), ("city_viewer", 403), ("province_viewer", 403), ("admin_b", 400)],
)
def test_only_the_offices_admins_and_director_create_its_plan(world, today, role, status):
    response = api_as(world, role).post(PLANS, {"office": world["county_a"].pk, "year": today.year}, format="json")
    assert response.status_code == status
    if status == 400:
        assert "不在您的权限范围内" in response.json()["office"][0]
    assert not Plan.objects.exists()


def test_director_sets_a_months_focus_and_items(world, loop):
    plan = loop["plans"]["county_a"]
    response = api_as(world, "director_a").patch(
        detail(PLANS, plan, "months/9/"), {"school_focus": "开学工作", "school_item_codes": ["S1", "S6"]}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["school_item_codes"] == ["S1", "S6"]
    entry = plan.months.get(month=9)
    assert (entry.school_focus, entry.school_item_codes, entry.kindergarten_item_codes) == ("开学工作", ["S1", "S6"], [])


def test_a_month_focus_on_an_unknown_item_is_refused_and_the_month_kept(world, loop):
    plan = loop["plans"]["county_a"]
    response = api_as(world, "admin_a").patch(
        detail(PLANS, plan, "months/9/"), {"school_focus": "开学工作", "school_item_codes": ["S1", "Z9"]}, format="json"
    )
    assert non_field(response) == "未知的督导事项编号:Z9"
    assert plan.months.get(month=9).school_focus == ""


def test_a_thirteenth_month_does_not_exist(world, loop):
    response = api_as(world, "admin_a").patch(detail(PLANS, loop["plans"]["county_a"], "months/13/"), {}, format="json")
    assert response.status_code == 404


def test_admin_edits_the_plans_title_and_every_month_topics(world, loop):
    plan = loop["plans"]["county_a"]
    response = api_as(world, "admin_a").patch(
        detail(PLANS, plan), {"monthly_topics": ["“双减”工作落实", "“双减”工作落实", "校园安全"]}, format="json"
    )
    assert response.status_code == 200, response.content
    plan.refresh_from_db()
    assert plan.monthly_topics == "“双减”工作落实\n校园安全"
    assert response.json()["title"] == plan.title


@pytest.mark.parametrize(
    "role, status",
    [("sup_a1", 403), ("city_viewer", 403), ("province_viewer", 403), ("school_user_a1", 404), ("admin_b", 404)],
)
def test_only_the_offices_admins_and_director_edit_its_plan(world, loop, role, status):
    plan = loop["plans"]["county_a"]
    client = api_as(world, role)
    assert client.patch(detail(PLANS, plan, "months/9/"), {"school_focus": "改过"}, format="json").status_code == status
    assert client.patch(detail(PLANS, plan), {"title": "改过"}, format="json").status_code == status
    plan.refresh_from_db()
    assert plan.title != "改过"
    assert plan.months.get(month=9).school_focus == ""


# --- Checklist templates -----------------------------------------------------------------------------

TEMPLATES_SEEN = {
    "admin_a": [A],
    "director_a": [A],
    "sup_a1": [A],
    "school_user_a1": [],
    "city_viewer": [A, "辉南县人民政府教育督导室"],
    "province_viewer": [A, "辉南县人民政府教育督导室"],
    "admin_b": ["辉南县人民政府教育督导室"],
}


@pytest.mark.parametrize("role", TEMPLATES_SEEN)
def test_each_role_reads_exactly_the_templates_in_its_scope(world, loop, role):
    seen = [f"{office}:{audience}" for office in TEMPLATES_SEEN[role] for audience in Audience.values]
    probes = {f"{A}:school": ChecklistTemplate.objects.get(office=world["county_a"], audience=Audience.SCHOOL)}
    assert_reads(api_as(world, role), TEMPLATES, lambda r: f"{r['office_name']}:{r['audience']}", seen, probes)


def a_school_template(world, today):
    return ChecklistTemplate.objects.get(office=world["county_a"], year=today.year, audience=Audience.SCHOOL)


def test_a_template_lists_its_eight_items_with_guidance_and_sub_points(world, loop, today):
    body = api_as(world, "sup_a1").get(detail(TEMPLATES, a_school_template(world, today))).json()
    assert body["audience_label"] == "中小学校"
    assert [i["code"] for i in body["items"]] == [f"S{n}" for n in range(1, 9)]
    assert body["items"][6]["title"] == "食品、饮水卫生及食堂宿舍"
    assert "校领导陪餐记录" in body["items"][6]["sub_points"]
    assert body["items"][6]["guidance"].startswith("食堂证照")


def test_director_adds_an_item_and_the_template_gets_a_new_version(world, loop, today):
    template = a_school_template(world, today)
    response = api_as(world, "director_a").post(
        detail(TEMPLATES, template, "items/"),
        {"code": "s9", "title": "课后服务", "sub_points": ["课后服务时间", "收费公示"]},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["version"] == template.version + 1
    added = response.json()["items"][-1]
    assert (added["code"], added["title"], added["sub_points"]) == ("S9", "课后服务", ["课后服务时间", "收费公示"])
    assert template.items.get(code="S9").sub_points == "课后服务时间\n收费公示"


def test_an_item_is_edited_keeping_its_code_and_a_submitted_checklist_keeps_the_old_wording(world, loop, today):
    template = a_school_template(world, today)
    item = template.items.get(code="S7")
    response = api_as(world, "admin_a").patch(
        detail(TEMPLATES, template, f"items/{item.pk}/"), {"code": "X1", "title": "食堂与饮水安全"}, format="json"
    )
    assert response.status_code == 200, response.content
    item.refresh_from_db()
    assert (item.code, item.title) == ("S7", "食堂与饮水安全")
    assert item.sub_points.startswith("食堂许可证")  # the fields not sent stay
    old = api_as(world, "sup_a1").get(detail(VISITS, loop["a1"])).json()["checklist"]["answers"]
    assert [a["title"] for a in old if a["code"] == "S7"] == ["食品、饮水卫生及食堂宿舍"]


def test_an_item_is_deleted_and_a_duplicate_code_refused(world, loop, today):
    template = a_school_template(world, today)
    client = api_as(world, "admin_a")
    response = client.post(detail(TEMPLATES, template, "items/"), {"code": "S1", "title": "重复"}, format="json")
    assert non_field(response) == "编号 S1 已在模板中使用。"
    item = template.items.get(code="S8")
    assert client.delete(detail(TEMPLATES, template, f"items/{item.pk}/")).status_code == 204
    assert list(template.items.values_list("code", flat=True)) == [f"S{n}" for n in range(1, 8)]


def test_asking_for_next_years_template_builds_it_from_this_years(world, loop, today):
    data = {"office": world["county_a"].pk, "year": today.year + 1, "audience": "kindergarten"}
    response = api_as(world, "admin_a").post(TEMPLATES, data, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["title"] == f"{today.year + 1}年幼儿园经常性督导清单"
    assert [i["code"] for i in response.json()["items"]] == [f"K{n}" for n in range(1, 7)]


@pytest.mark.parametrize(
    "role, status",
    [("sup_a1", 403), ("city_viewer", 403), ("province_viewer", 403), ("school_user_a1", 404), ("admin_b", 404)],
)
def test_only_the_offices_admins_and_director_change_its_template(world, loop, today, role, status):
    template = a_school_template(world, today)
    item = template.items.get(code="S1")
    client = api_as(world, role)
    assert client.post(detail(TEMPLATES, template, "items/"), {"code": "S9", "title": "新"}, format="json").status_code == status
    assert client.patch(detail(TEMPLATES, template, f"items/{item.pk}/"), {"title": "改"}, format="json").status_code == status
    assert client.delete(detail(TEMPLATES, template, f"items/{item.pk}/")).status_code == status
    template.refresh_from_db()
    assert (template.version, template.items.count()) == (1, 8)


# --- Visits: reading -----------------------------------------------------------------------------------

ALL_VISITS = [
    "三源浦镇中心小学:submitted", "柳河县第一小学:draft", "柳河县第一小学:submitted", "柳河县第二中学:draft",
]
VISITS_SEEN = {
    "admin_a": ALL_VISITS,
    "director_a": ALL_VISITS,
    "sup_a1": ["柳河县第一小学:draft", "柳河县第一小学:submitted", "柳河县第二中学:draft"],
    "school_user_a1": ["柳河县第一小学:submitted"],  # their own school, never a draft
    "city_viewer": [*ALL_VISITS, "辉南县第一小学:submitted"],
    "province_viewer": [*ALL_VISITS, "辉南县第一小学:submitted"],
    "admin_b": ["辉南县第一小学:submitted"],
}


def visit_key(row) -> str:
    return f"{row['school_name']}:{row['checklist']['status']}"


@pytest.mark.parametrize("role", VISITS_SEEN)
def test_each_role_reads_exactly_the_visits_in_its_scope(world, loop, role):
    probes = {
        "柳河县第一小学:submitted": loop["a1"], "柳河县第一小学:draft": loop["a1_draft"], "辉南县第一小学:submitted": loop["b1"],
    }
    assert_reads(api_as(world, role), VISITS, visit_key, VISITS_SEEN[role], probes)


def test_a_school_user_never_opens_a_draft_of_their_own_school(world, loop):
    client = api_as(world, "school_user_a1")
    response = client.get(detail(VISITS, loop["a1_draft"]))
    assert response.status_code == 404
    assert "草稿中的问题" not in response.content.decode()
    assert "草稿中的问题" not in client.get(PROBLEMS).content.decode()


def test_a_supervisor_of_another_zone_gets_404_on_a_colleagues_visit(world, loop):
    client = api_as(world, "sup_a2")
    assert client.get(detail(VISITS, loop["a1"])).status_code == 404
    answer = first_answer(loop["a2_draft"])
    response = client.patch(answer_url(loop["a2_draft"], answer), {"notes": "越权"}, format="json")
    assert response.status_code == 404
    answer.refresh_from_db()
    assert answer.notes == ""


def test_a_visit_shows_its_checklist_items_photos_and_problems(world, loop):
    visit = loop["a1"]
    answer = first_answer(visit)
    visit_services.checklist_reopen(checklist=visit.checklist, user=world["sup_a1"].user, reason="补拍照片")
    photo = visit_services.photo_add(
        answer=answer, user=world["sup_a1"].user, upload=SimpleUploadedFile("gate.png", png_bytes(), "image/png")
    )
    visit_services.checklist_submit(checklist=visit.checklist, user=world["sup_a1"].user)
    client = api_as(world, "school_user_a1")
    body = client.get(detail(VISITS, visit)).json()
    assert (body["school_name"], body["zone_name"], body["office_name"]) == ("柳河县第一小学", "城区第一责任区", A)
    assert body["methods"] == ["campus_walk"]
    assert body["supervisors"] == [{"id": world["sup_a1"].pk, "name": "王督学"}]
    checklist = body["checklist"]
    assert (checklist["status"], checklist["status_label"], checklist["template_version"]) == ("submitted", "已提交", 1)
    assert (body["items"], body["answered"], body["problem_count"]) == (8, 8, 1)
    item = checklist["answers"][0]
    assert (item["code"], item["title"], item["source"], item["is_focus"]) == ("S1", "校务管理和制度执行", "standing", False)
    assert (item["conclusion"], item["conclusion_label"]) == ("problem", "发现问题")
    assert "学校章程及各项管理制度" in item["sub_points"]
    assert item["photos"][0]["sha256"] == hashlib.sha256(png_bytes()).hexdigest()
    assert item["photos"][0]["url"] == f"http://testserver/inspections/photos/{photo.pk}/"
    assert checklist["reopenings"][0]["reason"] == "补拍照片"
    assert [(p["item_code"], p["description"], p["is_open"]) for p in body["problems"]] == [("S1", "问题1", True)]
    # The photo URL is the permission-checked photo view: it opens for this user...
    image = client.get(item["photos"][0]["url"])
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    # ...and not for a school user of another school.
    other = f.school_user(world["schools"]["a2"])
    client.force_login(other)
    assert client.get(item["photos"][0]["url"]).status_code == 404


def test_this_months_focus_items_and_every_month_topics_are_marked(world, loop, today):
    plan = loop["plans"]["county_a"]
    plan_services.plan_save(plan=plan, title=plan.title, monthly_topics="“双减”工作落实")
    plan_services.plan_month_save(
        plan_month=plan.months.get(month=today.month), school_focus="", kindergarten_focus="", other_tasks="",
        school_item_codes=["S6"], kindergarten_item_codes=[],
    )
    visit = f.visit_filled(user=world["sup_a1"].user, school=world["schools"]["a2"], submit=False)
    answers = api_as(world, "sup_a1").get(detail(VISITS, visit)).json()["checklist"]["answers"]
    assert [(a["code"], a["source"]) for a in answers if a["is_focus"]] == [("S6", "standing"), ("M1", "monthly")]
    assert answers[-1]["title"] == "“双减”工作落实"


def test_visit_list_filters_by_school_zone_status_supervisor_and_month(world, loop, today):
    client = api_as(world, "admin_a")
    s = world["schools"]
    by = lambda **q: rows(client.get(VISITS, q), visit_key)  # noqa: E731
    assert by(school=s["a1"].pk) == ["柳河县第一小学:draft", "柳河县第一小学:submitted"]
    assert by(zone=world["zone_a2"].pk) == ["三源浦镇中心小学:submitted"]
    assert by(status="draft") == ["柳河县第一小学:draft", "柳河县第二中学:draft"]
    assert by(supervisor=world["sup_a2"].pk) == ["三源浦镇中心小学:submitted"]
    assert by(year=today.year, month=today.month) == ALL_VISITS
    last = today - relativedelta(months=1)
    assert by(year=last.year, month=last.month) == []
    assert by(date_from=today.isoformat(), date_to=today.isoformat()) == ALL_VISITS
    response = client.get(VISITS, {"school": "not-a-number"})
    assert (response.status_code, response.json()) == (400, {"school": ["输入整数。"]})


# --- Visits: a supervisor's whole visit over the API ---------------------------------------------------


def test_a_supervisor_does_a_whole_visit_over_the_api(world, loop, today):
    client = api_as(world, "sup_a1")
    s = world["schools"]
    # Start: the checklist is built from this year's school template.
    response = client.post(
        VISITS,
        {"school": s["a2"].pk, "date": today.isoformat(), "arrived_at": "08:30", "methods": ["campus_walk", "briefing"]},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    visit = Visit.objects.get(pk=body["id"])
    assert (body["checklist"]["status"], body["created_by"]["name"], body["arrived_at"]) == ("draft", "王督学", "08:30:00")
    answers = body["checklist"]["answers"]
    assert [a["code"] for a in answers] == [f"S{n}" for n in range(1, 9)]
    # The header autosaves field by field.
    response = client.patch(detail(VISITS, visit), {"left_at": "10:15", "summary": "整体情况良好"}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["arrived_at"], response.json()["left_at"]) == ("08:30:00", "10:15:00")
    # Every item but the first is fine; the first gets a photo and a problem.
    for answer in answers[1:]:
        response = client.patch(f"{VISITS}{visit.pk}/answers/{answer['id']}/", {"conclusion": "ok"}, format="json")
        assert response.status_code == 200, response.content
    first = f"{VISITS}{visit.pk}/answers/{answers[0]['id']}/"
    assert client.patch(first, {"notes": "制度汇编不全"}, format="json").json()["notes"] == "制度汇编不全"
    photo = client.post(first + "photos/", {"image": SimpleUploadedFile("p.png", png_bytes(), "image/png")}, format="multipart")
    assert photo.status_code == 201, photo.content
    assert photo.json()["sha256"] == hashlib.sha256(png_bytes()).hexdigest()
    problem = client.post(
        first + "problems/", {"description": "制度汇编缺少安全管理制度", "opinion": "一个月内补齐", "severity": "major"}, format="json"
    )
    assert problem.status_code == 201, problem.content
    assert (problem.json()["deadline"], problem.json()["severity_label"]) == (
        (today + relativedelta(months=1)).isoformat(), "较重",
    )
    # Submit locks it; the coverage counts the school as visited.
    response = client.post(detail(VISITS, visit, "submit/"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["checklist"]["status"], body["answered"], body["problem_count"]) == ("submitted", 8, 1)
    assert body["checklist"]["answers"][0]["conclusion"] == "problem"
    coverage = client.get(COVERAGE).json()
    assert [sc["visit_count"] for z in coverage["zones"] for sc in z["schools"] if sc["id"] == s["a2"].pk] == [1]
    response = client.patch(first, {"notes": "改"}, format="json")
    assert non_field(response) == "清单已提交并锁定;如需修改,请先填写原因重新打开。"
    # Reopening needs a reason, and records it.
    response = client.post(detail(VISITS, visit, "reopen/"), {"reason": "  "}, format="json")
    assert response.status_code == 400
    assert response.json()["reason"] == ["重新打开清单必须填写原因。"]
    response = client.post(detail(VISITS, visit, "reopen/"), {"reason": "补充整改意见"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["checklist"]["status"] == "draft"
    assert response.json()["checklist"]["reopenings"][0]["reason"] == "补充整改意见"
    assert ChecklistReopening.objects.get(checklist__visit=visit).by == world["sup_a1"].user
    visit.refresh_from_db()
    assert (visit.summary, visit.methods) == ("整体情况良好", ["campus_walk", "briefing"])


def test_a_colleague_on_a_joint_visit_fills_it_even_from_another_zone(world, loop, today):
    client = api_as(world, "sup_a1")
    data = {"school": world["schools"]["a1"].pk, "date": today.isoformat(), "co_supervisors": [world["sup_a2"].pk]}
    visit_id = client.post(VISITS, data, format="json").json()["id"]
    visit = Visit.objects.get(pk=visit_id)
    colleague = api_as(world, "sup_a2")
    body = colleague.get(f"{VISITS}{visit_id}/").json()
    assert sorted(p["name"] for p in body["supervisors"]) == ["李督学", "王督学"]
    response = colleague.patch(answer_url(visit, first_answer(visit)), {"conclusion": "ok"}, format="json")
    assert response.status_code == 200, response.content


def test_a_supervisor_of_another_county_cannot_join_a_visit(world, today):
    data = {"school": world["schools"]["a1"].pk, "date": today.isoformat(), "co_supervisors": [world["sup_b1"].pk]}
    response = api_as(world, "sup_a1").post(VISITS, data, format="json")
    assert response.status_code == 400
    assert "不在您的权限范围内" in str(response.json()["co_supervisors"])
    assert not Visit.objects.exists()


def test_rechecking_last_months_problem_during_a_visit_closes_it_when_the_checklist_is_submitted(world, loop, today):
    user = world["sup_a1"].user
    earlier = f.visit_filled(user=user, school=world["schools"]["a1"], date=today - relativedelta(months=1), problems=1)
    old = earlier.problems.get()
    client = api_as(world, "sup_a1")
    assert old.pk in [p["id"] for p in client.get(PROBLEMS, {"is_open": "true"}).json()["results"]]
    response = client.post(
        detail(VISITS, loop["a1_draft"], "rechecks/"), {"problem": old.pk, "result": "rectified", "notes": "已整改"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert (response.json()["result_label"], response.json()["mode"]) == ("已整改到位", "on_site")
    # The ticket closes (销号) when the visit's checklist is submitted, not while it is a draft.
    assert old.pk in [p["id"] for p in client.get(PROBLEMS, {"is_open": "true"}).json()["results"]]
    for answer in loop["a1_draft"].checklist.answers.filter(conclusion=""):
        visit_services.answer_save(answer=answer, user=user, conclusion=Conclusion.OK)
    assert client.post(detail(VISITS, loop["a1_draft"], "submit/")).status_code == 200
    assert old.pk not in [p["id"] for p in client.get(PROBLEMS, {"is_open": "true"}).json()["results"]]
    body = client.get(detail(PROBLEMS, old)).json()
    assert body["is_open"] is False
    assert body["rechecks"][0]["visit"] == loop["a1_draft"].pk
    assert client.get(detail(VISITS, loop["a1_draft"])).json()["rechecks"][0]["problem"] == old.pk


def test_a_problem_of_another_school_is_not_rechecked_on_this_visit(world, loop):
    other = f.visit_filled(user=world["sup_a1"].user, school=world["schools"]["a2"], problems=1).problems.get()
    response = api_as(world, "sup_a1").post(
        detail(VISITS, loop["a1_draft"], "rechecks/"), {"problem": other.pk, "result": "rectified"}, format="json"
    )
    assert non_field(response) == "只能复查本校的问题。"
    assert not other.rechecks.exists()


def test_a_problem_and_a_photo_are_deleted_while_the_checklist_is_a_draft(world, loop):
    visit = loop["a1_draft"]
    client = api_as(world, "sup_a1")
    problem = visit.problems.get()
    photo = visit_services.photo_add(
        answer=problem.answer, user=world["sup_a1"].user, upload=SimpleUploadedFile("p.png", png_bytes(), "image/png")
    )
    assert client.delete(detail(VISITS, loop["a1"], f"problems/{problem.pk}/")).status_code == 404  # another visit's URL
    assert client.delete(detail(VISITS, visit, f"problems/{problem.pk}/")).status_code == 204
    assert client.delete(detail(VISITS, visit, f"photos/{photo.pk}/")).status_code == 204
    assert not Problem.objects.filter(pk=problem.pk).exists()
    assert not Photo.objects.filter(pk=photo.pk).exists()


def test_a_draft_started_by_mistake_is_discarded_but_a_submitted_visit_is_not(world, loop):
    client = api_as(world, "sup_a1")
    assert client.delete(detail(VISITS, loop["a2_draft"])).status_code == 204
    assert not Visit.objects.filter(pk=loop["a2_draft"].pk).exists()
    assert non_field(client.delete(detail(VISITS, loop["a1"]))).startswith("清单已提交并锁定")
    assert Visit.objects.filter(pk=loop["a1"].pk).exists()


# --- Visits: who may write -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, status",
    [
        ("admin_a", 403),
        ("director_a", 403),
        ("city_viewer", 403),
        ("province_viewer", 403),
        ("school_user_a1", 404),  # a draft: not even visible to the school
        ("admin_b", 404),
    ],
)
def test_only_the_supervisors_present_fill_a_checklist(world, loop, role, status):
    visit = loop["a2_draft"]
    answer = first_answer(visit)
    client = api_as(world, role)
    assert client.patch(answer_url(visit, answer), {"conclusion": "ok"}, format="json").status_code == status
    assert client.patch(detail(VISITS, visit), {"summary": "改"}, format="json").status_code == status
    problem = {"description": "问题", "opinion": "整改"}
    assert client.post(answer_url(visit, answer, "problems/"), problem, format="json").status_code == status
    assert client.post(detail(VISITS, visit, "submit/")).status_code == status
    assert client.delete(detail(VISITS, visit)).status_code == status
    answer.refresh_from_db()
    visit.refresh_from_db()
    assert (answer.conclusion, visit.summary, visit.problems.count(), visit.checklist.status) == ("", "", 0, "draft")


def test_a_school_user_reads_their_submitted_visit_but_may_not_touch_it(world, loop):
    visit = loop["a1"]
    client = api_as(world, "school_user_a1")
    response = client.patch(answer_url(visit, first_answer(visit)), {"notes": "学校改的"}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "只有参加本次督导的督学可以填写清单。"
    assert client.post(detail(VISITS, visit, "reopen/"), {"reason": "想改"}, format="json").status_code == 403
    visit.checklist.refresh_from_db()
    assert visit.checklist.status == ChecklistStatus.SUBMITTED


@pytest.mark.parametrize(
    "role, status",
    [
        ("sup_a1", 200),
        ("admin_a", 200),  # the office's admin may reopen a checklist, with a reason
        ("director_a", 403),
        ("city_viewer", 403),
        ("province_viewer", 403),
        ("admin_b", 404),
    ],
)
def test_who_may_reopen_a_submitted_checklist(world, loop, role, status):
    response = api_as(world, role).post(detail(VISITS, loop["a1"], "reopen/"), {"reason": "数据有误"}, format="json")
    assert response.status_code == status
    loop["a1"].checklist.refresh_from_db()
    assert loop["a1"].checklist.status == ("draft" if status == 200 else "submitted")


@pytest.mark.parametrize("role", ["director_a", "school_user_a1", "city_viewer"])
def test_only_supervisors_start_visits(world, today, role):
    data = {"school": world["schools"]["a1"].pk, "date": today.isoformat()}
    response = api_as(world, role).post(VISITS, data, format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "只有责任督学(或有“补录”权限的人员)可以填报入校督导。"
    assert not Visit.objects.exists()


def test_an_admin_entering_a_past_visit_names_the_supervisors_who_made_it(world, today):
    data = {"school": world["schools"]["a1"].pk, "date": today.isoformat()}
    response = api_as(world, "admin_a").post(VISITS, data, format="json")
    assert response.status_code == 400
    assert "补录入校督导时请选择参加督导的督学" in str(response.json())
    assert not Visit.objects.exists()


# --- Visits: bad input -------------------------------------------------------------------------------


def test_a_visit_dated_in_the_future_is_refused_in_chinese(world, today):
    data = {"school": world["schools"]["a1"].pk, "date": (today + dt.timedelta(days=1)).isoformat()}
    response = api_as(world, "sup_a1").post(VISITS, data, format="json")
    assert response.status_code == 400
    assert response.json() == {"date": ["督导日期不能晚于今天。"]}
    assert not Visit.objects.exists()


def test_moving_a_draft_into_the_future_is_refused_and_the_date_kept(world, loop, today):
    visit = loop["a2_draft"]
    response = api_as(world, "sup_a1").patch(
        detail(VISITS, visit), {"date": (today + dt.timedelta(days=3)).isoformat(), "summary": "同时改的小结"}, format="json"
    )
    assert response.json() == {"date": ["督导日期不能晚于今天。"]}
    visit.refresh_from_db()
    assert (visit.date, visit.summary) == (today, "")


def test_leaving_before_arriving_is_refused(world, loop):
    response = api_as(world, "sup_a1").patch(
        detail(VISITS, loop["a2_draft"]), {"arrived_at": "10:00", "left_at": "09:00"}, format="json"
    )
    assert response.json() == {"left_at": ["离校时间不能早于到校时间。"]}


def test_a_school_outside_the_supervisors_zones_is_refused(world, today):
    client = api_as(world, "sup_a1")
    for school in ("a3", "b1"):
        data = {"school": world["schools"][school].pk, "date": today.isoformat()}
        response = client.post(VISITS, data, format="json")
        assert response.status_code == 400
        assert "不存在或不在您的权限范围内" in response.json()["school"][0]
    assert not Visit.objects.exists()


def test_an_unknown_visit_method_is_refused(world, today):
    data = {"school": world["schools"]["a1"].pk, "date": today.isoformat(), "methods": ["telepathy"]}
    response = api_as(world, "sup_a1").post(VISITS, data, format="json")
    assert response.status_code == 400
    assert "不是合法选项" in str(response.json()["methods"])


def test_submitting_with_an_item_unanswered_is_refused_and_the_answers_kept(world, loop):
    visit = loop["a2_draft"]
    client = api_as(world, "sup_a1")
    answers = list(visit.checklist.answers.order_by("position"))
    for answer in answers[:-1]:
        client.patch(answer_url(visit, answer), {"conclusion": "ok", "notes": "正常"}, format="json")
    message = non_field(client.post(detail(VISITS, visit, "submit/")))
    assert message == "以下事项尚未填写结论:校风、教风、学风建设"
    visit.checklist.refresh_from_db()
    assert visit.checklist.status == ChecklistStatus.DRAFT
    assert visit.checklist.answers.filter(conclusion=Conclusion.OK, notes="正常").count() == 7


def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_stored(world, loop):
    visit = loop["a2_draft"]
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not a picture", "image/jpeg")
    response = api_as(world, "sup_a1").post(answer_url(visit, first_answer(visit), "photos/"), {"image": fake}, format="multipart")
    assert non_field(response) == "上传的文件不是有效的图片。"
    assert not Photo.objects.exists()


def test_a_photo_request_without_a_file_is_refused(world, loop):
    visit = loop["a2_draft"]
    response = api_as(world, "sup_a1").post(answer_url(visit, first_answer(visit), "photos/"), {}, format="multipart")
    assert response.status_code == 400
    assert "image" in response.json()


def test_a_problem_without_description_or_opinion_is_refused(world, loop):
    visit = loop["a2_draft"]
    response = api_as(world, "sup_a1").post(
        answer_url(visit, first_answer(visit), "problems/"), {"description": " ", "opinion": ""}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"description": ["请填写问题描述。"], "opinion": ["请填写整改意见。"]}
    assert not visit.problems.exists()


def test_an_answer_of_another_visit_is_not_found(world, loop):
    response = api_as(world, "sup_a1").patch(
        answer_url(loop["a2_draft"], first_answer(loop["a1_draft"])), {"conclusion": "ok"}, format="json"
    )
    assert response.status_code == 404


# --- Problems ------------------------------------------------------------------------------------------

# A draft's problems count nowhere until its checklist is submitted: not even for its author here.
A1_PROBLEMS = ["柳河县第一小学:问题1"]
PROBLEMS_SEEN = {
    "admin_a": A1_PROBLEMS,
    "director_a": A1_PROBLEMS,
    "sup_a1": A1_PROBLEMS,
    "school_user_a1": ["柳河县第一小学:问题1"],
    "city_viewer": [*A1_PROBLEMS, "辉南县第一小学:问题1"],
    "province_viewer": [*A1_PROBLEMS, "辉南县第一小学:问题1"],
    "admin_b": ["辉南县第一小学:问题1"],
}


def problem_key(row) -> str:
    return f"{row['school_name']}:{row['description']}"


@pytest.mark.parametrize("role", PROBLEMS_SEEN)
def test_each_role_reads_exactly_the_problems_in_its_scope(world, loop, role):
    probes = {"辉南县第一小学:问题1": loop["b1"].problems.get(), "柳河县第一小学:草稿中的问题": loop["a1_draft"].problems.get()}
    assert_reads(api_as(world, role), PROBLEMS, problem_key, PROBLEMS_SEEN[role], probes)


def test_a_problem_shows_its_item_opinion_deadline_and_school(world, loop, today):
    problem = loop["a1"].problems.get()
    body = api_as(world, "school_user_a1").get(detail(PROBLEMS, problem)).json()
    assert (body["item_code"], body["item_title"], body["opinion"]) == ("S1", "校务管理和制度执行", "限期整改")
    assert (body["found_on"], body["deadline"]) == (today.isoformat(), (today + relativedelta(months=1)).isoformat())
    assert (body["school_name"], body["zone_name"], body["severity_label"], body["is_open"]) == (
        "柳河县第一小学", "城区第一责任区", "一般", True,
    )


def test_problems_are_read_only(world, loop):
    problem = loop["a1"].problems.get()
    client = api_as(world, "admin_a")
    assert client.patch(detail(PROBLEMS, problem), {"description": "改"}, format="json").status_code == 405
    assert client.delete(detail(PROBLEMS, problem)).status_code == 405
    assert Problem.objects.get(pk=problem.pk).description == "问题1"


def test_problem_list_filters_by_school_zone_item_severity_month_and_state(world, loop, today):
    user = world["sup_a1"].user
    earlier = f.visit_filled(user=user, school=world["schools"]["a2"], date=today - relativedelta(months=1), problems=2)
    f.visit_filled(user=user, school=world["schools"]["a2"], rechecks=[earlier.problems.get(item_code="S1")])
    Problem.objects.filter(description="草稿中的问题").update(severity="severe")
    client = api_as(world, "admin_a")
    by = lambda **q: rows(client.get(PROBLEMS, q), problem_key)  # noqa: E731
    assert by(school=world["schools"]["a2"].pk) == ["柳河县第二中学:问题1", "柳河县第二中学:问题2"]
    assert by(zone=world["zone_a2"].pk) == []
    assert by(item_code="s2") == ["柳河县第二中学:问题2"]
    assert by(severity="severe") == []  # the only severe one is on a draft: it counts nowhere yet
    last = today - relativedelta(months=1)
    assert by(year=last.year, month=last.month) == ["柳河县第二中学:问题1", "柳河县第二中学:问题2"]
    assert by(is_open="false") == ["柳河县第二中学:问题1"]
    assert by(is_open="true") == sorted([*A1_PROBLEMS, "柳河县第二中学:问题2"])
    assert client.get(PROBLEMS, {"severity": "catastrophic"}).status_code == 400


# --- Monthly summaries -------------------------------------------------------------------------------


def save_summary(world, today, who="sup_a1", submit=False, text="本月完成责任区学校督导。"):
    return coverage_services.monthly_summary_save(supervisor=world[who], year=today.year, month=today.month, text=text, submit=submit)


def test_a_supervisor_writes_and_submits_their_monthly_summary(world, loop, today):
    client = api_as(world, "sup_a1")
    data = {"year": today.year, "month": today.month, "text": "本月督导2所学校。"}
    response = client.post(SUMMARIES, data, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    live = {"visits": 1, "schools_covered": 1, "problems_found": 1, "rechecks_done": 0}
    assert (body["submitted"], body["figures"], body["supervisor_name"]) == (False, live, "王督学")
    url = f"{SUMMARIES}{body['id']}/"
    response = client.patch(url, {"text": "本月督导2所学校,发现问题1个。", "submit": True}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["submitted"], response.json()["figures"]) == (True, live)
    # A visit submitted afterwards does not change the frozen figures, and the text is locked.
    f.visit_filled(user=world["sup_a1"].user, school=world["schools"]["a2"])
    assert client.get(url).json()["figures"] == live
    response = client.patch(url, {"text": "再改"}, format="json")
    assert non_field(response) == "月总结已提交,不能再修改。"
    assert MonthlySummary.objects.get().text == "本月督导2所学校,发现问题1个。"


def test_a_draft_summary_shows_live_figures_when_opened_and_none_in_the_list(world, loop, today):
    summary = save_summary(world, today)
    client = api_as(world, "sup_a1")
    assert client.get(SUMMARIES).json()["results"][0]["figures"] is None
    f.visit_filled(user=world["sup_a1"].user, school=world["schools"]["a2"])
    assert client.get(detail(SUMMARIES, summary)).json()["figures"]["visits"] == 2


def test_submitting_an_empty_summary_or_a_future_month_is_refused(world, today):
    client = api_as(world, "sup_a1")
    response = client.post(SUMMARIES, {"year": today.year, "month": today.month, "submit": True}, format="json")
    assert response.json() == {"text": ["请填写总结内容后再提交。"]}
    future = today + relativedelta(months=1)
    response = client.post(SUMMARIES, {"year": future.year, "month": future.month, "text": "预写"}, format="json")
    assert non_field(response) == "不能填写未来月份的总结。"
    assert not MonthlySummary.objects.exists()


SUMMARIES_SEEN = {
    "admin_a": ["王督学"],  # the office's submitted ones, not sup_a2's draft
    "director_a": ["王督学"],
    "sup_a1": ["王督学"],
    "school_user_a1": [],
    "city_viewer": ["王督学", "赵督学"],
    "province_viewer": ["王督学", "赵督学"],
    "admin_b": ["赵督学"],
}


@pytest.mark.parametrize("role", SUMMARIES_SEEN)
def test_each_role_reads_exactly_the_summaries_in_its_scope(world, today, role):
    mine = save_summary(world, today, submit=True)
    draft = save_summary(world, today, who="sup_a2")
    save_summary(world, today, who="sup_b1", submit=True)
    probes = {"王督学": mine, "李督学": draft}  # sup_a2's draft is theirs alone
    assert_reads(api_as(world, role), SUMMARIES, lambda r: r["supervisor_name"], SUMMARIES_SEEN[role], probes)


@pytest.mark.parametrize(
    "role, status",
    [("admin_a", 403), ("director_a", 403), ("city_viewer", 403), ("sup_a2", 404), ("admin_b", 404)],
)
def test_only_the_author_writes_a_summary(world, today, role, status):
    summary = save_summary(world, today)
    if status == 403:  # office roles read it once submitted; writing is still the author's
        summary = save_summary(world, today, submit=True)
    response = api_as(world, role).patch(detail(SUMMARIES, summary), {"text": "改"}, format="json")
    assert response.status_code == status
    assert MonthlySummary.objects.get().text == "本月完成责任区学校督导。"


@pytest.mark.parametrize("role", ["director_a", "city_viewer", "school_user_a1"])
def test_only_supervisors_write_monthly_summaries(world, today, role):
    response = api_as(world, role).post(SUMMARIES, {"year": today.year, "month": today.month, "text": "总结"}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "只有在岗的责任督学(或有“补录”权限的人员)可以填写月总结。"
    assert not MonthlySummary.objects.exists()


def test_an_admin_enters_a_supervisors_past_summary_only_as_submitted(world, today):
    client, sup = api_as(world, "admin_a"), world["sup_a1"]
    body = {"year": today.year, "month": today.month, "text": "总结", "supervisor": sup.pk}
    assert client.post(SUMMARIES, {k: v for k, v in body.items() if k != "supervisor"}, format="json").status_code == 400
    draft = client.post(SUMMARIES, body, format="json")
    assert draft.status_code == 400 and "submit" in draft.json()
    assert not MonthlySummary.objects.exists()
    filed = client.post(SUMMARIES, {**body, "submit": True, "submitted_on": today.isoformat()}, format="json")
    assert filed.status_code == 201, filed.json()
    summary = MonthlySummary.objects.get()
    assert (summary.supervisor, summary.submitted_on) == (sup, today)


def test_summary_list_filters_by_office_month_and_state(world, today):
    save_summary(world, today, submit=True)
    save_summary(world, today, who="sup_b1")
    last = today - relativedelta(months=1)
    coverage_services.monthly_summary_save(supervisor=world["sup_b1"], year=last.year, month=last.month, text="上月", submit=True)
    client = api_as(world, "city_viewer")
    key = lambda r: f"{r['supervisor_name']}:{r['month']}"  # noqa: E731
    assert rows(client.get(SUMMARIES, {"office": world["county_b"].pk}), key) == [f"赵督学:{last.month}"]
    assert rows(client.get(SUMMARIES, {"year": today.year, "month": today.month}), key) == [f"王督学:{today.month}"]
    assert rows(api_as(world, "sup_b1").get(SUMMARIES, {"submitted": "false"}), key) == [f"赵督学:{today.month}"]


# --- Coverage --------------------------------------------------------------------------------------


def coverage_rows(body) -> dict[str, tuple]:
    return {
        s["name"]: (z["zone_name"], s["visit_count"], s["draft_count"], s["last_visit"])
        for z in body["zones"] for s in z["schools"]
    }


def test_the_director_sees_this_months_coverage_by_zone_and_school(world, loop, today):
    body = api_as(world, "director_a").get(COVERAGE).json()
    assert (body["year"], body["month"], body["due"]) == (today.year, today.month, today.replace(day=27).isoformat())
    assert (body["total"], body["visited"], body["drafts"]) == (4, 2, 1)
    iso = today.isoformat()
    assert coverage_rows(body) == {
        "柳河县第一小学": ("城区第一责任区", 1, 1, iso),
        "柳河县第二中学": ("城区第一责任区", 0, 1, None),
        "三源浦镇中心小学": ("乡镇第一责任区", 1, 0, iso),
        "柳河县实验幼儿园": (None, 0, 0, None),
    }
    zones = {z["zone_name"]: (z["total"], z["visited"], z["rate"], z["office_name"]) for z in body["zones"]}
    assert zones["城区第一责任区"] == (2, 1, 50, A)


@pytest.mark.parametrize(
    "role, schools",
    [
        ("sup_a1", ["柳河县第一小学", "柳河县第二中学"]),
        ("admin_b", ["辉南县第一小学"]),
        ("city_viewer", ["三源浦镇中心小学", "柳河县实验幼儿园", "柳河县第一小学", "柳河县第二中学", "辉南县第一小学"]),
        ("school_user_a1", []),  # school users follow no coverage
    ],
)
def test_each_role_sees_the_coverage_of_its_own_schools(world, loop, role, schools):
    assert sorted(coverage_rows(api_as(world, role).get(COVERAGE).json())) == schools


def test_last_months_coverage_and_a_future_month(world, loop, today):
    client = api_as(world, "director_a")
    last = today - relativedelta(months=1)
    body = client.get(COVERAGE, {"year": last.year, "month": last.month}).json()
    assert (body["month"], body["visited"], body["deadline_passed"], body["late_zones"]) == (last.month, 0, True, 3)
    future = today + relativedelta(months=1)
    response = client.get(COVERAGE, {"year": future.year, "month": future.month})
    assert non_field(response) == "不能选择未来的月份。"
    assert client.get(COVERAGE, {"month": 13}).status_code == 400


# --- Constant queries --------------------------------------------------------------------------------


def grow_loop(world):
    """More of everything: new counties and zones (grow_world), next year's plans, and visits with
    problems, drafts and submitted summaries at the new schools of county A."""
    grow_world(world)
    today = timezone.localdate()
    for office in access.offices_overseen_by(world["province_viewer"]).exclude(plans__year=today.year):
        plan_services.plan_create(office=office, year=today.year)
    plan_services.plan_create(office=world["county_a"], year=today.year - 1)
    f.visit_filled(user=world["sup_a1"].user, school=world["schools"]["a1"], problems=2)
    for assignment in ZoneAssignment.objects.current().filter(zone__office=world["county_a"]).exclude(
        zone__in=[world["zone_a1"], world["zone_a2"]]
    ).exclude(supervisor=world["sup_a1"]).select_related("supervisor__user", "zone"):
        school = School.objects.current(zone=assignment.zone).first()
        f.visit_filled(user=assignment.supervisor.user, school=school, problems=2)
        f.visit_filled(user=assignment.supervisor.user, school=school, problems=1, submit=False)
        coverage_services.monthly_summary_save(
            supervisor=assignment.supervisor, year=today.year, month=today.month, text="总结", submit=True
        )


@pytest.mark.parametrize(
    "role, url, queries",
    [
        # session, user, count, page, supervisors
        ("admin_a", VISITS, 5),
        ("sup_a1", VISITS, 5),
        ("school_user_a1", VISITS, 5),
        ("province_viewer", VISITS, 5),
        # session, user, count, page, re-checks
        ("admin_a", PROBLEMS, 5),
        ("school_user_a1", PROBLEMS, 5),
        # session, user, count, page, months
        ("admin_a", PLANS, 5),
        ("city_viewer", PLANS, 5),
        ("sup_a1", PLANS, 5),
        # session, user, count, page, items
        ("admin_a", TEMPLATES, 5),
        # session, user, count, page
        ("admin_a", SUMMARIES, 4),
    ],
)
def test_list_endpoints_run_the_same_number_of_queries_for_more_data(
    world, loop, role, url, queries, django_assert_num_queries
):
    if url == SUMMARIES:
        save_summary(world, timezone.localdate(), submit=True)
    assert_list_queries(
        api_as(world, role), url, queries=queries, world=world, django_assert_num_queries=django_assert_num_queries,
        grow=grow_loop,
    )


def test_coverage_runs_the_same_number_of_queries_for_more_schools(world, loop, django_assert_num_queries):
    client = api_as(world, "province_viewer")
    # session, user, the user's offices and zones (RosterScope.of), then coverage_for_month's four
    with django_assert_num_queries(8):
        small = client.get(COVERAGE).json()
    grow_loop(world)
    with django_assert_num_queries(8):
        large = client.get(COVERAGE).json()
    assert large["total"] > small["total"] and large["visited"] > small["visited"]


# --- OpenAPI -----------------------------------------------------------------------------------------


def test_the_schema_describes_the_monthly_loop(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    paths = response.json()["paths"]
    assert "patch" in paths["/api/v1/plans/{id}/months/{month}/"]
    assert "multipart/form-data" in paths["/api/v1/visits/{id}/answers/{answer_id}/photos/"]["post"]["requestBody"]["content"]
    assert "requestBody" in paths["/api/v1/visits/{id}/reopen/"]["post"]
    assert {"patch", "delete"} <= set(paths["/api/v1/checklist-templates/{id}/items/{item_id}/"])
    coverage = paths["/api/v1/coverage/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert coverage == {"$ref": "#/components/schemas/Coverage"}

