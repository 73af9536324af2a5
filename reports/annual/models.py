"""The year-end summary (年度工作总结) of an office, or of one of its zones (责任区年度总结).

The figures are not stored: they are computed from the year's data whenever the summary is shown
or printed (``selectors.annual_figures``). What is stored is what people write — the narrative
blocks, which name the figures by placeholders such as ``{人次}`` (seed 004: "截止11月中旬,我市责任
督学入校督导共259人次……").
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from supervision.models import Office, Zone


class AnnualSummary(models.Model):
    office = models.ForeignKey(Office, verbose_name=_("督导室"), on_delete=models.PROTECT, related_name="annual_summaries")
    # Empty for the office's own summary; set for a zone's (written by its lead supervisor).
    zone = models.ForeignKey(
        Zone, verbose_name=_("责任区"), null=True, blank=True, on_delete=models.PROTECT, related_name="annual_summaries"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("标题"), max_length=200)
    # The cut-off date of the figures (截至……) and the date printed under the signature.
    until = models.DateField(_("截至日期"))
    # {block key: text}; keys are those of ``blocks.block_specs`` (opening, loop, rectification,
    # contrib:<key>, plan). A missing key prints the drafted text.
    blocks = models.JSONField(_("正文"), default=dict, blank=True)
    signature = models.CharField(_("落款"), max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("修改人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("年度工作总结")
        verbose_name_plural = _("年度工作总结")
        ordering = ["office", "-year", "zone"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "year"], condition=models.Q(zone__isnull=True), name="one_annual_summary_per_office_year"
            ),
            models.UniqueConstraint(fields=["zone", "year"], name="one_annual_summary_per_zone_year"),
        ]

    def __str__(self):
        return self.title
