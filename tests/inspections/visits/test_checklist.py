"""The phone checklist page: autosave, problems, re-checks, submit and reopen, through the views."""
import datetime as dt
import io

import pytest
from dateutil.relativedelta import relativedelta
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from inspections.visits import services as visit_services
from inspections.plans import services as plan_services
from inspections.models.choices import ChecklistStatus, Conclusion, RecheckResult
from inspections.models import ChecklistAnswer, ChecklistReopening, Problem, Recheck, Visit

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


# --- Helpers shared with test_visit_views.py --------------------------------------------------------


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def start(world, who="sup_a1", school="a1", date=None, **kwargs):
    kwargs.setdefault("methods", ["campus_walk"])
    return visit_services.visit_start(
        user=world[who].user, school=world["schools"][school], date=date or timezone.localdate(), **kwargs
    )


def answer_all(visit, conclusion=Conclusion.OK):
    for answer in visit.checklist.answers.all():
        visit_services.answer_save(answer=answer, user=visit.created_by.user, conclusion=conclusion)


def submitted(world, **kwargs):
    visit = start(world, **kwargs)
    answer_all(visit)
    visit_services.checklist_submit(checklist=visit.checklist, user=visit.created_by.user)
    return visit


def png_bytes(width=40, height=30, color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, format="PNG")
    return out.getvalue()


def photo_upload(client, visit, answer, content: bytes, name="site.png", **extra):
    return client.post(
        reverse("inspections:photo_upload", args=[visit.pk, answer.pk]),
        {"image": SimpleUploadedFile(name, content, content_type="image/png")}, **extra,
    )


def url(name, visit, *args):
    return reverse(f"inspections:{name}", args=[visit.pk, *args])


@pytest.fixture
def sup(world, client):
    client.force_login(world["sup_a1"].user)
    return client


# --- The page --------------------------------------------------------------------------------------


def test_checklist_page_lists_focus_items_first_then_monthly_topics_then_the_rest(world, sup):
    today = timezone.localdate()
    plan = plan_services.plan_create(office=world["county_a"], year=today.year)
    plan.monthly_topics = "新冠病毒感染防控\n“双减”工作落实"
    plan.save()
    plan_services.plan_month_save(
        plan_month=plan.months.get(month=today.month), school_focus="校园安全与交通安全,食品卫生", kindergarten_focus="",
        other_tasks="", school_item_codes=["S6", "S7"], kindergarten_item_codes=[],
    )
    visit = start(world)
    page = sup.get(url("visit_detail", visit)).content.decode()
    assert "校园安全与交通安全,食品卫生" in page  # the month's focus text at the top
    order = [page.index(t) for t in ("校园及周边安全", "食品、饮水卫生及食堂宿舍", "新冠病毒感染防控", "“双减”工作落实",
                                     "校务管理和制度执行", "校风、教风、学风建设")]
    assert order == sorted(order)
    assert page.count("本月重点") >= 3  # section heading + two badges
    assert "每月必查" in page
    assert "已填 0/10 项" in page
    assert 'capture="environment"' in page and 'accept="image/*"' in page


def test_autosave_of_a_conclusion_answers_with_the_time_and_keeps_the_notes(world, sup):
    visit = start(world)
    answer = visit.checklist.answers.first()
    visit_services.answer_save(answer=answer, user=world["sup_a1"].user, notes="查阅了制度汇编")
    response = sup.post(url("answer_save", visit, answer.pk), {"_fields": "conclusion", "conclusion": "ok"}, **JSON)
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True and len(body["saved_at"]) == 8
    answer.refresh_from_db()
    assert (answer.conclusion, answer.notes) == (Conclusion.OK, "查阅了制度汇编")
    assert body["version"] == int(answer.updated_at.timestamp() * 1000)

    sup.post(url("answer_save", visit, answer.pk), {"_fields": "notes", "notes": "制度齐全,执行到位"}, **JSON)
    answer.refresh_from_db()
    assert (answer.conclusion, answer.notes) == (Conclusion.OK, "制度齐全,执行到位")
    assert "已填 1/8 项" in sup.get(url("visit_detail", visit)).content.decode()


def test_a_plain_post_without_javascript_saves_and_returns_to_the_item(world, sup):
    visit = start(world)
    answer = visit.checklist.answers.last()
    response = sup.post(url("answer_save", visit, answer.pk), {"conclusion": "unchecked", "notes": "本次未涉及"})
    assert response.status_code == 302
    assert response.url.endswith(f"#item-{answer.pk}")
    answer.refresh_from_db()
    assert (answer.conclusion, answer.notes) == (Conclusion.UNCHECKED, "本次未涉及")


def test_header_autosave_changes_only_the_posted_field_and_refuses_leaving_before_arriving(world, sup):
    visit = start(world, arrived_at=dt.time(8, 30))
    response = sup.post(url("visit_header_save", visit), {"_fields": "methods", "methods": ["briefing", "interviews"]}, **JSON)
    assert response.status_code == 200
    visit.refresh_from_db()
    assert visit.methods == ["briefing", "interviews"] and visit.arrived_at == dt.time(8, 30)
    # Unticking every method posts the field with no value: the list empties.
    sup.post(url("visit_header_save", visit), {"_fields": "methods"}, **JSON)
    visit.refresh_from_db()
    assert visit.methods == []
    response = sup.post(url("visit_header_save", visit), {"_fields": "left_at", "left_at": "07:50"}, **JSON)
    assert response.status_code == 400
    assert "离校时间不能早于到校时间" in response.json()["error"]
    visit.refresh_from_db()
    assert visit.left_at is None


def test_the_header_posted_without_javascript_saves_every_field_and_returns_to_the_header(world, sup):
    visit = start(world)
    data = {
        "_fields": ["date", "arrived_at", "left_at", "methods", "co_supervisors"], "date": visit.date.isoformat(),
        "arrived_at": "08:05", "left_at": "10:45", "methods": ["meeting", "class_observation"],
        "co_supervisors": [world["sup_a2"].pk],
    }
    response = sup.post(url("visit_header_save", visit), data)
    assert response.status_code == 302 and response.url.endswith("#visit-header")
    visit.refresh_from_db()
    assert (visit.arrived_at, visit.left_at, visit.methods) == (dt.time(8, 5), dt.time(10, 45), ["meeting", "class_observation"])
    assert set(visit.supervisors.all()) == {world["sup_a1"], world["sup_a2"]}


def test_a_future_date_in_the_header_is_refused(world, sup):
    visit = start(world)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = sup.post(url("visit_header_save", visit), {"_fields": "date", "date": tomorrow.isoformat()}, **JSON)
    assert response.status_code == 400
    assert "督导日期不能晚于今天" in response.json()["error"]


# --- Problems -------------------------------------------------------------------------------------


def test_recording_a_problem_marks_the_item_problem_found_with_a_month_to_rectify(world, sup):
    visit = start(world)
    answer = visit.checklist.answers.get(code="S7")
    response = sup.post(
        url("problem_add", visit, answer.pk),
        {"description": "食堂留样记录不全", "opinion": "完善留样制度,专人负责", "severity": "major", "deadline": ""}, **JSON,
    )
    assert response.status_code == 200
    assert "食堂留样记录不全" in response.json()["html"]
    answer.refresh_from_db()
    assert answer.conclusion == Conclusion.PROBLEM
    problem = Problem.objects.get(answer=answer)
    assert problem.deadline == visit.date + relativedelta(months=1)
    assert (problem.school, problem.item_title, problem.opinion) == (visit.school, "食品、饮水卫生及食堂宿舍", "完善留样制度,专人负责")
    page = sup.get(url("visit_detail", visit)).content.decode()
    assert "食堂留样记录不全" in page and "完善留样制度,专人负责" in page


def test_a_problem_without_description_is_refused_and_what_was_typed_is_kept(world, sup):
    visit = start(world)
    answer = visit.checklist.answers.get(code="S6")
    response = sup.post(url("problem_add", visit, answer.pk), {"description": " ", "opinion": "加装护栏", "severity": "minor"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "请填写问题描述" in page and "加装护栏" in page
    assert not Problem.objects.exists()
    json = sup.post(url("problem_add", visit, answer.pk), {"description": "护栏松动", "opinion": ""}, **JSON)
    assert json.status_code == 400 and json.json()["errors"]["opinion"] == ["请填写整改意见。"]


def test_an_item_with_problems_cannot_be_switched_to_no_problem(world, sup):
    visit = start(world)
    answer = visit.checklist.answers.get(code="S6")
    visit_services.problem_add(answer=answer, user=world["sup_a1"].user, description="消防通道堵塞", opinion="立即清理")
    response = sup.post(url("answer_save", visit, answer.pk), {"_fields": "conclusion", "conclusion": "ok"}, **JSON)
    assert response.status_code == 400
    assert response.json()["current"] == {"conclusion": "problem"}
    assert "请先删除问题" in response.json()["error"]
    problem = Problem.objects.get()
    response = sup.post(url("problem_delete", visit, problem.pk), **JSON)
    assert response.status_code == 200 and "消防通道堵塞" not in response.json()["html"]
    assert not Problem.objects.exists()


# --- Submit, lock, reopen ------------------------------------------------------------------------


def test_an_unanswered_item_blocks_submit_and_is_named_with_the_draft_intact(world, sup):
    visit = start(world)
    answer_all(visit)
    last = visit.checklist.answers.get(code="S8")
    visit_services.answer_save(answer=last, user=world["sup_a1"].user, conclusion="", notes="只看了一半")
    response = sup.post(url("checklist_submit", visit))
    assert response.status_code == 400
    page = response.content.decode()
    assert "以下事项尚未填写结论:校风、教风、学风建设" in page
    assert "只看了一半" in page  # the draft is shown again, as it was
    visit.checklist.refresh_from_db()
    assert visit.checklist.status == ChecklistStatus.DRAFT
    assert ChecklistAnswer.objects.filter(checklist=visit.checklist, conclusion=Conclusion.OK).count() == 7


def test_problem_found_without_a_problem_recorded_and_no_method_block_submit(world, sup):
    visit = start(world, methods=[])
    answer_all(visit)
    answer = visit.checklist.answers.get(code="S3")
    visit_services.answer_save(answer=answer, user=world["sup_a1"].user, conclusion=Conclusion.PROBLEM)
    page = sup.post(url("checklist_submit", visit)).content.decode()
    assert "以下事项标记为“发现问题”但未记录问题:课程开设和课堂教学" in page
    assert "请至少选择一种督导方式" in page


def test_submit_locks_the_checklist_and_a_later_autosave_is_refused_with_the_lock_message(world, sup):
    visit = start(world)
    answer_all(visit)
    response = sup.post(url("checklist_submit", visit))
    assert response.status_code == 302
    visit.checklist.refresh_from_db()
    assert visit.checklist.status == ChecklistStatus.SUBMITTED and visit.checklist.submitted_by == world["sup_a1"].user
    answer = visit.checklist.answers.first()
    late = sup.post(url("answer_save", visit, answer.pk), {"_fields": "notes", "notes": "迟到的修改"}, **JSON)
    assert late.status_code == 409
    assert "清单已提交并锁定" in late.json()["error"]
    answer.refresh_from_db()
    assert answer.notes == ""
    assert sup.post(url("visit_header_save", visit), {"_fields": "summary", "summary": "x"}, **JSON).status_code == 409
    # The page is now read-only: no autosave forms, a reopen button.
    page = sup.get(url("visit_detail", visit)).content.decode()
    assert "data-autosave" not in page and "重新打开清单" in page and "已提交" in page


def test_reopening_needs_a_reason_and_the_reason_is_recorded_and_shown(world, sup):
    visit = submitted(world)
    response = sup.post(url("checklist_reopen", visit), {"reason": "  "})
    assert response.status_code == 400
    assert "重新打开清单必须填写原因" in response.content.decode()
    visit.checklist.refresh_from_db()
    assert visit.checklist.is_locked
    response = sup.post(url("checklist_reopen", visit), {"reason": "漏记食堂问题,需补充"})
    assert response.status_code == 302
    visit.checklist.refresh_from_db()
    assert visit.checklist.status == ChecklistStatus.DRAFT
    reopening = ChecklistReopening.objects.get()
    assert (reopening.reason, reopening.by) == ("漏记食堂问题,需补充", world["sup_a1"].user)
    page = sup.get(url("visit_detail", visit)).content.decode()
    assert "漏记食堂问题,需补充" in page and "data-autosave" in page


def test_a_director_reads_the_checklist_but_cannot_reopen_it(world, client):
    visit = submitted(world)
    client.force_login(world["director_a"])
    page = client.get(url("visit_detail", visit)).content.decode()
    assert "data-autosave" not in page and "重新打开清单" not in page and "校务管理和制度执行" in page
    response = client.post(url("checklist_reopen", visit), {"reason": "想改"})
    assert response.status_code == 400 and "您无权重新打开该清单" in response.content.decode()
    # An office admin may reopen.
    client.force_login(world["admin_a"])
    assert "重新打开清单" in client.get(url("visit_detail", visit)).content.decode()
    assert client.post(url("checklist_reopen", visit), {"reason": "学校申诉,核实后修改"}).status_code == 302


def test_a_template_wording_change_after_submit_leaves_the_submitted_checklist_unchanged(world, sup):
    visit = submitted(world)
    item = visit.checklist.template.items.get(code="S1")
    plan_services.template_item_save(template=item.template, item=item, code="S1", title="依法治校与内部管理")
    page = sup.get(url("visit_detail", visit)).content.decode()
    assert "校务管理和制度执行" in page and "依法治校与内部管理" not in page
    assert f"v{visit.checklist.template_version}" in page
    later = start(world, school="a2")
    assert "依法治校与内部管理" in sup.get(url("visit_detail", later)).content.decode()


def test_the_creator_discards_a_draft_but_a_co_supervisor_cannot(world, client):
    visit = start(world, co_supervisors=[world["sup_a2"]])
    client.force_login(world["sup_a2"].user)
    assert "删除本次督导草稿" not in client.get(url("visit_detail", visit)).content.decode()
    client.post(url("visit_discard", visit))
    assert Visit.objects.filter(pk=visit.pk).exists()
    client.force_login(world["sup_a1"].user)
    response = client.post(url("visit_discard", visit))
    assert response.status_code == 302
    assert not Visit.objects.filter(pk=visit.pk).exists()


# --- Re-checks ------------------------------------------------------------------------------------


def test_last_months_problems_are_listed_for_recheck_and_the_result_is_recorded(world, sup):
    today = timezone.localdate()
    earlier = start(world, date=today - relativedelta(months=1))
    answer = earlier.checklist.answers.get(code="S6")
    problem = visit_services.problem_add(answer=answer, user=world["sup_a1"].user, description="围墙破损", opinion="修缮围墙")
    visit = start(world)
    page = sup.get(url("visit_detail", visit)).content.decode()
    assert "复查上月问题" in page and "围墙破损" in page and "修缮围墙" in page
    response = sup.post(url("recheck_save", visit, problem.pk), {"result": "rectified", "notes": "已修缮完毕"}, **JSON)
    assert response.status_code == 200
    recheck = Recheck.objects.get()
    assert (recheck.visit, recheck.result, recheck.notes, recheck.date) == (visit, RecheckResult.RECTIFIED, "已修缮完毕", today)
    # Still listed on this visit's page, with the result chosen, so it can be changed.
    page = sup.get(url("visit_detail", visit)).content.decode()
    assert "围墙破损" in page and "已修缮完毕" in page
    sup.post(url("recheck_save", visit, problem.pk), {"result": "not_rectified", "notes": "仍有缺口"}, **JSON)
    assert Recheck.objects.get().result == RecheckResult.NOT_RECTIFIED
    # A result is required.
    response = sup.post(url("recheck_save", visit, problem.pk), {"notes": "只写了情况"}, **JSON)
    assert response.status_code == 400 and "请选择复查结果" in response.json()["error"]


# --- Queries --------------------------------------------------------------------------------------


def _with_history(world, school, problems):
    """A draft visit to ``school`` with ``problems`` earlier problems to re-check and one reopening."""
    today, user = timezone.localdate(), world["sup_a1"].user
    earlier = start(world, school=school, date=today - relativedelta(months=1))
    for answer in list(earlier.checklist.answers.all())[:problems]:
        visit_services.problem_add(answer=answer, user=user, description="旧问题", opinion="整改")
    visit = start(world, school=school)
    answer_all(visit, Conclusion.UNCHECKED)
    visit_services.checklist_submit(checklist=visit.checklist, user=user)
    visit_services.checklist_reopen(checklist=visit.checklist, user=user, reason="补充照片")
    return visit


def test_the_checklist_page_runs_the_same_number_of_queries_for_more_items_photos_and_problems(
    world, sup, django_assert_num_queries
):
    small = _with_history(world, "a1", problems=1)
    with CaptureQueriesContext(connection) as small_ctx:
        assert sup.get(url("visit_detail", small)).status_code == 200
    # The larger one: the plan adds three monthly topics, and four items get two photos and a problem each.
    plan = plan_services.plan_create(office=world["county_a"], year=timezone.localdate().year)
    plan.monthly_topics = "疫情防控\n双减\n校园欺凌防治"
    plan.save()
    big = _with_history(world, "a2", problems=3)
    user = world["sup_a1"].user
    assert big.checklist.answers.count() == 11
    for n, answer in enumerate(big.checklist.answers.all()[:4]):
        for m in range(2):
            upload = SimpleUploadedFile(f"{n}{m}.png", png_bytes(color=(n, m, 9)))
            visit_services.photo_add(answer=answer, user=user, upload=upload)
        visit_services.problem_add(answer=answer, user=user, description=f"问题{n}", opinion="整改")
    with django_assert_num_queries(len(small_ctx.captured_queries)):
        response = sup.get(url("visit_detail", big))
    page = response.content.decode()
    assert page.count('data-testid="photo"') == 8
    assert page.count('data-testid="recheck"') == 3
    assert page.count('data-testid="problem"') == 4
