"""Demo data of complaints for `manage.py seed_demo` (idempotent: running the seed twice adds nothing twice).

A dozen complaints of the year across the demo county's schools, in every state; one of them has
the fixed receipt code DEMQ2-34567 so the public status page can be tried."""
from __future__ import annotations

import datetime as dt

from django.utils import timezone

from schools.models import School, SchoolMembership
from supervision import access, clock

from . import services
from .choices import CloseOutcome
from .choices import ComplaintCategory as C
from .choices import ReporterKind as R
from .choices import VerifyMethod as M
from .models import Complaint

DEMO_CODE = "DEMQ234567"

# (days before today, category, reporter, text, contact, outcome) — outcome None: still open;
# "verify": verified, not closed yet.
ITEMS = [
    (320, C.FEES, R.PARENT, "学校要求每名学生交300元“资料费”,没有开收据,也没有说明用途。", ("张女士", "13804350101"), CloseOutcome.TICKET),
    (290, C.PAID_TUTORING, R.PARENT, "班主任周末在家里给本班学生有偿补课,每次每人收费100元。", ("", ""), CloseOutcome.UNFOUNDED),
    (250, C.WORKLOAD, R.PARENT, "三年级每天书面作业要写到晚上十点以后,孩子睡眠不足。", ("李先生", "13904350222"), CloseOutcome.RESOLVED),
    (210, C.CAMPUS_SAFETY, R.TEACHER, "教学楼东侧楼梯扶手松动,课间学生拥挤,存在安全隐患。", ("", ""), CloseOutcome.TICKET),
    (180, C.FOOD_SAFETY, R.PARENT, "食堂午餐有几次饭菜不熟,孩子回家说肚子疼。", ("王女士", "13604350333"), CloseOutcome.RESOLVED),
    (150, C.ENROLMENT, R.PARENT, "一年级新生入学要求家长交“择校费”,否则不给分到好班。", ("", ""), CloseOutcome.UNFOUNDED),
    (120, C.TEACHER_ETHICS, R.STUDENT, "某老师上课时经常讽刺成绩差的同学,大家都很害怕。", ("", ""), CloseOutcome.RESOLVED),
    (90, C.OTHER, R.OTHER, "学校门口早晚接送时段车辆乱停,交通拥堵,没有人疏导。", ("赵先生", "13704350444"), CloseOutcome.UNFOUNDED),
    (45, C.WORKLOAD, R.PARENT, "学校组织周六统一到校上课,说是“自愿”,但不来要写检讨。", ("", ""), "verify"),
    (20, C.FEES, R.PARENT, "学校统一订购校服,价格比市场贵很多,不买不行。", ("陈女士", "13504350555"), "verify"),
    (12, C.CAMPUS_SAFETY, R.PARENT, "放学时校门口没有老师值守,低年级学生自己跑到马路上。", ("", ""), None),
    (2, C.FOOD_SAFETY, R.TEACHER, "食堂后厨的消毒柜坏了两周一直没修,餐具只用清水冲洗。", ("", ""), None),
]
REPLIES = {
    CloseOutcome.RESOLVED: "经核实,情况属实,已督促学校当场改正,并将持续跟踪。感谢您的监督。",
    CloseOutcome.UNFOUNDED: "经责任督学实地核查并访谈师生,未发现所反映的情况。如有新的线索,欢迎继续反映。",
    CloseOutcome.TICKET: "经核实,情况属实,督导室已向学校下达整改通知,限期整改。",
}


def _at(day: dt.date, hour: int) -> dt.datetime:
    """That day at that hour, never later than now (the seed may run in the morning)."""
    return min(timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 15))), clock.now())


def demo_build(*, office, today) -> None:
    """Called by seed_demo with the demo county after its year of visits and tickets is built."""
    if Complaint.objects.filter(office=office, text__in=[item[3] for item in ITEMS]).exists():
        return
    schools = list(School.objects.current(office=office).filter(pk__in=SchoolMembership.objects.current().filter(zone__isnull=False).values("school")).order_by("code"))
    if not schools:
        return
    for n, (days_back, category, reporter, text, (name, phone), outcome) in enumerate(ITEMS):
        school = schools[(n * 7) % len(schools)]
        actor = access.supervisor_users_of(school).first()
        if actor is None:
            continue
        received = today - dt.timedelta(days=days_back)  # the last 320 days: across New Year on 2 January
        complaint = services.complaint_submit(
            school=school, category=category, text=text, reporter_kind=reporter, contact_name=name,
            contact_phone=phone, now=_at(received, 9),
        )
        if outcome is None:
            continue
        # Verified within 1–6 days (a few late, as real offices are); closed a few days later.
        verified = min(received + dt.timedelta(days=1 + n % 6), today)
        complaint = services.complaint_verify(
            complaint=complaint, actor=actor, verified_on=verified, now=_at(verified, 16),
            method=[M.ON_SITE, M.PHONE, M.INTERVIEWS, M.FILE_REVIEW][n % 4],
            notes="到校查看现场,查阅相关资料,访谈师生各3名。",
        )
        if outcome == "verify":
            continue
        closed = min(verified + dt.timedelta(days=1 + n % 4), today)
        complaint = services.complaint_close(
            complaint=complaint, actor=actor, outcome=outcome, public_reply=REPLIES[outcome], now=_at(closed, 17),
            note="已向学校反馈核实结果。",
            problem_description=f"经核实:{text}" if outcome == CloseOutcome.TICKET else "",
            opinion="立即纠正,向家长说明情况,建立长效机制,形成整改报告报督导室。" if outcome == CloseOutcome.TICKET else "",
        )
        if n == 0:
            Complaint.objects.filter(pk=complaint.pk).update(code=DEMO_CODE)
