"""Default indicator systems an office loads and then edits (each totals 100 points).

The kindergarten set follows the five areas of the 幼儿园办园行为督导评估 (seed 001 §9, seed 004 §三);
the assessment sets are short starting points for 目标管理考核 and "a类校" acceptance (seed 002).
"""
from decimal import Decimal

from .choices import SchemeKind

# (area, code, title, max points, scoring guidance)
KINDERGARTEN = [
    ("办园条件", "A1", "园舍场地与设施设备", 8, "园舍安全、生均面积达标,户外活动场地充足;设施设备完好。不达标每项扣2分。"),
    ("办园条件", "A2", "玩教具与图书配备", 6, "玩教具种类数量满足各班需要,幼儿图书生均不少于10册。"),
    ("办园条件", "A3", "班额与收费公示", 6, "班额符合规定;收费项目、标准公示,无违规收费。"),
    ("安全卫生", "B1", "安全管理制度与应急演练", 8, "安全制度健全,每学期至少开展两次应急疏散演练,有记录。"),
    ("安全卫生", "B2", "卫生保健与膳食管理", 7, "晨午检、消毒、膳食营养分析规范;食堂持证,食品留样。"),
    ("安全卫生", "B3", "幼儿接送与门卫管理", 5, "门卫24小时值守,接送卡制度落实,外来人员登记。"),
    ("保育教育", "C1", "一日生活安排", 10, "一日活动安排科学,户外活动每日不少于2小时(体育活动1小时)。"),
    ("保育教育", "C2", "以游戏为基本活动", 10, "以游戏为基本活动,区域活动材料丰富,幼儿自主选择。"),
    ("保育教育", "C3", "杜绝小学化倾向", 10, "不提前教授小学课程内容,不布置书面家庭作业,无考试测验。"),
    ("教职工队伍", "D1", "教职工配备与资质", 8, "两教一保配备到位,教师持证上岗,保健人员具备资质。"),
    ("教职工队伍", "D2", "师德师风与专业发展", 7, "师德考核制度落实,无体罚、变相体罚;教研培训有计划有记录。"),
    ("内部管理", "E1", "园务管理与制度建设", 8, "章程、制度健全,园务公开,家长委员会正常运行。"),
    ("内部管理", "E2", "财务与档案管理", 7, "财务制度规范,账目清楚;各类档案齐全、分类归档。"),
]

TARGET = [
    ("办学方向", "T1", "党建与办学方向", 15, "落实立德树人,办学规划清晰,年度计划完成。"),
    ("教育教学", "T2", "课程开设与教学质量", 30, "开齐开足课程,教学常规落实,质量监测达标。"),
    ("队伍建设", "T3", "教师队伍建设", 20, "师德师风建设,教师培训学时达标。"),
    ("安全稳定", "T4", "校园安全与稳定", 15, "安全责任落实,全年无责任事故。"),
    ("规范管理", "T5", "规范办学与内部管理", 20, "招生、收费、作业、课后服务规范;档案齐全。"),
]

ACCEPTANCE = [
    ("办学条件", "S1", "办学条件达标", 20, "校舍、场地、装备达到标准化要求。"),
    ("学校管理", "S2", "教育教学管理规范", 30, "管理制度健全,执行到位,过程资料完整。"),
    ("教师发展", "S3", "教师专业发展", 20, "校本研修常态开展,骨干教师比例达标。"),
    ("学生发展", "S4", "学生全面发展", 30, "体质健康达标率、综合素质评价落实情况。"),
]

DEFAULTS = {SchemeKind.KINDERGARTEN: KINDERGARTEN, SchemeKind.TARGET: TARGET, SchemeKind.ACCEPTANCE: ACCEPTANCE}

# Level thresholds (优秀, 良好, 合格); an acceptance check passes (达标) at a higher mark than a plain 合格.
DEFAULT_THRESHOLDS = {SchemeKind.ACCEPTANCE: (Decimal("95"), Decimal("90"), Decimal("85"))}


def default_indicators(kind: str) -> list[dict]:
    return [
        {"area": a, "code": c, "title": t, "max_points": Decimal(p), "guidance": g, "order": n}
        for n, (a, c, t, p, g) in enumerate(DEFAULTS[kind], start=1)
    ]
