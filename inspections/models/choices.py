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


class VisitKind(models.TextChoices):
    """Routine monthly visits (经常性督导) are what coverage, 人次 and the monthly report count;
    visits made for a special inspection (专项督导) belong to their campaign."""

    ROUTINE = "routine", _("经常性督导")
    SPECIAL = "special", _("专项督导")


class ProblemSource(models.TextChoices):
    """Where a problem was found; every source feeds the same rectification tickets."""

    CHECKLIST = "checklist", _("经常性督导")
    CAMPAIGN = "campaign", _("专项督导")
    EVALUATION = "evaluation", _("督导评估")
    COMPLAINT = "complaint", _("举报投诉")


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
    # Items of a special inspection's own checklist (专项督导事项), copied from its campaign.
    CAMPAIGN = "campaign", _("专项督导事项")


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


class TicketStatus(models.TextChoices):
    """Rectification ticket states; allowed moves are in inspections.tickets.services.MACHINE."""

    OPEN = "open", _("待整改")
    IN_PROGRESS = "in_progress", _("整改中")
    SUBMITTED = "submitted", _("已提交整改报告")
    CLOSED = "closed", _("已销号")


class TicketAction(models.TextChoices):
    CREATED = "created", _("生成整改通知")
    STARTED = "started", _("开始整改")
    REPORT_SUBMITTED = "report_submitted", _("提交整改报告")
    RETURNED = "returned", _("退回重新整改")
    CLOSED = "closed", _("复查销号")
    RECHECKED = "rechecked", _("复查")
    EXTENSION_REQUESTED = "extension_requested", _("申请延期")
    EXTENSION_APPROVED = "extension_approved", _("同意延期")
    EXTENSION_REFUSED = "extension_refused", _("不同意延期")
    ESCALATION_PROPOSED = "escalation_proposed", _("提请升级督办")
    ESCALATION_CONFIRMED = "escalation_confirmed", _("确认升级督办")
    ESCALATION_DISMISSED = "escalation_dismissed", _("暂不升级")
    EVIDENCE_ADDED = "evidence_added", _("上传佐证材料")


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已同意")
    REFUSED = "refused", _("未同意")


class EscalationLevel(models.IntegerChoices):
    """The ladder for unresolved problems (seed 003: 督办、通报、约谈、问责)."""

    URGE = 1, _("督办")
    NOTICE = 2, _("通报")
    SUMMONS = 3, _("约谈")
    ACCOUNTABILITY = 4, _("问责")


class EscalationStatus(models.TextChoices):
    PROPOSED = "proposed", _("待主任确认")
    CONFIRMED = "confirmed", _("已确认")
    DISMISSED = "dismissed", _("暂不升级")
