"""Demo data of annual for `manage.py seed_demo`: the year-end summary of the demo county's last
complete year (to 31 December, with next year's plan written) and a draft of this year's (to
today), each with one zone summary (城区学校责任区, written by its lead 王建国). Idempotent: each
summary is saved once, left alone after."""
import datetime as dt

from supervision.models import Zone

from .models import AnnualSummary
from .services import annual_summary_save

PLAN = (
    "1、坚持责任督学挂牌督导,确保每月对责任区学校督导全覆盖,重点关注乡村学校和民办幼儿园。\n"
    "2、完善问题整改台账,逾期问题逐级督办,做到问题必整改、整改必落实。\n"
    "3、继续巩固“双减”成果,把作业管理和课后服务作为日常督导重点。\n"
    "4、做好义务教育优质均衡发展督导评估的迎检准备。"
)


def demo_build(*, office, today) -> None:
    """Called by seed_demo with the demo county after its two years of visits and tickets are built."""
    zone = Zone.objects.filter(office=office, name="城区学校责任区").first()
    lead = zone.assignments.filter(is_lead=True).select_related("supervisor__user").first() if zone else None
    for year, until in ((today.year - 1, dt.date(today.year - 1, 12, 31)), (today.year, today)):
        if AnnualSummary.objects.filter(office=office, year=year).exists():
            continue
        annual_summary_save(office=office, year=year, zone=None, user=None, until=until, blocks={"plan": PLAN})
        if zone is not None:
            annual_summary_save(office=office, year=year, zone=zone, user=lead.supervisor.user if lead else None,
                                until=until, blocks={})
