"""Supervision cases (督导案例): supervisors write them, the office selects the excellent ones and
recommends them upward (DOMAIN.md "Beyond the loop")."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from inspections.models import UploadedFile
from schools.models import School
from supervision.models import Office, Supervisor, Zone

from .choices import CaseAction, CaseStatus


class Case(models.Model):
    """A case written by a responsibility supervisor. ``body`` is HTML already sanitised by
    ``cases.richtext.clean_html`` (the only writer is ``cases.services``)."""

    office = models.ForeignKey(Office, verbose_name=_("督导室"), on_delete=models.PROTECT, related_name="cases")
    author = models.ForeignKey(Supervisor, verbose_name=_("撰写人"), on_delete=models.PROTECT, related_name="cases")
    title = models.CharField(_("标题"), max_length=120)
    year = models.PositiveSmallIntegerField(_("年度"))
    school = models.ForeignKey(
        School, verbose_name=_("涉及学校"), null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    zone = models.ForeignKey(
        Zone, verbose_name=_("涉及责任区"), null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    tags = models.CharField(_("主题"), max_length=200, blank=True, help_text=_("如:课后服务、校园安全,用顿号或逗号分隔"))
    body = models.TextField(_("正文"), blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.DRAFT)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    recommended_at = models.DateTimeField(_("推荐时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("督导案例")
        verbose_name_plural = _("督导案例")
        ordering = ["-year", "-updated_at", "-pk"]
        indexes = [models.Index(fields=["office", "year", "status"]), models.Index(fields=["author", "year"])]

    def __str__(self):
        return self.title

    @property
    def tag_list(self) -> list[str]:
        return [t for t in self.tags.split("、") if t]


def attachment_path(instance, filename):
    return f"cases/{instance.case_id}/{instance.sha256[:20]}{instance.extension}"


class CaseAttachment(UploadedFile):
    """A photo or document of a case. Type decided by content (inspections.tickets.evidence), SHA-256 kept,
    downloadable only through a permission-checked view."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to=attachment_path)

    class Meta:
        verbose_name = _("案例附件")
        verbose_name_plural = _("案例附件")
        ordering = ["uploaded_at", "pk"]

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class CaseEvent(models.Model):
    """Every change of a case: who, when, what, with the reviewer's comment. Written by the services."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=16, choices=CaseAction.choices)
    from_status = models.CharField(_("原状态"), max_length=16, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, choices=CaseStatus.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    comment = models.TextField(_("意见"), blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("案例记录")
        verbose_name_plural = _("案例记录")
        ordering = ["at", "pk"]
