from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    """Which checklist a school gets: schools have 8 standing items, kindergartens 6, and off-campus
    tutoring institutions their own list (seed 004: 校外培训机构责任督学)."""

    SCHOOL = "school", _("中小学校")
    KINDERGARTEN = "kindergarten", _("幼儿园")
    TUTORING = "tutoring", _("校外培训机构")


class VisitMethod(models.TextChoices):
    CAMPUS_WALK = "campus_walk", _("校园巡查")
    BRIEFING = "briefing", _("听取汇报")
    MEETING = "meeting", _("召开座谈会")
    FILE_REVIEW = "file_review", _("查阅档案")
    CLASS_OBSERVATION = "class_observation", _("推门听课")
    QUESTIONNAIRE = "questionnaire", _("问卷调查")
    INTERVIEWS = "interviews", _("访谈师生")


class ChecklistStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")


class Conclusion(models.TextChoices):
    OK = "ok", _("无问题")
    PROBLEM = "problem", _("发现问题")
    UNCHECKED = "unchecked", _("未检查")


class ItemSource(models.TextChoices):
    STANDING = "standing", _("经常性督导事项")
    MONTHLY = "monthly", _("每月必查")


class Severity(models.TextChoices):
    MINOR = "minor", _("一般")
    MAJOR = "major", _("较重")
    SEVERE = "severe", _("严重")


class RecheckMode(models.TextChoices):
    ON_SITE = "on_site", _("实地回访")
    EVIDENCE = "evidence", _("查阅整改材料")


class RecheckResult(models.TextChoices):
    RECTIFIED = "rectified", _("已整改到位")
    NOT_RECTIFIED = "not_rectified", _("未整改到位")
