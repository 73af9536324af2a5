"""Special inspections (专项督导): a campaign on one topic, its inspection team (督导组), its own
checklist, and the schools it samples (抽查). See DOMAIN.md "Beyond the loop" and seed 004 §二."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from inspections.models import Visit
from schools.models import School
from supervision.models import Office, Supervisor

from .choices import CampaignStatus, CampaignTopic, SchoolSelection


class Campaign(models.Model):
    office = models.ForeignKey(Office, verbose_name=_("督导室"), on_delete=models.PROTECT, related_name="campaigns")
    topic = models.CharField(_("专项"), max_length=32, choices=CampaignTopic.choices)
    title = models.CharField(_("名称"), max_length=200)
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    leader = models.ForeignKey(Supervisor, verbose_name=_("组长"), on_delete=models.PROTECT, related_name="campaigns_led")
    team = models.ManyToManyField(Supervisor, verbose_name=_("督导组成员"), related_name="campaigns")
    selection = models.CharField(_("学校范围"), max_length=16, choices=SchoolSelection.choices)
    kinds = models.JSONField(_("学校类型"), default=list, blank=True)
    # A random draw (随机抽取) is reproducible: the same population (ordered by school code), size and
    # seed give the same schools.
    sample_size = models.PositiveIntegerField(_("抽取数量"), null=True, blank=True)
    seed = models.PositiveBigIntegerField(_("随机种子"), null=True, blank=True)
    population_size = models.PositiveIntegerField(_("总体数量"), null=True, blank=True)
    # Bumped by every edit of the items; a checklist keeps the version it was filled against.
    items_version = models.PositiveIntegerField(_("清单版本"), default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("专项督导")
        verbose_name_plural = _("专项督导")
        ordering = ["-start", "-pk"]
        indexes = [models.Index(fields=["office", "start"])]

    def __str__(self):
        return self.title

    def status_on(self, day) -> str:
        if day < self.start:
            return CampaignStatus.UPCOMING
        if day > self.end:
            return CampaignStatus.FINISHED
        return CampaignStatus.ONGOING


class CampaignItem(models.Model):
    """An item of the campaign's own checklist; editable until the first visit starts."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("编号"), max_length=16)
    title = models.CharField(_("督导事项"), max_length=200)
    guidance = models.TextField(_("督导要点"), blank=True)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("专项督导事项")
        verbose_name_plural = _("专项督导事项")
        ordering = ["campaign", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["campaign", "code"], name="campaign_item_code_unique")]

    def __str__(self):
        return self.title


class CampaignSchool(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="campaign_schools")
    school = models.ForeignKey(School, verbose_name=_("学校"), on_delete=models.PROTECT, related_name="campaign_links")
    position = models.PositiveIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("专项督导学校")
        verbose_name_plural = _("专项督导学校")
        ordering = ["campaign", "position"]
        constraints = [models.UniqueConstraint(fields=["campaign", "school"], name="one_link_per_campaign_school")]


class CampaignVisit(models.Model):
    """A special visit (Visit.kind = SPECIAL) made for this campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="campaign_visits")
    visit = models.OneToOneField(Visit, on_delete=models.CASCADE, related_name="campaign_link")

    class Meta:
        verbose_name = _("专项督导入校记录")
        verbose_name_plural = _("专项督导入校记录")
