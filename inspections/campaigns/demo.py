"""Demo data of campaigns for `manage.py seed_demo` (idempotent: running the seed twice adds nothing twice).

A 双减 special inspection in November of the demo's last complete year (seed 004 §二: "11月10日至18日…组成督导组…重点抽查"),
on a random sample of the county's primary and junior schools (seed recorded), with a few
submitted special visits whose findings became rectification tickets."""
from __future__ import annotations

import datetime as dt

from django.db import transaction

from inspections.visits import services as inspection_services
from inspections.models.choices import Conclusion
from schools.choices import SchoolKind
from supervision import access
from supervision.models import Supervisor

from . import services
from .choices import CampaignTopic, SchoolSelection
from .models import Campaign

TITLE = "%d年“双减”专项督导"  # of the year it was held
SEED = 839201
FINDINGS = {
    "S1": ("三年级书面作业时长超过60分钟,作业公示不及时。", "年级组统筹控制作业总量,每日公示作业。"),
    "S2": ("课后服务未提供托管以外的兴趣活动。", "丰富课后服务内容,开设体育、艺术、科普类活动。"),
    "S5": ("发现一名教师在校外机构兼职授课。", "立即停止兼职,依规处理并开展师德专题教育。"),
}


def demo_build(*, office, today) -> None:
    """Called by seed_demo with the demo county after its year of visits and tickets is built."""
    year = today.year - 1  # the last complete year, so it is over and in its year-end summary whatever the day
    title = TITLE % year
    if Campaign.objects.filter(office=office, title=title).exists():
        return
    supervisors = list(Supervisor.objects.filter(office=office, is_active=True).order_by("phone")[:3])
    if not supervisors:
        return
    leader = supervisors[0]
    admin = office_admin(office) or leader.user
    start, end = dt.date(year, 11, 10), dt.date(year, 11, 30)
    with transaction.atomic():
        campaign = services.campaign_create(
            office=office, actor=admin, topic=CampaignTopic.SHUANGJIAN, title=title, start=start, end=end,
            leader=leader, team=supervisors, selection=SchoolSelection.RANDOM,
            kinds=[SchoolKind.PRIMARY, SchoolKind.JUNIOR, SchoolKind.NINE_YEAR], sample_size=5, seed=SEED,
        )
        schools = [link.school for link in campaign.campaign_schools.select_related("school")]
        for n, school in enumerate(schools[:3]):
            day = start + dt.timedelta(days=n * 2)
            member = supervisors[n % len(supervisors)]
            visit = services.campaign_visit_start(
                campaign=campaign, user=member.user, school=school, date=day, arrived_at=dt.time(9, 0),
                methods=["campus_walk", "file_review", "interviews"],
            )
            for answer in visit.checklist.answers.all():
                finding = FINDINGS.get(answer.code) if (n + len(answer.code) + int(answer.code[-1])) % 3 == 0 else None
                if finding:
                    inspection_services.problem_add(answer=answer, user=member.user, description=finding[0], opinion=finding[1])
                else:
                    inspection_services.answer_save(answer=answer, user=member.user, conclusion=Conclusion.OK)
            inspection_services.checklist_submit(checklist=visit.checklist, user=member.user)


def office_admin(office):
    """The demo office's admin (督导室管理员), who launches the campaign."""
    from django.contrib.auth import get_user_model

    from supervision.models import Office

    admins = Office.objects.filter(pk=office.pk, officeuserobjectpermission__permission__codename=access.MANAGE)
    return get_user_model().objects.filter(pk__in=admins.values("officeuserobjectpermission__user")).order_by("pk").first()
