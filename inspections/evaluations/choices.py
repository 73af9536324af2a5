from django.db import models
from django.utils.translation import gettext_lazy as _


class SchemeKind(models.TextChoices):
    """What an indicator system is for (DOMAIN.md "Beyond the loop")."""

    KINDERGARTEN = "kindergarten", _("幼儿园办园行为督导评估")
    TARGET = "target", _("目标管理考核")
    ACCEPTANCE = "acceptance", _("达标验收")


class Stage(models.TextChoices):
    """Who scored: the kindergarten itself, the county on site, the city on re-evaluation (seed 004 §三)."""

    SELF = "self", _("自评")
    COUNTY = "county", _("县评")
    CITY = "city", _("市评")


class Level(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    QUALIFIED = "qualified", _("合格")
    FAILED = "failed", _("不合格")


# The five areas of the kindergarten conduct evaluation (seed 001 §9, seed 004 §三).
KINDERGARTEN_AREAS = ("办园条件", "安全卫生", "保育教育", "教职工队伍", "内部管理")
