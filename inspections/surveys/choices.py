from django.db import models
from django.utils.translation import gettext_lazy as _


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("进行中")
    CLOSED = "closed", _("已结束")


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("单选题")
    MULTIPLE = "multiple", _("多选题")
    SCALE = "scale", _("满意度量表")
    TEXT = "text", _("填空题")


class Audience(models.TextChoices):
    STUDENT = "student", _("学生")
    PARENT = "parent", _("家长")
    TEACHER = "teacher", _("教师")


class OncePer(models.TextChoices):
    """How the office keeps one answer per person (它选其一)."""

    DEVICE = "device", _("每台设备一份")
    CODE = "code", _("每个访问码一份")


# The five levels of a 满意度 scale question, best first; an answer stores the level's index.
SCALE_LEVELS = (_("非常满意"), _("满意"), _("一般"), _("不满意"), _("非常不满意"))
# 满意度 = share of 满意 + 非常满意 among the scale answers (the two first levels).
SATISFIED_LEVELS = (0, 1)
