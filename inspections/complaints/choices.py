from django.db import models
from django.utils.translation import gettext_lazy as _


class ComplaintCategory(models.TextChoices):
    """What a complaint is about (the usual 举报投诉 topics of a county office)."""

    FEES = "fees", _("乱收费")
    PAID_TUTORING = "paid_tutoring", _("违规补课/有偿家教")
    WORKLOAD = "workload", _("课业负担")
    TEACHER_ETHICS = "teacher_ethics", _("师德师风")
    CAMPUS_SAFETY = "campus_safety", _("校园安全")
    FOOD_SAFETY = "food_safety", _("食品安全")
    ENROLMENT = "enrolment", _("招生入学")
    OTHER = "other", _("其他")


class ReporterKind(models.TextChoices):
    PARENT = "parent", _("家长")
    TEACHER = "teacher", _("教师")
    STUDENT = "student", _("学生")
    OTHER = "other", _("其他")


class ComplaintStatus(models.TextChoices):
    """Complaint states; allowed moves are in inspections.complaints.services.MACHINE."""

    RECEIVED = "received", _("待核实")
    VERIFYING = "verifying", _("核实中")
    UNFOUNDED = "unfounded", _("不属实")
    RESOLVED = "resolved", _("已解决")
    RECTIFYING = "rectifying", _("已转为整改")


class ComplaintAction(models.TextChoices):
    RECEIVED = "received", _("受理")
    VERIFIED = "verified", _("核实")
    CLOSED_UNFOUNDED = "closed_unfounded", _("办结:不属实")
    CLOSED_RESOLVED = "closed_resolved", _("办结:已解决")
    TURNED_INTO_TICKET = "turned_into_ticket", _("转为整改")


class VerifyMethod(models.TextChoices):
    ON_SITE = "on_site", _("实地核查")
    PHONE = "phone", _("电话核实")
    INTERVIEWS = "interviews", _("访谈师生")
    FILE_REVIEW = "file_review", _("查阅资料")
    SCHOOL_TALK = "school_talk", _("约谈学校")


class CloseOutcome(models.TextChoices):
    """How a verified complaint is closed (办结)."""

    UNFOUNDED = "unfounded", _("不属实")
    RESOLVED = "resolved", _("已解决")
    TICKET = "ticket", _("转为整改")
