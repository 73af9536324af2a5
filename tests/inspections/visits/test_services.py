"""The monthly loop's rules, at the service layer."""
import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from inspections.coverage import selectors as coverage_selectors
from inspections.visits import selectors as visit_selectors
from inspections.visits import services as visit_services
from inspections.plans import services as plan_services
from inspections.tickets import services as ticket_services
from inspections.coverage import services as coverage_services
from inspections.models.choices import ChecklistStatus, Conclusion, ItemSource, RecheckResult
from inspections.models import ChecklistAnswer, Plan, Problem

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


def start(world, who="sup_a1", school="a1", date=None, **kwargs):
    return visit_services.visit_start(
        user=world[who].user, school=world["schools"][school], date=date or timezone.localdate(),
        methods=kwargs.pop("methods", ["campus_walk"]), **kwargs,
    )


def answer_all(visit, conclusion=Conclusion.OK):
    for answer in visit.checklist.answers.all():
        visit_services.answer_save(answer=answer, user=visit.created_by.user, conclusion=conclusion)


def test_a_school_checklist_has_the_eight_standing_items_and_a_kindergarten_six(world):
    school_visit = start(world)
    assert [a.title for a in school_visit.checklist.answers.all()][:2] == ["校务管理和制度执行", "招生、收费、择校"]
    assert school_visit.checklist.answers.count() == 8
    from supervision.services import zone_assign_schools

    zone_assign_schools(zone=world["zone_a1"], schools=[world["schools"]["a4"]])
    kg_visit = start(world, school="a4")
    assert kg_visit.checklist.answers.count() == 6
    assert kg_visit.checklist.answers.first().title == "依法办园与园务管理"


def test_this_months_focus_is_preselected_and_monthly_topics_appended(world, today):
    plan = plan_services.plan_create(office=world["county_a"], year=today.year)
    plan.monthly_topics = "新冠病毒感染防控\n“双减”工作落实"
    plan.save()
    month = plan.months.get(month=today.month)
    plan_services.plan_month_save(
        plan_month=month, school_focus="校园安全", kindergarten_focus="", other_tasks="",
        school_item_codes=["S6", "S7"], kindergarten_item_codes=[],
    )
    visit = start(world)
    answers = list(visit.checklist.answers.all())
    assert {a.code for a in answers if a.is_focus and a.source == ItemSource.STANDING} == {"S6", "S7"}
    assert [a.title for a in answers if a.source == ItemSource.MONTHLY] == ["新冠病毒感染防控", "“双减”工作落实"]
    assert visit.checklist.plan_month == month


def test_a_visit_dated_in_the_future_is_refused(world, today):
    with pytest.raises(ValidationError, match="督导日期不能晚于今天"):
        start(world, date=today + dt.timedelta(days=1))


def test_a_supervisor_cannot_post_to_a_school_outside_their_zones(world):
    with pytest.raises(ValidationError, match="不在您的责任区内"):
        start(world, school="a3")
    with pytest.raises(ValidationError, match="不在您的责任区内"):
        start(world, school="b1")


def test_submit_refuses_unanswered_items_and_names_them(world):
    visit = start(world)
    first = visit.checklist.answers.first()
    visit_services.answer_save(answer=first, user=world["sup_a1"].user, conclusion=Conclusion.OK, notes="制度齐全")
    with pytest.raises(ValidationError) as exc:
        visit_services.checklist_submit(checklist=visit.checklist, user=world["sup_a1"].user)
    assert "招生、收费、择校" in str(exc.value)
    first.refresh_from_db()
    assert first.notes == "制度齐全" and visit.checklist.status == ChecklistStatus.DRAFT


def test_a_problem_item_needs_a_problem_record_before_submit(world):
    visit = start(world)
    answer_all(visit)
    item = visit.checklist.answers.get(code="S7")
    visit_services.answer_save(answer=item, user=world["sup_a1"].user, conclusion=Conclusion.PROBLEM)
    with pytest.raises(ValidationError, match="未记录问题"):
        visit_services.checklist_submit(checklist=visit.checklist, user=world["sup_a1"].user)
    problem = visit_services.problem_add(
        answer=item, user=world["sup_a1"].user, description="食堂留样记录不全", opinion="建立留样台账", severity="major"
    )
    from dateutil.relativedelta import relativedelta

    assert problem.deadline == visit.date + relativedelta(months=1)  # 限期整改: a month by default
    assert problem.item_title == "食品、饮水卫生及食堂宿舍"
    visit_services.checklist_submit(checklist=visit.checklist, user=world["sup_a1"].user)
    visit.checklist.refresh_from_db()
    assert visit.checklist.status == ChecklistStatus.SUBMITTED


def test_recording_a_problem_marks_the_item_as_problem_found(world):
    visit = start(world)
    item = visit.checklist.answers.get(code="S6")
    visit_services.problem_add(answer=item, user=world["sup_a1"].user, description="门卫未登记", opinion="落实来访登记")
    item.refresh_from_db()
    assert item.conclusion == Conclusion.PROBLEM
    with pytest.raises(ValidationError, match="请先删除问题"):
        visit_services.answer_save(answer=item, user=world["sup_a1"].user, conclusion=Conclusion.OK)


def test_a_problem_without_opinion_or_with_a_past_deadline_is_refused(world):
    visit = start(world)
    item = visit.checklist.answers.get(code="S6")
    with pytest.raises(ValidationError) as exc:
        visit_services.problem_add(answer=item, user=world["sup_a1"].user, description="门卫未登记", opinion=" ",
                             deadline=visit.date)
    assert "请填写整改意见" in str(exc.value) and "整改期限应晚于督导日期" in str(exc.value)
    assert not Problem.objects.exists()


def test_submit_locks_and_reopen_needs_a_reason_that_is_kept(world):
    visit = start(world)
    answer_all(visit)
    user = world["sup_a1"].user
    visit_services.checklist_submit(checklist=visit.checklist, user=user)
    with pytest.raises(ValidationError, match="已提交并锁定"):
        visit_services.answer_save(answer=visit.checklist.answers.first(), user=user, notes="改")
    with pytest.raises(ValidationError, match="必须填写原因"):
        visit_services.checklist_reopen(checklist=visit.checklist, user=user, reason="  ")
    visit_services.checklist_reopen(checklist=visit.checklist, user=user, reason="补充食堂检查照片")
    visit.checklist.refresh_from_db()
    assert visit.checklist.status == ChecklistStatus.DRAFT
    assert visit.checklist.reopenings.get().reason == "补充食堂检查照片"


def test_only_supervisors_present_may_fill_the_checklist(world):
    visit = start(world)
    with pytest.raises(ValidationError, match="只有参加本次督导的督学"):
        visit_services.answer_save(answer=visit.checklist.answers.first(), user=world["sup_a2"].user, conclusion="ok")


def test_submitted_wording_survives_a_template_change(world):
    visit = start(world)
    template = visit.checklist.template
    item = template.items.get(code="S1")
    plan_services.template_item_save(template=template, item=item, code="S1", title="依法治校与制度执行")
    template.refresh_from_db()
    assert template.version == visit.checklist.template_version + 1
    assert visit.checklist.answers.get(code="S1").title == "校务管理和制度执行"
    assert start(world).checklist.answers.get(code="S1").title == "依法治校与制度执行"


def _png(size=(2400, 1800)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile("camera.png", buffer.getvalue(), content_type="image/png")


def test_a_photo_is_reencoded_downscaled_and_keeps_the_originals_hash(world):
    import hashlib

    visit = start(world)
    upload = _png()
    digest = hashlib.sha256(upload.read()).hexdigest()
    upload.seek(0)
    photo = visit_services.photo_add(answer=visit.checklist.answers.first(), user=world["sup_a1"].user, upload=upload)
    assert photo.original_sha256 == digest
    with Image.open(photo.image.path) as stored:
        assert stored.format == "JPEG" and max(stored.size) == 1600


def test_a_file_that_is_not_an_image_is_refused(world):
    visit = start(world)
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not really a jpeg", content_type="image/jpeg")
    with pytest.raises(ValidationError, match="不是有效的图片"):
        visit_services.photo_add(answer=visit.checklist.answers.first(), user=world["sup_a1"].user, upload=fake)


def test_last_months_open_problems_come_up_for_recheck_until_rectified(world, today):
    user = world["sup_a1"].user
    earlier = start(world, date=today.replace(day=1) - dt.timedelta(days=1))  # last month (its last day)
    item = earlier.checklist.answers.get(code="S6")
    problem = visit_services.problem_add(answer=item, user=user, description="消防通道堵塞", opinion="立即清理")
    now = start(world)
    assert visit_selectors.problems_to_recheck(visit=now) == [problem]
    ticket_services.recheck_record(problem=problem, user=user, visit=now, result=RecheckResult.NOT_RECTIFIED, notes="仍有杂物")
    assert visit_selectors.problems_to_recheck(visit=now)[0].this_visit[0].result == RecheckResult.NOT_RECTIFIED
    ticket_services.recheck_record(problem=problem, user=user, visit=now, result=RecheckResult.RECTIFIED)
    assert problem.rechecks.count() == 1  # recording again during the same visit updates it
    assert visit_selectors.problems_to_recheck(visit=now) == []


def test_coverage_counts_a_school_only_with_a_submitted_checklist_that_month(world, today):
    draft = start(world, school="a2")
    done = start(world, school="a1")
    answer_all(done)
    visit_services.checklist_submit(checklist=done.checklist, user=world["sup_a1"].user)
    coverage = coverage_selectors.coverage_for_month(
        scope=coverage_selectors.RosterScope(offices=[world["county_a"].pk]), year=today.year, month=today.month, today=today
    )
    by_name = {s.name: s for z in coverage.zones for s in z.schools}
    assert by_name["柳河县第一小学"].visit_count == 1
    assert by_name["柳河县第二中学"].visit_count == 0 and by_name["柳河县第二中学"].draft_count == 1
    assert (coverage.visited, coverage.total) == (1, 4)
    assert draft.checklist.status == ChecklistStatus.DRAFT


def test_a_joint_visit_counts_once_for_the_school_and_once_for_each_supervisor(world, today):
    from supervision.services import zone_set_supervisors

    zone_set_supervisors(zone=world["zone_a1"], supervisors=[world["sup_a1"], world["sup_a2"]], lead=world["sup_a1"])
    visit = start(world, co_supervisors=[world["sup_a2"]])
    answer_all(visit)
    visit_services.checklist_submit(checklist=visit.checklist, user=world["sup_a1"].user)
    for sup in ("sup_a1", "sup_a2"):
        figures = coverage_selectors.monthly_summary_figures(supervisor=world[sup], year=today.year, month=today.month)
        assert figures["visits"] == 1 and figures["schools_covered"] == 1


def test_monthly_summary_freezes_its_figures_on_submit(world, today):
    sup = world["sup_a1"]
    visit = start(world)
    answer_all(visit)
    visit_services.checklist_submit(checklist=visit.checklist, user=sup.user)
    summary = coverage_services.monthly_summary_save(supervisor=sup, year=today.year, month=today.month, text="本月督导一所学校", submit=True)
    assert summary.figures["visits"] == 1
    another = start(world, school="a2")
    answer_all(another)
    visit_services.checklist_submit(checklist=another.checklist, user=sup.user)
    summary.refresh_from_db()
    assert summary.figures["visits"] == 1
    with pytest.raises(ValidationError, match="已提交"):
        coverage_services.monthly_summary_save(supervisor=sup, year=today.year, month=today.month, text="改")


def test_plan_copies_from_the_previous_year(world):
    first = plan_services.plan_create(office=world["county_a"], year=2025)
    first.monthly_topics = "“双减”工作落实"
    first.save()
    plan_services.plan_month_save(
        plan_month=first.months.get(month=3), school_focus="校园安全", kindergarten_focus="依法办园", other_tasks="月例会",
        school_item_codes=["S6"], kindergarten_item_codes=["K1"],
    )
    second = plan_services.plan_create(office=world["county_a"], year=2026)
    march = second.months.get(month=3)
    assert (march.school_focus, march.school_item_codes, second.monthly_topics) == ("校园安全", ["S6"], "“双减”工作落实")
    with pytest.raises(ValidationError, match="已存在"):
        plan_services.plan_create(office=world["county_a"], year=2026)
    assert Plan.objects.count() == 2
    with pytest.raises(ValidationError, match="未知的督导事项编号"):
        plan_services.plan_month_save(plan_month=march, school_focus="", kindergarten_focus="", other_tasks="",
                                 school_item_codes=["S99"], kindergarten_item_codes=[])
    assert ChecklistAnswer.objects.count() == 0


def test_a_tutoring_institution_gets_its_own_checklist_not_the_school_items(world):
    from tests.factories import SchoolFactory

    institution = SchoolFactory(office=world["county_a"], zone=world["zone_a1"], kind="tutoring", name="启航培训学校")
    visit = visit_services.visit_start(user=world["sup_a1"].user, school=institution, date=timezone.localdate(),
                                 methods=["file_review"])
    titles = [a.title for a in visit.checklist.answers.all()]
    assert titles[:2] == ["办学资质与登记", "培训内容与时间"]
    assert "招生、收费、择校" not in titles


def test_an_admin_working_in_english_still_creates_chinese_office_documents(world):
    from django.utils import translation

    with translation.override("en"):
        plan = plan_services.plan_create(office=world["county_a"], year=2031)
        template = plan_services.template_ensure(office=world["county_a"], year=2031, audience="school")
    assert "工作计划" in plan.title
    assert template.title == "2031年中小学校经常性督导清单"
    assert template.items.first().title == "校务管理和制度执行"
