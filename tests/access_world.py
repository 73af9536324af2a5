"""Two counties full of real records, built through the services, for the access-control matrix
(tests/test_access_matrix.py): every kind of object a page, a download or the API can be asked
for by id, once in county A and once in county B, and a login per role in each county.

Each county's records are made at one school (a1 / b1) of one zone (A1 / B1) by that zone's lead
supervisor, so "who owns it" is always: that county, that zone, that school."""
from __future__ import annotations

import datetime as dt

from django.utils import timezone

from inspections.campaigns import services as campaign_services
from inspections.campaigns.choices import CampaignTopic, SchoolSelection
from inspections.cases.models import CaseAttachment
from inspections.coverage import services as coverage_services
from inspections.escalations import services as escalation_services
from inspections.evaluations import services as evaluation_services
from inspections.evaluations.choices import SchemeKind
from inspections.models import Escalation, Evidence, Notification, RecheckPhoto, Ticket
from inspections.models.choices import Conclusion, RecheckResult
from inspections.plans import services as plan_services
from inspections.tickets import services as ticket_services
from inspections.visits import services as visit_services
from reports import submissions
from reports.annual import services as annual_services
from reports.choices import JobKind
from reports.monthly import services as monthly_services
from reports.services import job_start
from supervision.accounts.services import token_create
from supervision.choices import Role
from tests import factories as f
from tests.inspections.cases.factories import case_made
from tests.inspections.complaints.factories import complaint_made
from tests.inspections.evidence_files import image_bytes, pdf_bytes, upload
from tests.inspections.surveys.factories import survey_published

# The text every record of a county carries, so a list page can be searched for the other county's.
MARKS = {"a": "柳河", "b": "辉南"}


def png(name="照片.png"):
    return upload(name, image_bytes(), "image/png")


def people(world) -> dict[str, object]:
    """A login per role and county, on top of the ``world`` fixture's (see tests/conftest.py)."""
    county_a, county_b = world["county_a"], world["county_b"]
    return {
        "admin_a": world["admin_a"],
        "director_a": world["director_a"],
        "auditor_a": f.office_user(Role.AUDITOR, county_a, username="auditor_a"),
        "sup_a1": world["sup_a1"].user,
        "sup_a2": world["sup_a2"].user,  # same county, the other zone
        "school_a1": world["school_user_a1"],
        "school_a3": f.school_user(world["schools"]["a3"], username="school_a3"),  # same county, another school
        "admin_b": world["admin_b"],
        "director_b": f.office_user(Role.DIRECTOR, county_b, username="director_b"),
        "auditor_b": f.office_user(Role.AUDITOR, county_b, username="auditor_b"),
        "sup_b1": world["sup_b1"].user,
        "school_b1": f.school_user(world["schools"]["b1"], username="school_b1"),
        "city_viewer": world["city_viewer"],
        "province_viewer": world["province_viewer"],
    }


def county_records(world, who: dict, key: str, django_capture_on_commit_callbacks) -> dict[str, object]:
    """Every kind of record of county ``key`` ("a" or "b"), each made the way its users make it."""
    office, zone, school = world[f"county_{key}"], world[f"zone_{key}1"], world["schools"][f"{key}1"]
    supervisor, admin, director = world[f"sup_{key}1"], who[f"admin_{key}"], who[f"director_{key}"]
    school_user, sup = who[f"school_{key}1"], supervisor.user
    mark = MARKS[key]
    today = timezone.localdate()
    last_month = (today.replace(day=1) - dt.timedelta(days=1))
    year = today.year

    plan = plan_services.plan_create(office=office, year=year)
    template = plan_services.template_ensure(office=office, year=year, audience="school")
    template_item = template.items.order_by("position").first()

    # The monthly visit: three problems (three tickets), a photo, then submitted.
    visit = visit_services.visit_start(user=sup, school=school, date=today, methods=["campus_walk"])
    answers = list(visit.checklist.answers.order_by("pk"))
    problems = [
        visit_services.problem_add(answer=answers[n], user=sup, description=f"{mark}问题{n}", opinion="限期整改")
        for n in range(3)
    ]
    photo = visit_services.photo_add(answer=answers[3], user=sup, upload=png())
    for answer in answers[3:]:
        visit_services.answer_save(answer=answer, user=sup, conclusion=Conclusion.OK)
    visit_services.checklist_submit(checklist=visit.checklist, user=sup)
    tickets = [Ticket.objects.get(problem=p) for p in problems]

    # A draft visit the supervisor is still filling in (the checklist's write routes reach it).
    draft = visit_services.visit_start(user=sup, school=school, date=today, methods=["campus_walk"])
    draft_answer = draft.checklist.answers.order_by("pk").first()
    draft_problem = visit_services.problem_add(answer=draft_answer, user=sup, description=f"{mark}草稿问题", opinion="整改")
    draft_photo = visit_services.photo_add(answer=draft_answer, user=sup, upload=png())

    # Ticket 1: the school's report with evidence and an extension request.
    ticket_services.ticket_report_save(ticket=tickets[0], actor=school_user, text=f"{mark}已整改。",
                                       uploads=[upload("整改报告.pdf", pdf_bytes(), "application/pdf")])
    evidence = Evidence.objects.get(report__ticket=tickets[0])
    extension = ticket_services.extension_request(ticket=Ticket.objects.get(pk=tickets[0].pk), actor=school_user,
                                                  requested_deadline=today + dt.timedelta(days=60), reason="施工")
    # Ticket 2: re-checked with a photo, not yet rectified.
    ticket_services.ticket_recheck(ticket=tickets[1], actor=sup, result=RecheckResult.NOT_RECTIFIED, notes="仍未整改",
                                   photos=[png()])
    recheck_photo = RecheckPhoto.objects.get(recheck__problem=problems[1])
    # ... then the school reports and submits: its evidence is everyone's who sees the ticket (ticket 1's
    # is still a draft, the school's alone).
    ticket_services.ticket_report_save(ticket=Ticket.objects.get(pk=tickets[1].pk), actor=school_user,
                                       text=f"{mark}已重新整改。", submit=True,
                                       uploads=[upload("整改照片.pdf", pdf_bytes(), "application/pdf")])
    submitted_evidence = Evidence.objects.get(report__ticket=tickets[1])
    # Ticket 3: overdue; the ladder proposes 督办 and the director confirms it.
    Ticket.objects.filter(pk=tickets[2].pk).update(deadline=today - dt.timedelta(days=10))
    escalation_services.rectification_daily_check(today=today)
    escalation = Escalation.objects.get(ticket=tickets[2])
    escalation = escalation_services.escalation_confirm(escalation=escalation, actor=director)

    complaint = complaint_made(school=school, text=f"{mark}的学校要求每名学生交300元资料费。", photo=png())
    case = case_made(author=sup, status="submitted", title=f"{mark}课后服务案例", school=school,
                     uploads=[upload("附件.pdf", pdf_bytes(), "application/pdf")])
    attachment = CaseAttachment.objects.get(case=case)
    survey = survey_published(office=office, schools=[school], title=f"{mark}家长满意度调查")
    link = survey.links.get(school=school)
    question = survey.questions.order_by("order").first()

    campaign = campaign_services.campaign_create(
        office=office, actor=admin, topic=CampaignTopic.SHUANGJIAN, title=f"{mark}专项督导",
        start=today - dt.timedelta(days=3), end=today + dt.timedelta(days=10), leader=supervisor, team=[supervisor],
        selection=SchoolSelection.CHOSEN, schools=[school],
    )
    campaign_item = campaign.items.order_by("position").first()
    special = campaign_services.campaign_visit_start(campaign=campaign, user=sup, school=school, date=today,
                                                     methods=["campus_walk"])

    scheme = evaluation_services.scheme_create(office=office, year=year, kind=SchemeKind.TARGET, name=f"{mark}目标考核")
    indicator = scheme.indicators.order_by("pk").first()
    rnd = evaluation_services.round_create(scheme=scheme, name=f"{mark}{year}年目标考核", schools=[school])
    entry = rnd.entries.get(school=school)

    summary = coverage_services.monthly_summary_save(supervisor=supervisor, year=last_month.year,
                                                     month=last_month.month, text=f"{mark}月总结", submit=True)
    monthly = monthly_services.zone_monthly_report_build(zone=zone, year=last_month.year, month=last_month.month)
    annual = annual_services.annual_summary_save(office=office, year=year - 1, zone=None, user=admin)
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(kind=JobKind.PLAQUES, office=office, params={}, user=admin)
        submission = submissions.submission_start(
            office=office, params={"period": "year", "year": year - 1, "month": None}, user=admin
        )
    notification = Notification.objects.filter(user=school_user).order_by("pk").first()
    # The account the admin's user routes act on (reset, revoke, deactivate): nobody the matrix logs in as.
    spare = f.school_user(school, username=f"spare_{key}")
    token, _key = token_create(owner=spare, name="matrix")
    job.refresh_from_db()

    return {
        "office": office, "zone": zone, "school": school, "supervisor": supervisor, "user": spare, "token": token,
        "plan": plan, "template": template, "template_item": template_item,
        "visit": visit, "answer": answers[0], "photo": photo, "problem": problems[0],
        "draft": draft, "draft_answer": draft_answer, "draft_problem": draft_problem, "draft_photo": draft_photo,
        "ticket": tickets[0], "evidence": evidence, "submitted_evidence": submitted_evidence, "extension": extension, "recheck_photo": recheck_photo,
        "escalation": escalation, "complaint": complaint, "case": case, "attachment": attachment,
        "survey": survey, "link": link, "question": question,
        "campaign": campaign, "campaign_item": campaign_item, "special": special,
        "scheme": scheme, "indicator": indicator, "round": rnd, "entry": entry,
        "summary": summary, "monthly": monthly, "annual": annual, "job": job, "submission": submission,
        "notification": notification, "year": year, "month": last_month.month, "month_year": last_month.year,
    }

