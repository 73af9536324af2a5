"""The demo office's annual plan, reproducing seed 003 §四 具体工作安排 (柳河县 2023 年责任督学挂牌督导
工作计划) month by month, with each month's focus mapped to the standing items (S1..S8, K1..K6 in
inspections/plans/defaults.py). Data only: every write goes through inspections.plans.services."""
from __future__ import annotations

from django.db import transaction

from supervision.models import Office

from inspections.models import Plan
from inspections.plans.services import plan_create, plan_month_save, plan_save

# 备注: 每月必对上月问题整改情况复查 (built into every checklist), 每月必查新冠病毒感染防控和"双减".
MONTHLY_TOPICS = ["新冠病毒感染防控", "“双减”工作落实"]

MEETING = "责任督学月例会"

# month: (school focus, school item codes, kindergarten focus, kindergarten item codes, other tasks)
MONTHS: dict[int, tuple[str, list[str], str, list[str], list[str]]] = {
    1: ("", [], "", [], ["寒假", "筹备制定全县责任督学挂牌督导工作计划"]),
    2: (
        "综合性督导:开展新冠病毒感染防控和春季开学督导检查。", [],
        "综合性督导:开展新冠病毒感染防控和春季开学督导检查。", [],
        ["制定全县责任督学挂牌督导工作计划", "制定责任区工作计划", "参加全县{year}年教育工作会议"],
    ),
    3: (
        "检查学校落实病毒感染防控情况,校园及周边安全、学生交通安全及管理情况;"
        "食品、饮水卫生安全及食堂宿舍卫生和管理情况。", ["S6", "S7"],
        "检查幼儿园病毒感染防控落实及“依法办园”情况。", ["K1"],
        [MEETING, "开展{last_year}年目标管理责任制验收回头看工作"],
    ),
    4: (
        "经常性督导:依法督导学校校务管理和制度执行情况;开展“双减”专项督导;学校社团活动开展情况。", ["S1"],
        "", [],
        [MEETING, "对推进义务教育优质均衡发展存在问题进行调研"],
    ),
    5: (
        "经常性督导:督导学生学习、体育锻炼和课业负担情况。", ["S4"],
        "专项督导:开展“杜绝小学化倾向”专项督导;检查迎检幼儿园“办园行为”自评工作和"
        "《幼儿园保育教育质量评价》工作。", ["K2"],
        [MEETING],
    ),
    6: (
        "经常性督导:检查教师职业道德情况。", ["S5"],
        "经常性督导:依法督导园务管理情况。", ["K1"],
        [MEETING],
    ),
    7: (
        "经常性督导:“双减”工作落实情况。", ["S4"],
        "经常性督导:卫生保健情况。", ["K3"],
        [MEETING],
    ),
    8: (
        "综合性督导:学校秋季开学工作督导检查。", [],
        "综合性督导:幼儿园秋季开学工作督导检查。", [],
        [MEETING],
    ),
    9: (
        "开展“双减”专项督导;依法督导学校招生、收费、择校情况。", ["S2"],
        "开展“杜绝小学化倾向”专项督导。", ["K2"],
        [MEETING, "迎接{city}“{year}年幼儿园办园行为”专项督导和《幼儿园保育教育质量评价》检查工作"],
    ),
    10: (
        "经常性督导:依法督导学校课程开设和课堂教学情况。", ["S3"],
        "经常性督导:保育教育情况。", ["K2"],
        [MEETING],
    ),
    11: (
        "经常性督导:督导校风、教风、学风建设情况。", ["S8"],
        "经常性督导:师德师风情况。", ["K5"],
        [MEETING, "撰写督导案例"],
    ),
    12: (
        "开展社会满意度调查,撰写分析报告。", [],
        "经常性督导:安全管理情况。", ["K4"],
        ["责任区年度总结", "材料归档"],
    ),
}


def _numbered(tasks: list[str]) -> str:
    if len(tasks) == 1:
        return tasks[0] + "。"
    return "\n".join(f"{n}.{task}{'。' if n == len(tasks) else ';'}" for n, task in enumerate(tasks, start=1))


@transaction.atomic
def demo_plan_build(*, office: Office, year: int) -> Plan:
    """The office's plan for that year as in seed 003; an existing plan is left exactly as it is."""
    plan = Plan.objects.filter(office=office, year=year).first()
    if plan is not None:
        return plan
    plan = plan_create(office=office, year=year, copy_from_previous=False)
    plan_save(plan=plan, title=plan.title, monthly_topics="\n".join(MONTHLY_TOPICS))
    city = office.parent.name.replace("人民政府教育督导室", "") if office.parent_id else "市"
    words = {"year": year, "last_year": year - 1, "city": city}
    for entry in plan.months.all():
        school, school_codes, kindergarten, kindergarten_codes, other = MONTHS[entry.month]
        plan_month_save(
            plan_month=entry,
            school_focus=school,
            kindergarten_focus=kindergarten,
            other_tasks=_numbered([task.format(**words) for task in other]),
            school_item_codes=school_codes,
            kindergarten_item_codes=kindergarten_codes,
        )
    return plan
