"""Scored evaluations: indicator systems (评估指标体系), rounds, the schools in them and their scores.

One shape serves the kindergarten conduct evaluation (自评 → 县级实地督评 → 市级复评) and the
assessments of schools (目标管理考核 ranked by total; "a类校" acceptance passed against a mark).
"""
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from inspections.models import Problem
from schools.models import School
from supervision.models import Office

from .choices import SchemeKind, Stage


class Scheme(models.Model):
    """An office's indicator system for one kind of evaluation and one year; locked once scoring starts."""

    office = models.ForeignKey(Office, verbose_name=_("督导室"), on_delete=models.PROTECT, related_name="evaluation_schemes")
    year = models.PositiveIntegerField(_("年度"))
    kind = models.CharField(_("评估类型"), max_length=16, choices=SchemeKind.choices)
    name = models.CharField(_("名称"), max_length=100)
    # Level thresholds on the total (优秀/良好/合格; below 合格 is 不合格).
    excellent_min = models.DecimalField(_("优秀分数线"), max_digits=6, decimal_places=1, default=Decimal("90"))
    good_min = models.DecimalField(_("良好分数线"), max_digits=6, decimal_places=1, default=Decimal("80"))
    pass_min = models.DecimalField(_("合格分数线"), max_digits=6, decimal_places=1, default=Decimal("60"))
    # An indicator scored below this share of its points is weak (薄弱项), e.g. 0.6.
    weak_share = models.DecimalField(
        _("薄弱项得分率"), max_digits=3, decimal_places=2, default=Decimal("0.60"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("评估指标体系")
        verbose_name_plural = _("评估指标体系")
        ordering = ["office", "-year", "kind", "pk"]
        constraints = [models.UniqueConstraint(fields=["office", "year", "kind", "name"], name="evaluation_scheme_unique")]

    def __str__(self):
        return f"{self.year} {self.name}"

    @property
    def stages(self) -> list[str]:
        if self.kind == SchemeKind.KINDERGARTEN:
            return [Stage.SELF, Stage.COUNTY, Stage.CITY]
        return [Stage.COUNTY]


class Indicator(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="indicators")
    area = models.CharField(_("评估领域"), max_length=50)
    code = models.CharField(_("编码"), max_length=16)
    title = models.CharField(_("指标"), max_length=200)
    max_points = models.DecimalField(
        _("分值"), max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )
    guidance = models.TextField(_("评分说明"), blank=True)
    order = models.PositiveIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("评估指标")
        verbose_name_plural = _("评估指标")
        ordering = ["scheme", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="evaluation_indicator_code_unique")]

    def __str__(self):
        return f"{self.code} {self.title}"


class Round(models.Model):
    """One evaluation or assessment carried out with a scheme (e.g. 2026年幼儿园办园行为督导评估)."""

    scheme = models.ForeignKey(Scheme, verbose_name=_("指标体系"), on_delete=models.PROTECT, related_name="rounds")
    office = models.ForeignKey(Office, verbose_name=_("督导室"), on_delete=models.PROTECT, related_name="evaluation_rounds")
    year = models.PositiveIntegerField(_("年度"))
    name = models.CharField(_("名称"), max_length=100)
    self_evaluation = models.BooleanField(_("要求自评"), default=True)
    notes = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("评估轮次")
        verbose_name_plural = _("评估轮次")
        ordering = ["office", "-year", "-pk"]
        indexes = [models.Index(fields=["office", "year"])]

    def __str__(self):
        return self.name

    @property
    def stages(self) -> list[str]:
        stages = self.scheme.stages
        return stages if self.self_evaluation else [s for s in stages if s != Stage.SELF]


class Entry(models.Model):
    """A school or kindergarten taking part in a round, with its notes and rectification follow-up."""

    round = models.ForeignKey(Round, verbose_name=_("评估轮次"), on_delete=models.CASCADE, related_name="entries")
    school = models.ForeignKey(School, verbose_name=_("学校"), on_delete=models.PROTECT, related_name="evaluation_entries")
    notes = models.TextField(_("评估意见"), blank=True)
    # Weak results turned into rectification tickets: a follow-up visit (回访) is due from this day.
    rectification_raised_on = models.DateField(_("整改下达日期"), null=True, blank=True)
    problems = models.ManyToManyField(Problem, verbose_name=_("整改问题"), blank=True, related_name="evaluation_entries")

    class Meta:
        verbose_name = _("参评学校")
        verbose_name_plural = _("参评学校")
        ordering = ["round", "school__code"]
        constraints = [models.UniqueConstraint(fields=["round", "school"], name="evaluation_entry_unique")]

    def __str__(self):
        return f"{self.round} · {self.school}"


class Score(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="scores")
    stage = models.CharField(_("评估阶段"), max_length=8, choices=Stage.choices)
    points = models.DecimalField(_("得分"), max_digits=5, decimal_places=1)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(_("录入时间"), auto_now=True)

    class Meta:
        verbose_name = _("得分")
        verbose_name_plural = _("得分")
        constraints = [
            models.UniqueConstraint(fields=["entry", "indicator", "stage"], name="evaluation_score_unique"),
        ]
        indexes = [models.Index(fields=["entry", "stage"])]
