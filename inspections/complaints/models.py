"""Complaints and tips (受理举报投诉), one of the five duties printed on every plaque: a parent or
teacher reports a problem at a school from its public plaque page; the zone's responsibility
supervisors verify it (核实) and close it (办结) as unfounded, resolved, or a rectification ticket."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from inspections.models import Problem
from schools.models import School
from supervision.models import Office, Zone

from .choices import ComplaintAction, ComplaintCategory, ComplaintStatus, ReporterKind, VerifyMethod


def complaint_photo_path(instance, filename):
    return f"complaints/{instance.received_at:%Y/%m}/{instance.photo_sha256[:20]}.jpg"


class Complaint(models.Model):
    """One complaint. ``code`` is the receipt code the complainant follows it with (no login);
    the contact fields and the internal notes are never shown on the public status page."""

    office = models.ForeignKey(Office, verbose_name=_("督导室"), on_delete=models.PROTECT, related_name="complaints")
    school = models.ForeignKey(School, verbose_name=_("学校"), on_delete=models.PROTECT, related_name="complaints")
    # The school's zone the day it was received (its supervisors were told then).
    zone = models.ForeignKey(
        Zone, verbose_name=_("责任区"), null=True, blank=True, on_delete=models.SET_NULL, related_name="complaints"
    )
    code = models.CharField(_("回执码"), max_length=16, unique=True)
    category = models.CharField(_("类别"), max_length=32, choices=ComplaintCategory.choices)
    text = models.TextField(_("反映内容"))
    photo = models.ImageField(_("照片"), upload_to=complaint_photo_path, blank=True)
    photo_sha256 = models.CharField(_("原图SHA-256"), max_length=64, blank=True)
    reporter_kind = models.CharField(_("反映人身份"), max_length=16, choices=ReporterKind.choices, default=ReporterKind.PARENT)
    contact_name = models.CharField(_("联系人"), max_length=30, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=ComplaintStatus.choices, default=ComplaintStatus.RECEIVED)
    received_at = models.DateTimeField(_("受理时间"))
    # 5 working days after receipt (services.VERIFY_WORKING_DAYS): not verified by then = overdue.
    verify_due = models.DateField(_("核实期限"))
    first_action_at = models.DateTimeField(_("首次处理时间"), null=True, blank=True)
    verified_on = models.DateField(_("核实日期"), null=True, blank=True)
    verify_method = models.CharField(_("核实方式"), max_length=16, choices=VerifyMethod.choices, blank=True)
    verify_notes = models.TextField(_("核实情况(内部)"), blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("核实人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    public_reply = models.TextField(_("答复(反映人可见)"), blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("办结人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    problem = models.OneToOneField(
        Problem, verbose_name=_("整改问题"), null=True, blank=True, on_delete=models.SET_NULL, related_name="complaint"
    )

    class Meta:
        verbose_name = _("举报投诉")
        verbose_name_plural = _("举报投诉")
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["office", "status", "received_at"]),
            models.Index(fields=["school", "status"]),
        ]

    def __str__(self):
        return f"{self.school}:{self.get_category_display()}"


class ComplaintEvent(models.Model):
    """Every change of a complaint: who, when, what. Written only by the complaint services."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=32, choices=ComplaintAction.choices)
    from_status = models.CharField(_("原状态"), max_length=16, choices=ComplaintStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, choices=ComplaintStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("说明"), blank=True)
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("举报投诉办理记录")
        verbose_name_plural = _("举报投诉办理记录")
        ordering = ["at", "pk"]
