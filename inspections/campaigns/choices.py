from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignTopic(models.TextChoices):
    """Topics of special inspections (专项督导) in the seeds (001 §11–15, 003, 004); 其他 takes the
    office's own title."""

    SHUANGJIAN = "shuangjian", _("双减")
    SPRING_OPENING = "spring_opening", _("春季开学")
    AUTUMN_OPENING = "autumn_opening", _("秋季开学")
    EPIDEMIC = "epidemic", _("疫情防控")
    SOCIAL_AFFAIRS = "social_affairs", _("社会事务进校园")
    SPORTS = "sports", _("体育")
    ENROLMENT_FEES = "enrolment_fees", _("招生收费")
    TEACHER_ETHICS = "teacher_ethics", _("师德师风")
    STUDENT_AID = "student_aid", _("学生资助")
    RULE_OF_LAW = "rule_of_law", _("依法治校")
    OTHER = "other", _("其他")


class SchoolSelection(models.TextChoices):
    """How the campaign's schools were chosen: every school of some kinds, or a sample (抽查)."""

    ALL_OF_KINDS = "all_of_kinds", _("全部(按学校类型)")
    CHOSEN = "chosen", _("抽查(指定学校)")
    RANDOM = "random", _("抽查(随机抽取)")


class CampaignStatus(models.TextChoices):
    """Derived from the period and today's date."""

    UPCOMING = "upcoming", _("未开始")
    ONGOING = "ongoing", _("进行中")
    FINISHED = "finished", _("已结束")
