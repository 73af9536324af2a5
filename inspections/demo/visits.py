"""Two plausible years of the monthly loop for the demo county — the last complete year in full and
this year up to today: visits with submitted checklists on the roster of their day, problems with
rectification opinions, next-month re-checks (so tickets close on time, late, or stay open past their
deadline), supervisors' monthly summaries submitted on their real days, and this month part-done with
a few drafts. Deterministic (seeded), built through the services, and skipped when the office
already has visits (idempotent)."""
from __future__ import annotations

import contextlib
import datetime as dt
import random

from django.db import transaction

from schools.models import SchoolMembership
from supervision.models import Office, ZoneAssignment

from inspections.coverage import selectors as coverage_selectors
from inspections.visits import selectors as visit_selectors
from inspections.visits import services as visit_services
from inspections.coverage import services as coverage_services
from inspections.tickets import services as ticket_services
from inspections.models.choices import Conclusion, RecheckResult, Severity, VisitMethod
from inspections.models import ChecklistAnswer, MonthlySummary, Visit

PROBLEMS = {
    "S1": [("学校规章制度汇编未及时修订,部分制度与实际不符。", "对照章程修订制度汇编,经教代会审议后公示。")],
    "S2": [("招生简章未在校门口公示,学籍异动手续不全。", "规范招生公示,补齐学籍异动审批材料。")],
    "S3": [("推门听课发现个别班级体育课被挤占。", "严格执行课程表,开齐开足体育课,建立课程执行巡查记录。")],
    "S4": [("部分班级作业公示不及时,书面作业时长超标。", "落实作业公示制度,年级组统筹控制作业总量。"),
           ("课后服务签到记录不完整。", "完善课后服务签到与家长反馈台账。")],
    "S5": [("师德师风承诺书签订不全。", "组织全体教师签订承诺书并建立师德档案。")],
    "S6": [("消防通道堆放杂物,应急照明灯损坏。", "立即清理消防通道,更换应急照明灯,建立每日巡查制度。"),
           ("门卫来访登记不规范,外来人员未核验身份。", "落实来访人员核验登记制度,加强门卫培训。")],
    "S7": [("食堂食品留样记录不完整,缺少两餐留样。", "严格执行48小时留样制度,指定专人负责并每日检查。"),
           ("校领导陪餐记录缺失。", "落实校领导陪餐制度,做好陪餐记录。")],
    "S8": [("班级文化建设不足,德育活动记录简单。", "丰富德育主题活动,完善活动记录与总结。")],
    "K1": [("收费项目未在园内醒目位置公示。", "在园门口及家长群公示收费项目与标准。")],
    "K2": [("大班存在提前教授拼音、书写现象。", "立即纠正“小学化”倾向,以游戏为基本活动组织保教。")],
    "K3": [("晨午检记录不连续,消毒记录缺项。", "规范晨午检与消毒记录,保健医每日检查签字。")],
    "K4": [("户外大型玩具螺丝松动,存在安全隐患。", "立即维修加固,建立设施设备周检制度。")],
    "K5": [("个别教师未持证上岗。", "限期取得教师资格证,暂调整至保育辅助岗位。")],
    "K6": [("个别班额超标。", "按标准调整班额,控制新生入园人数。")],
}


def _visit_start(school, supervisor_user, co, date, rng, methods_pool):
    arrived = dt.time(8 + rng.randint(0, 5), rng.choice([0, 15, 30, 45]))
    return visit_services.visit_start(
        user=supervisor_user, school=school, date=date, arrived_at=arrived,
        left_at=dt.time(min(arrived.hour + rng.randint(1, 3), 17), arrived.minute),
        methods=rng.sample(methods_pool, rng.randint(2, 4)), co_supervisors=co,
    )


def _fill_and_submit(visit, user, rng, *, problem_rate: float) -> int:
    """Answer and submit the visit's checklist; returns how many problems it found."""
    answers = list(visit.checklist.answers.all())
    ChecklistAnswer.objects.filter(checklist=visit.checklist).update(conclusion=Conclusion.OK, notes="经查阅档案、实地查看,未发现问题。")
    unchecked, found = [], 0
    for answer in answers:
        if not answer.is_focus and rng.random() < 0.25:
            unchecked.append(answer.pk)
            continue
        options = PROBLEMS.get(answer.code)
        if options and rng.random() < problem_rate:
            description, opinion = rng.choice(options)
            ChecklistAnswer.objects.filter(pk=answer.pk).update(conclusion=Conclusion.PROBLEM, notes=description)
            visit_services.problem_add(
                answer=answer, user=user, description=description, opinion=opinion,
                severity=rng.choices([Severity.MINOR, Severity.MAJOR, Severity.SEVERE], [6, 3, 1])[0],
            )
            found += 1
    ChecklistAnswer.objects.filter(pk__in=unchecked).update(conclusion=Conclusion.UNCHECKED, notes="")
    visit_services.checklist_submit(checklist=visit.checklist, user=user)
    return found


@contextlib.contextmanager
def history_entry_open(office: Office):
    """The demo's months are entered as if each had been entered when it happened: while they are
    built, the office's late-entry window reaches back two years; then it is put back."""
    window = Office.objects.filter(pk=office.pk).values_list("late_entry_months", flat=True).get()
    Office.objects.filter(pk=office.pk).update(late_entry_months=24)
    try:
        yield
    finally:
        Office.objects.filter(pk=office.pk).update(late_entry_months=window)


def demo_months(today: dt.date) -> list[tuple[int, int]]:
    """The demo's months: every month of the last complete year, then this year's up to this one, so
    the demo is as full on 2 January as on 2 December."""
    months = [(today.year - 1, month) for month in range(1, 13)]
    return months + [(today.year, month) for month in range(1, today.month + 1)]


def _visit_day(year: int, month: int, today: dt.date, rng: random.Random) -> dt.date | None:
    """The day of a school's visit that month: the 3rd to the 26th (this month from the 1st, and before
    today: a visit needs the morning); January's after New Year and before the winter holiday (寒假)."""
    first, last = (3, 15) if month == 1 else (3, 26)
    if (year, month) == (today.year, today.month):
        first, last = (first if month == 1 else 1), min(last, today.day - 1)
    if last < first:
        return None
    return dt.date(year, month, rng.randint(first, last))


def _on(periods, day: dt.date):
    """The period of ``periods`` that includes ``day`` (half-open ``[valid_from, valid_to)``)."""
    return [p for p in periods if p.valid_from <= day and (p.valid_to is None or day < p.valid_to)]


@transaction.atomic
def demo_year_build(*, office: Office, today: dt.date) -> int:
    """Build the last complete year and this year up to ``today``; returns how many visits were
    submitted (0 if the office already has visits)."""
    if Visit.objects.filter(office=office).exists():
        return 0
    with history_entry_open(office):
        return _demo_year_build(office=office, today=today)


def _demo_year_build(*, office: Office, today: dt.date) -> int:
    rng = random.Random(office.division_code)
    methods_pool = list(VisitMethod.values)
    # The dated roster: each school's zone and each zone's supervisors on the visit's own day.
    memberships: dict[int, list[SchoolMembership]] = {}
    for m in SchoolMembership.objects.filter(office=office, zone__isnull=False).select_related("school").order_by(
        "school__code", "valid_from"
    ):
        memberships.setdefault(m.school_id, []).append(m)
    assignments: dict[int, list[ZoneAssignment]] = {}
    for a in ZoneAssignment.objects.filter(zone__office=office, supervisor__is_active=True).select_related(
        "supervisor__user"
    ).order_by("valid_from", "pk"):
        assignments.setdefault(a.zone_id, []).append(a)
    created, open_at = 0, set()  # open_at: schools with problems not yet closed
    for year, month in demo_months(today):
        current = (year, month) == (today.year, today.month)
        for periods in memberships.values():
            if month == 1 and rng.random() < 0.4:
                continue  # 期末: not every school is visited before the winter holiday
            if current and rng.random() < 0.4:
                continue  # this month is part-done: some schools are still to visit
            date = _visit_day(year, month, today, rng)
            period = _on(periods, date) if date else []
            if not period:
                continue  # not in the roster that day (not yet added, or already closed)
            school, zone_id = period[0].school, period[0].zone_id
            team = _on(assignments.get(zone_id, []), date)
            lead = next((a.supervisor for a in team if a.is_lead), None)
            if lead is None:
                continue
            co = [a.supervisor for a in team if not a.is_lead and rng.random() < 0.3]
            visit = _visit_start(school, lead.user, co, date, rng, methods_pool)
            # Only a school with problems still open has any to re-check (saves a lookup a visit).
            still_open = False
            for problem in visit_selectors.problems_to_recheck(visit=visit) if school.pk in open_at else ():
                result = RecheckResult.RECTIFIED if rng.random() < 0.8 else RecheckResult.NOT_RECTIFIED
                ticket_services.recheck_record(problem=problem, user=lead.user, visit=visit, result=result,
                                        notes="回访查看,已按要求整改。" if result == RecheckResult.RECTIFIED else "整改尚未到位,继续督促。")
                still_open = still_open or result == RecheckResult.NOT_RECTIFIED
            if current and rng.random() < 0.15:
                continue  # left as a draft in progress (its re-checks not applied: the school stays in open_at)
            if _fill_and_submit(visit, lead.user, rng, problem_rate=0.12) or still_open:
                open_at.add(school.pk)
            else:
                open_at.discard(school.pk)
            created += 1
    _date_ticket_history(office)
    _monthly_summaries_build(office=office, today=today, rng=rng)
    return created


def _monthly_summaries_build(*, office: Office, today: dt.date, rng: random.Random) -> None:
    """Each lead's 月总结报告 of every month that is over, submitted on its real day (the 25th–28th)."""
    leads = {
        a.supervisor_id: a.supervisor
        for a in ZoneAssignment.objects.filter(zone__office=office, is_lead=True, supervisor__is_active=True)
        .select_related("supervisor__user")
    }
    done = set(MonthlySummary.objects.filter(supervisor__in=leads).values_list("supervisor_id", "year", "month"))
    for year, month in demo_months(today)[:-1]:
        for supervisor in leads.values():
            if (supervisor.pk, year, month) in done:
                continue
            figures = coverage_selectors.monthly_summary_figures(supervisor=supervisor, year=year, month=month)
            if not figures["visits"]:
                continue  # nothing to sum up that month
            text = (
                f"本月按计划完成责任区学校入校督导{figures['visits']}次,覆盖学校{figures['schools_covered']}所,"
                f"发现问题{figures['problems_found']}个,已提出整改意见并限期整改;复查上月问题{figures['rechecks_done']}个。"
            )
            submitted_on = dt.date(year, month, rng.choice([25, 26, 27, 27, 28]))
            coverage_services.monthly_summary_save(supervisor=supervisor, year=year, month=month, text=text, submit=True,
                                          submitted_on=submitted_on)


def _date_ticket_history(office: Office) -> None:
    """The services stamp a ticket's history with the moment they run; the demo year happened over
    months. Date each ticket's opening on the visit that found the problem and each later event on the
    visit whose re-check caused it, so reports and dashboards read the demo as a real year (problems
    closed on time or late, statuses as at a month's end)."""
    from django.utils import timezone

    from inspections.models.choices import TicketAction
    from inspections.models import Recheck, Ticket, TicketEvent

    def at(day: dt.date, hour: int) -> dt.datetime:
        return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))

    rechecks: dict[int, list[dt.date]] = {}
    for problem_id, day in (
        Recheck.objects.filter(problem__office=office, visit__isnull=False).order_by("date", "pk").values_list("problem_id", "date")
    ):
        rechecks.setdefault(problem_id, []).append(day)
    events_of: dict[int, list[TicketEvent]] = {}
    for event in TicketEvent.objects.filter(ticket__office=office).order_by("pk"):
        events_of.setdefault(event.ticket_id, []).append(event)
    changed, closed = [], []
    for ticket in Ticket.objects.filter(office=office).select_related("problem"):
        events = events_of.get(ticket.pk, [])
        days = rechecks.get(ticket.problem_id, [])
        later = [e for e in events if e.action != TicketAction.CREATED]
        for event in events:
            if event.action == TicketAction.CREATED:
                event.at = at(ticket.problem.found_on, 11)
        for n, event in enumerate(later):
            if days:
                event.at = at(days[min(n, len(days) - 1)], 15)
        changed += events
        if ticket.closed_at and days:
            ticket.closed_at = at(days[-1], 15)
            closed.append(ticket)
    TicketEvent.objects.bulk_update(changed, ["at"], batch_size=500)
    Ticket.objects.bulk_update(closed, ["closed_at"], batch_size=500)


def _demo_photo(text_seed: int):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 480), (236, 240, 244))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 600, 440), outline=(60, 120, 200), width=6)
    draw.line((40, 40 + text_seed % 300, 600, 440 - text_seed % 300), fill=(60, 160, 90), width=8)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile(f"整改照片{text_seed}.png", buffer.getvalue(), content_type="image/png")


def _demo_visit_with_problems(school, date, rng) -> None:
    """A recent visit to a demo school that found three problems, so its workspace has work to do."""
    lead = ZoneAssignment.objects.current().filter(zone=school.current_zone, is_lead=True).select_related(
        "supervisor__user"
    ).first()
    visit = visit_services.visit_start(user=lead.supervisor.user, school=school, date=date, methods=["campus_walk", "file_review"])
    ChecklistAnswer.objects.filter(checklist=visit.checklist).update(conclusion=Conclusion.OK, notes="未发现问题。")
    answers = [a for a in visit.checklist.answers.all() if a.code in PROBLEMS][:3]
    for answer in answers:
        description, opinion = rng.choice(PROBLEMS[answer.code])
        visit_services.problem_add(answer=answer, user=lead.supervisor.user, description=description, opinion=opinion)
    visit_services.checklist_submit(checklist=visit.checklist, user=lead.supervisor.user)


@transaction.atomic
def demo_rectification_build(*, office: Office, today: dt.date) -> int:
    """The demo schools with a login answer their open tickets with a report and a photo, so the
    school workspace, the supervisor's re-check queue and the ledger show every state; then the daily
    check runs once (deadline warnings, overdue notices, escalation proposals for the director)."""
    from django.contrib.auth import get_user_model

    from supervision.access import schools_acted_for_by

    from inspections.models.choices import TicketStatus
    from inspections.escalations.services import rectification_daily_check
    from inspections.models import Ticket, TicketReport
    from inspections.tickets.services import ticket_report_save

    if TicketReport.objects.filter(ticket__office=office).exists():
        return 0
    answered = 0
    rng = random.Random(office.pk)
    for user in get_user_model().objects.filter(groups__name="school_user").order_by("username"):
        for school in schools_acted_for_by(user).filter(office=office).current().with_current_zone():
            if school.current_zone is None:
                continue
            if Ticket.objects.filter(school=school).exclude(status=TicketStatus.CLOSED).count() < 3:
                _demo_visit_with_problems(school, today - dt.timedelta(days=6), rng)
        tickets = Ticket.objects.filter(school__in=schools_acted_for_by(user), office=office).exclude(
            status=TicketStatus.CLOSED
        ).order_by("deadline")
        for n, ticket in enumerate(tickets):
            if n % 3 == 2:
                continue  # some are left for the school to do in the demo
            ticket_report_save(
                ticket=ticket, actor=user, text="已按整改意见完成整改,相关制度已修订并公示,现场已整改到位,附整改照片。",
                uploads=[_demo_photo(ticket.pk)], submit=n % 3 == 0,
            )
            answered += 1
    rectification_daily_check(today=today)
    return answered
