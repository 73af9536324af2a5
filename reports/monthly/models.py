"""The monthly zone report (责任督学挂牌督导问题管理月报表), filed by each zone by the 27th (seed 003)."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from inspections.models.loop import month_validators
from supervision.models import Office, Zone

from .choices import ZoneMonthlyReportStatus


class ZoneMonthlyReport(models.Model):
    """One version of a zone's report for a month. ``data`` holds the frozen rows and totals.

    Versions 1, 2, … per zone and month; at most one draft (always the newest version). A filed
    version never changes again: rebuilding after filing makes a new draft version. A zone may
    file a corrected version later; the newest filed version is *the* report of that month, and
    whether the zone filed on time is judged by its first filing.
    """

    office = models.ForeignKey(Office, verbose_name=_("督导室"), on_delete=models.PROTECT, related_name="zone_monthly_reports")
    zone = models.ForeignKey(Zone, verbose_name=_("责任区"), on_delete=models.PROTECT, related_name="monthly_reports")
    year = models.PositiveSmallIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"), validators=month_validators)
    version = models.PositiveIntegerField(_("版本"), default=1)
    status = models.CharField(
        _("状态"), max_length=16, choices=ZoneMonthlyReportStatus.choices, default=ZoneMonthlyReportStatus.DRAFT
    )
    data = models.JSONField(_("报表数据"), default=dict, blank=True)
    built_at = models.DateTimeField(_("生成时间"))
    filed_on = models.DateField(_("报送日期"), null=True, blank=True)  # the day it was filed (补录: the real day)
    filed_at = models.DateTimeField(_("报送录入时间"), null=True, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("报送人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_date = models.DateField(_("报送截止日期"))

    class Meta:
        verbose_name = _("责任区月报表")
        verbose_name_plural = _("责任区月报表")
        ordering = ["-year", "-month", "zone__name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "year", "month", "version"], name="monthly_report_one_row_per_version"),
            models.UniqueConstraint(
                fields=["zone", "year", "month"], condition=models.Q(status="draft"), name="monthly_report_one_draft"
            ),
        ]
        indexes = [models.Index(fields=["office", "year", "month"])]

    def __str__(self):
        return f"{self.zone} {self.year}-{self.month:02d} v{self.version}"

    @property
    def is_filed(self) -> bool:
        return self.status == ZoneMonthlyReportStatus.FILED

    @property
    def filed_on_time(self) -> bool | None:
        """True when filed by the 27th, False when filed later, None while a draft."""
        if self.filed_on is None:
            return None
        return self.filed_on <= self.due_date
