"""The monthly loop (经常性督导): plans, checklist templates, visits, checklists, photos, problems,
supervisors' monthly summaries. See DOMAIN.md "The monthly loop" and seed 003 §四."""
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from schools.models import School
from supervision.models import Office, Supervisor, Zone

from .choices import (
    Audience,
    ChecklistStatus,
    Conclusion,
    ItemSource,
    ProblemSource,
    RecheckMode,
    RecheckResult,
    Severity,
    VisitKind,
)

month_validators = [MinValueValidator(1), MaxValueValidator(12)]


class Plan(models.Model):
    """An office's annual plan (工作计划) for responsibility supervision."""

    office = models.ForeignKey(Office, verbose_name=_("督导室"), on_delete=models.PROTECT, related_name="plans")
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("标题"), max_length=200)
    # Checked every month that year (seed 003 备注: epidemic control and 双减), one topic a line.
    monthly_topics = models.TextField(_("每月必查事项"), blank=True, help_text=_("每行一项,将加入每月的督导清单。"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("年度工作计划")
        verbose_name_plural = _("年度工作计划")
        ordering = ["office", "-year"]
        constraints = [models.UniqueConstraint(fields=["office", "year"], name="one_plan_per_office_year")]

    def __str__(self):
        return self.title

    @property
    def monthly_topic_list(self) -> list[str]:
        return [line.strip() for line in self.monthly_topics.splitlines() if line.strip()]


class PlanMonth(models.Model):
    """One month of the plan: the focus for schools and for kindergartens, and other tasks."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="months")
    month = models.PositiveSmallIntegerField(_("月份"), validators=month_validators)
    school_focus = models.TextField(_("学校督导重点"), blank=True)
    kindergarten_focus = models.TextField(_("幼儿园督导重点"), blank=True)
    other_tasks = models.TextField(_("其他工作"), blank=True)
    # Codes of the standing checklist items this month focuses on: pre-selected in the checklist.
    school_item_codes = models.JSONField(_("学校重点事项"), default=list, blank=True)
    kindergarten_item_codes = models.JSONField(_("幼儿园重点事项"), default=list, blank=True)

    class Meta:
        verbose_name = _("月度重点")
        verbose_name_plural = _("月度重点")
        ordering = ["plan", "month"]
        constraints = [models.UniqueConstraint(fields=["plan", "month"], name="one_entry_per_plan_month")]

    def focus_codes(self, audience: str) -> list[str]:
        # The plan names a monthly focus for schools and for kindergartens; tutoring has none.
        return {Audience.SCHOOL: self.school_item_codes, Audience.KINDERGARTEN: self.kindergarten_item_codes}.get(
            audience, []
        )

    def focus_text(self, audience: str) -> str:
        return {Audience.SCHOOL: self.school_focus, Audience.KINDERGARTEN: self.kindergarten_focus}.get(audience, "")


class ChecklistTemplate(models.Model):
    """The standing items (八项/六项) an office checks, per year and audience. Every edit bumps the
    version; a checklist snapshots the wording it was filled against."""

    office = models.ForeignKey(Office, verbose_name=_("督导室"), on_delete=models.PROTECT, related_name="checklist_templates")
    year = models.PositiveSmallIntegerField(_("年度"))
    audience = models.CharField(_("适用对象"), max_length=16, choices=Audience.choices)
    title = models.CharField(_("名称"), max_length=200)
    version = models.PositiveIntegerField(_("版本"), default=1)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("督导清单模板")
        verbose_name_plural = _("督导清单模板")
        ordering = ["office", "-year", "audience"]
        constraints = [
            models.UniqueConstraint(fields=["office", "year", "audience"], name="one_template_per_office_year_audience")
        ]

    def __str__(self):
        return f"{self.title} v{self.version}"


class TemplateItem(models.Model):
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("编号"), max_length=16)
    title = models.CharField(_("督导事项"), max_length=200)
    guidance = models.TextField(_("督导要点"), blank=True)
    # Sub-points, one a line: what to look at on site.
    sub_points = models.TextField(_("检查细目"), blank=True)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("督导事项")
        verbose_name_plural = _("督导事项")
        ordering = ["template", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["template", "code"], name="item_code_unique_in_template")]

    def __str__(self):
        return self.title

    @property
    def sub_point_list(self) -> list[str]:
        return [line.strip() for line in self.sub_points.splitlines() if line.strip()]


class Visit(models.Model):
    """A school visit (入校督导). A joint visit lists every supervisor present; it is one visit to the
    school and one person-visit (人次) for each supervisor present."""

    office = models.ForeignKey(Office, verbose_name=_("督导室"), on_delete=models.PROTECT, related_name="visits")
    school = models.ForeignKey(School, verbose_name=_("学校"), on_delete=models.PROTECT, related_name="visits")
    date = models.DateField(_("督导日期"))
    arrived_at = models.TimeField(_("到校时间"), null=True, blank=True)
    left_at = models.TimeField(_("离校时间"), null=True, blank=True)
    methods = models.JSONField(_("督导方式"), default=list, blank=True)
    kind = models.CharField(_("督导类型"), max_length=16, choices=VisitKind.choices, default=VisitKind.ROUTINE)
    # The school's zone on the day of the visit: reports count a visit for the zone it was made in,
    # even if the school moves to another zone later in the year.
    zone = models.ForeignKey(
        Zone, verbose_name=_("责任区"), null=True, blank=True, on_delete=models.SET_NULL, related_name="visits"
    )
    supervisors = models.ManyToManyField(Supervisor, verbose_name=_("参加督学"), related_name="visits")
    created_by = models.ForeignKey(
        Supervisor, verbose_name=_("填报督学"), on_delete=models.PROTECT, related_name="visits_created"
    )
    # Who typed it in when not the supervisor themself: an office's 补录 of a past visit.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("补录人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    summary = models.TextField(_("督导小结"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("入校督导")
        verbose_name_plural = _("入校督导")
        ordering = ["-date", "-created_at"]
        indexes = [models.Index(fields=["office", "date"]), models.Index(fields=["school", "date"])]

    def __str__(self):
        return f"{self.school} {self.date:%Y-%m-%d}"


class Checklist(models.Model):
    """The checklist of one visit; submitting locks it, reopening needs a recorded reason."""

    visit = models.OneToOneField(Visit, on_delete=models.CASCADE, related_name="checklist")
    # Empty for a special inspection's checklist (专项督导): its items come from the campaign's own list.
    template = models.ForeignKey(
        ChecklistTemplate, null=True, blank=True, on_delete=models.PROTECT, related_name="checklists"
    )
    template_version = models.PositiveIntegerField(_("模板版本"))
    plan_month = models.ForeignKey(
        PlanMonth, verbose_name=_("月度重点"), null=True, blank=True, on_delete=models.SET_NULL, related_name="checklists"
    )
    status = models.CharField(_("状态"), max_length=16, choices=ChecklistStatus.choices, default=ChecklistStatus.DRAFT)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("督导清单")
        verbose_name_plural = _("督导清单")

    @property
    def is_locked(self) -> bool:
        return self.status == ChecklistStatus.SUBMITTED


class ChecklistAnswer(models.Model):
    """One item of a checklist, with the wording snapshotted from the template (or the plan's
    monthly topics) at the time the checklist was started."""

    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="answers")
    position = models.PositiveSmallIntegerField(_("顺序"))
    source = models.CharField(_("来源"), max_length=16, choices=ItemSource.choices, default=ItemSource.STANDING)
    code = models.CharField(_("编号"), max_length=16)
    title = models.CharField(_("督导事项"), max_length=200)
    guidance = models.TextField(_("督导要点"), blank=True)
    sub_points = models.TextField(_("检查细目"), blank=True)
    is_focus = models.BooleanField(_("本月重点"), default=False)
    conclusion = models.CharField(_("结论"), max_length=16, choices=Conclusion.choices, blank=True)
    notes = models.TextField(_("情况记录"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("清单事项")
        verbose_name_plural = _("清单事项")
        ordering = ["checklist", "position"]
        constraints = [models.UniqueConstraint(fields=["checklist", "code"], name="answer_code_unique_in_checklist")]

    def __str__(self):
        return self.title

    @property
    def sub_point_list(self) -> list[str]:
        return [line.strip() for line in self.sub_points.splitlines() if line.strip()]


class ChecklistReopening(models.Model):
    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="reopenings")
    reason = models.TextField(_("重新打开原因"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("清单重新打开记录")
        verbose_name_plural = _("清单重新打开记录")
        ordering = ["-at"]


def photo_path(instance, filename):
    return f"visits/{instance.answer.checklist.visit_id}/{instance.original_sha256[:16]}.jpg"


class Photo(models.Model):
    """A photo of an item, re-encoded and downscaled; the original's SHA-256 is kept."""

    answer = models.ForeignKey(ChecklistAnswer, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("照片"), upload_to=photo_path)
    original_sha256 = models.CharField(_("原图SHA-256"), max_length=64)
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("现场照片")
        verbose_name_plural = _("现场照片")
        ordering = ["uploaded_at"]


class Problem(models.Model):
    """A problem found on a checklist item (发现问题), with the rectification opinion (整改意见)
    and deadline (限期整改). The rectification workflow builds a ticket on each problem."""

    office = models.ForeignKey(Office, verbose_name=_("督导室"), on_delete=models.PROTECT, related_name="problems")
    school = models.ForeignKey(School, verbose_name=_("学校"), on_delete=models.PROTECT, related_name="problems")
    source = models.CharField(_("问题来源"), max_length=16, choices=ProblemSource.choices, default=ProblemSource.CHECKLIST)
    # Set for problems found on a visit's checklist (routine or special); empty for those raised by an
    # evaluation or a verified complaint.
    visit = models.ForeignKey(
        Visit, verbose_name=_("入校督导"), null=True, blank=True, on_delete=models.PROTECT, related_name="problems"
    )
    answer = models.ForeignKey(
        ChecklistAnswer, verbose_name=_("督导事项"), null=True, blank=True, on_delete=models.PROTECT, related_name="problems"
    )
    # The school's zone when the problem was found (see Visit.zone).
    zone = models.ForeignKey(
        Zone, verbose_name=_("责任区"), null=True, blank=True, on_delete=models.SET_NULL, related_name="problems"
    )
    item_code = models.CharField(_("事项编号"), max_length=16)
    item_title = models.CharField(_("问题类别"), max_length=200)
    description = models.TextField(_("问题描述"))
    severity = models.CharField(_("严重程度"), max_length=16, choices=Severity.choices, default=Severity.MINOR)
    opinion = models.TextField(_("整改意见"))
    deadline = models.DateField(_("整改期限"))
    found_on = models.DateField(_("发现日期"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("问题")
        verbose_name_plural = _("问题")
        ordering = ["-found_on", "-created_at"]
        indexes = [models.Index(fields=["office", "found_on"]), models.Index(fields=["school", "found_on"])]

    def __str__(self):
        return f"{self.school}:{self.description[:20]}"


class Recheck(models.Model):
    """A re-check (复查/回访) of an earlier problem: every month the supervisor re-checks last
    month's problems (seed 003 备注), on site during a visit or on the school's evidence."""

    problem = models.ForeignKey(Problem, verbose_name=_("问题"), on_delete=models.CASCADE, related_name="rechecks")
    visit = models.ForeignKey(
        Visit, verbose_name=_("回访时的入校督导"), null=True, blank=True, on_delete=models.CASCADE, related_name="rechecks"
    )
    date = models.DateField(_("复查日期"))
    mode = models.CharField(_("复查方式"), max_length=16, choices=RecheckMode.choices, default=RecheckMode.ON_SITE)
    result = models.CharField(_("复查结果"), max_length=16, choices=RecheckResult.choices)
    notes = models.TextField(_("复查情况"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("复查人"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("复查")
        verbose_name_plural = _("复查")
        ordering = ["-date", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["problem", "visit"], condition=models.Q(visit__isnull=False), name="one_recheck_per_problem_visit"
            )
        ]


class MonthlySummary(models.Model):
    """A supervisor's monthly summary report (月总结报告): figures from data plus free text."""

    supervisor = models.ForeignKey(Supervisor, verbose_name=_("督学"), on_delete=models.PROTECT, related_name="monthly_summaries")
    year = models.PositiveSmallIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"), validators=month_validators)
    text = models.TextField(_("总结"), blank=True)
    # Figures frozen at submission; while a draft, figures are computed live.
    figures = models.JSONField(_("数据"), default=dict, blank=True)
    submitted_on = models.DateField(_("提交日期"), null=True, blank=True)  # when it was submitted (补录: the real day)
    submitted_at = models.DateTimeField(_("录入时间"), null=True, blank=True)  # when the system recorded it
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("月总结报告")
        verbose_name_plural = _("月总结报告")
        ordering = ["-year", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["supervisor", "year", "month"], name="one_summary_per_supervisor_month")
        ]
