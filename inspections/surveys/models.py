"""Social-satisfaction surveys (社会满意度调查): questionnaires to students, parents and teachers,
published to schools through public links (QR posters), answered anonymously on a phone."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from schools.models import School
from supervision.models import Office
from supervision.site import site_url

from .choices import SCALE_LEVELS, Audience, OncePer, QuestionKind, SurveyStatus


class Survey(models.Model):
    office = models.ForeignKey(Office, verbose_name=_("督导室"), on_delete=models.PROTECT, related_name="surveys")
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("标题"), max_length=100)
    intro = models.TextField(_("卷首语"), blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT)
    once_per = models.CharField(_("防重复作答"), max_length=16, choices=OncePer.choices, default=OncePer.DEVICE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("满意度调查")
        verbose_name_plural = _("满意度调查")
        ordering = ["-year", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"


class Question(models.Model):
    survey = models.ForeignKey(Survey, verbose_name=_("问卷"), on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("序号"), default=0)
    kind = models.CharField(_("题型"), max_length=16, choices=QuestionKind.choices)
    text = models.CharField(_("题目"), max_length=300)
    options = models.JSONField(_("选项"), default=list, blank=True)
    required = models.BooleanField(_("必答"), default=True)

    class Meta:
        verbose_name = _("题目")
        verbose_name_plural = _("题目")
        ordering = ["survey", "order", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def choices(self) -> list[str]:
        """The options a person picks from (the five levels for a scale question)."""
        if self.kind == QuestionKind.SCALE:
            return [str(level) for level in SCALE_LEVELS]
        return list(self.options or [])


class SurveyLink(models.Model):
    """One public link per (survey, school, audience): what the QR poster at that school points to."""

    survey = models.ForeignKey(Survey, verbose_name=_("问卷"), on_delete=models.CASCADE, related_name="links")
    school = models.ForeignKey(School, verbose_name=_("学校"), on_delete=models.PROTECT, related_name="survey_links")
    audience = models.CharField(_("调查对象"), max_length=16, choices=Audience.choices)
    token = models.CharField(_("链接标识"), max_length=32, unique=True)

    class Meta:
        verbose_name = _("问卷链接")
        verbose_name_plural = _("问卷链接")
        ordering = ["survey", "school__code", "audience"]
        constraints = [models.UniqueConstraint(fields=["survey", "school", "audience"], name="survey_link_unique")]

    def __str__(self) -> str:
        return f"{self.survey} · {self.school} · {self.get_audience_display()}"

    @property
    def path(self) -> str:
        return reverse("surveys:answer", args=[self.token])

    @property
    def public_url(self) -> str:
        return site_url() + self.path


class AccessCode(models.Model):
    """A single-use code printed for one link (once_per = code): each code answers once."""

    link = models.ForeignKey(SurveyLink, verbose_name=_("问卷链接"), on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(_("访问码"), max_length=16)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("访问码")
        verbose_name_plural = _("访问码")
        ordering = ["link", "pk"]
        constraints = [models.UniqueConstraint(fields=["link", "code"], name="survey_code_unique")]

    def __str__(self) -> str:
        return self.code


class Response(models.Model):
    """One submitted questionnaire (答卷). Anonymous: no user, no IP; only a hash of the device token
    or the access code used, so the same device or code cannot answer twice."""

    link = models.ForeignKey(SurveyLink, verbose_name=_("问卷链接"), on_delete=models.PROTECT, related_name="responses")
    # Copies of the link's survey, school and audience: the results group by them without joins.
    survey = models.ForeignKey(Survey, verbose_name=_("问卷"), on_delete=models.CASCADE, related_name="responses")
    school = models.ForeignKey(School, verbose_name=_("学校"), on_delete=models.PROTECT, related_name="survey_responses")
    audience = models.CharField(_("调查对象"), max_length=16, choices=Audience.choices)
    device_hash = models.CharField(_("设备标识摘要"), max_length=64, blank=True)
    access_code = models.OneToOneField(
        AccessCode, verbose_name=_("访问码"), null=True, blank=True, on_delete=models.PROTECT, related_name="response"
    )
    fill_seconds = models.PositiveIntegerField(_("作答用时(秒)"), default=0)
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("答卷")
        verbose_name_plural = _("答卷")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["link", "device_hash"], condition=~models.Q(device_hash=""), name="survey_response_once_per_device"
            )
        ]
        indexes = [models.Index(fields=["survey", "school", "audience"])]


class Answer(models.Model):
    """One picked option (a multiple-choice question gives one row per option ticked) or one text."""

    response = models.ForeignKey(Response, verbose_name=_("答卷"), on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, verbose_name=_("题目"), on_delete=models.CASCADE, related_name="answers")
    option = models.PositiveSmallIntegerField(_("选项"), null=True, blank=True)
    text = models.TextField(_("填写内容"), blank=True)

    class Meta:
        verbose_name = _("答案")
        verbose_name_plural = _("答案")
        indexes = [models.Index(fields=["question", "option"])]
