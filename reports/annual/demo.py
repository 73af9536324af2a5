"""Demo data of annual for `manage.py seed_demo`: a drafted summary of the demo county's year and
one zone summary (城区学校责任区, written by its lead 王建国). Idempotent: saved once, left alone after."""
from supervision.models import Zone

from .models import AnnualSummary
from .services import annual_summary_save


def demo_build(*, office, today) -> None:
    """Called by seed_demo with the demo county after its year of visits and tickets is built."""
    if AnnualSummary.objects.filter(office=office, year=today.year).exists():
        return
    annual_summary_save(
        office=office, year=today.year, zone=None, user=None, until=today,
        blocks={"plan": (
            "1、坚持责任督学挂牌督导,确保每月对责任区学校督导全覆盖,重点关注乡村学校和民办幼儿园。\n"
            "2、完善问题整改台账,逾期问题逐级督办,做到问题必整改、整改必落实。\n"
            "3、继续巩固“双减”成果,把作业管理和课后服务作为日常督导重点。\n"
            "4、做好义务教育优质均衡发展督导评估的迎检准备。"
        )},
    )
    zone = Zone.objects.filter(office=office, name="城区学校责任区").first()
    if zone is not None:
        lead = zone.assignments.filter(is_lead=True).select_related("supervisor__user").first()
        annual_summary_save(office=office, year=today.year, zone=zone, user=lead.supervisor.user if lead else None,
                            until=today, blocks={})
