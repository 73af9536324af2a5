"""Rectification (问题整改): every problem becomes a ticket the school answers with a report and
evidence; the supervisor re-checks and closes it (销号) or returns it; overdue tickets climb the
escalation ladder (督办 → 通报 → 约谈 → 问责). See DOMAIN.md "Problems and rectification"."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from schools.models import School
from supervision import clock
from supervision.models import Office

from .choices import EscalationLevel, EscalationStatus, ExtensionStatus, TicketAction, TicketStatus
from .loop import Problem, Recheck

__all__ = [
    "Ticket", "TicketReport", "UploadedFile", "Evidence", "Extension", "TicketEvent", "EscalationPolicy", "Escalation",
    "RecheckPhoto", "Notification",
]


class Ticket(models.Model):
    """A rectification ticket (整改通知) on one problem. Overdue is derived from the deadline."""

    problem = models.OneToOneField(Problem, verbose_name=_("问题"), on_delete=models.CASCADE, related_name="ticket")
    office = models.ForeignKey(Office, verbose_name=_("督导室"), on_delete=models.PROTECT, related_name="tickets")
    school = models.ForeignKey(School, verbose_name=_("学校"), on_delete=models.PROTECT, related_name="tickets")
    status = models.CharField(_("状态"), max_length=16, choices=TicketStatus.choices, default=TicketStatus.OPEN)
    deadline = models.DateField(_("整改期限"))
    opened_on = models.DateField(_("下达日期"))
    closed_on = models.DateField(_("销号日期"), null=True, blank=True)  # the day of the re-check that closed it
    closed_at = models.DateTimeField(_("销号录入时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("销号人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Bumped by every change: a second person acting on a stale page is told, not overwritten.
    version = models.PositiveIntegerField(_("版本"), default=1)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("整改通知")
        verbose_name_plural = _("整改通知")
        ordering = ["deadline", "pk"]
        indexes = [
            models.Index(fields=["office", "status", "deadline"]),
            models.Index(fields=["school", "status"]),
        ]

    def __str__(self):
        return f"{self.school}:{self.problem.description[:20]}"


class TicketReport(models.Model):
    """The school's rectification report (整改报告); a returned ticket gets a new round."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="reports")
    round = models.PositiveSmallIntegerField(_("轮次"), default=1)
    text = models.TextField(_("整改情况"), blank=True)
    submitted_on = models.DateField(_("提交日期"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("录入时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    return_reason = models.TextField(_("退回原因"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("整改报告")
        verbose_name_plural = _("整改报告")
        ordering = ["ticket", "round"]
        constraints = [models.UniqueConstraint(fields=["ticket", "round"], name="one_report_per_ticket_round")]


def evidence_path(instance, filename):
    return f"evidence/{instance.report.ticket_id}/{instance.sha256[:20]}{instance.extension}"


class UploadedFile(models.Model):
    """A file a user uploaded, as checked on the way in (``inspections.tickets.evidence``): its name as
    sent, the type found in its content, its size and SHA-256, who uploaded it and when. Rectification
    evidence and case attachments keep these; each says what it belongs to and where its file is stored."""

    original_name = models.CharField(_("文件名"), max_length=255)
    content_type = models.CharField(_("类型"), max_length=100)
    extension = models.CharField(max_length=10)
    size = models.PositiveIntegerField(_("大小"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        abstract = True


class Evidence(UploadedFile):
    """A file of a rectification report. Type decided by content, SHA-256 stored, immutable once
    the report is submitted, downloadable only through a permission-checked view."""

    report = models.ForeignKey(TicketReport, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("文件"), upload_to=evidence_path)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["uploaded_at"]


class Extension(models.Model):
    """A school's request to extend the deadline (申请延期), decided by the supervisor."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="extensions")
    requested_deadline = models.DateField(_("申请延期至"))
    reason = models.TextField(_("延期理由"))
    status = models.CharField(_("状态"), max_length=16, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_on = models.DateField(_("申请日期"), default=clock.today)
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_on = models.DateField(_("审批日期"), null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["-requested_at"]


class TicketEvent(models.Model):
    """Every change of a ticket: who, when, what, from where. Written only by the ticket services."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=32, choices=TicketAction.choices)
    from_status = models.CharField(_("原状态"), max_length=16, choices=TicketStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, choices=TicketStatus.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("说明"), blank=True)
    ip_address = models.GenericIPAddressField(_("来源IP"), null=True, blank=True)
    # Two dates (STYLE "Facts carry two dates"): the day it happened — a 补录 gives the real one — and
    # when it was recorded. A ticket's status as at a day replays its events by ``occurred_on``.
    occurred_on = models.DateField(_("发生日期"), default=clock.today)
    at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("整改记录")
        verbose_name_plural = _("整改记录")
        ordering = ["occurred_on", "at", "pk"]
        indexes = [models.Index(fields=["ticket", "occurred_on"])]


class EscalationPolicy(models.Model):
    """Days overdue at which each rung of the ladder is proposed, per office."""

    office = models.OneToOneField(Office, on_delete=models.CASCADE, related_name="escalation_policy")
    urge_after_days = models.PositiveSmallIntegerField(_("逾期多少天提请督办"), default=7)
    notice_after_days = models.PositiveSmallIntegerField(_("逾期多少天提请通报"), default=30)
    summons_after_days = models.PositiveSmallIntegerField(_("逾期多少天提请约谈"), default=60)
    accountability_after_days = models.PositiveSmallIntegerField(_("逾期多少天提请问责"), default=90)

    class Meta:
        verbose_name = _("升级督办规则")
        verbose_name_plural = _("升级督办规则")

    def threshold(self, level: int) -> int:
        return {
            EscalationLevel.URGE: self.urge_after_days,
            EscalationLevel.NOTICE: self.notice_after_days,
            EscalationLevel.SUMMONS: self.summons_after_days,
            EscalationLevel.ACCOUNTABILITY: self.accountability_after_days,
        }[level]


class Escalation(models.Model):
    """One rung climbed by an overdue ticket: proposed by the daily check, confirmed by the director."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="escalations")
    level = models.PositiveSmallIntegerField(_("级别"), choices=EscalationLevel.choices)
    status = models.CharField(_("状态"), max_length=16, choices=EscalationStatus.choices, default=EscalationStatus.PROPOSED)
    days_overdue = models.PositiveIntegerField(_("逾期天数"))
    proposed_at = models.DateTimeField(_("提请时间"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("意见"), blank=True)

    class Meta:
        verbose_name = _("升级督办")
        verbose_name_plural = _("升级督办")
        ordering = ["ticket", "level"]
        constraints = [models.UniqueConstraint(fields=["ticket", "level"], name="one_escalation_per_level")]


def recheck_photo_path(instance, filename):
    return f"rechecks/{instance.recheck_id}/{instance.sha256[:16]}.jpg"


class RecheckPhoto(models.Model):
    recheck = models.ForeignKey(Recheck, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("照片"), upload_to=recheck_photo_path)
    sha256 = models.CharField(_("原图SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("复查照片")
        verbose_name_plural = _("复查照片")


class Notification(models.Model):
    """An in-app message (and e-mail). ``key`` names the event: one event never notifies the same
    person twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    key = models.CharField(max_length=120)
    ticket = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_notification_per_event_and_user")]
        indexes = [models.Index(fields=["user", "read_at"])]
