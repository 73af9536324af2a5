from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from supervision.models import Office

from .choices import ACTIVE_STATUSES, JobStatus, SubmissionPeriod
from .registry import JOB_SPECS


def job_result_path(job: "Job", filename: str) -> str:
    # Under MEDIA_ROOT, never served directly: downloads go through reports:job_download.
    return f"reports/jobs/{job.created_at:%Y/%m}/{filename}"


class Job(models.Model):
    """A background report job (a Celery task renders it; the page polls its progress).

    One row per requested document: the parameters say what to produce, the status and
    progress say how far it got, the result is the produced file.
    """

    # What the job makes: a key of reports.registry.JOB_SPECS (each app registers its kinds there,
    # so a new kind of document needs no migration here).
    kind = models.CharField(_("类型"), max_length=32)
    office = models.ForeignKey(Office, verbose_name=_("督导室"), on_delete=models.PROTECT, related_name="report_jobs")
    params = models.JSONField(_("参数"), default=dict, blank=True)
    # sha256 of the canonical parameters, so identical requests are found with one indexed lookup.
    params_key = models.CharField(max_length=64, editable=False)
    # sha256 of the data the result was made from: a succeeded job is reused only while it matches.
    data_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    status = models.CharField(_("状态"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("进度"), default=0, validators=[MaxValueValidator(100)])
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    result = models.FileField(_("结果文件"), upload_to=job_result_path, blank=True, max_length=255)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="report_jobs",
    )
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # Touched every few seconds while a worker renders the job: a running job whose heartbeat
    # stopped lost its worker (kill -9, OOM) and is swept to failed (reports.services.jobs_sweep_dead).
    heartbeat_at = models.DateTimeField(_("心跳时间"), null=True, blank=True)
    worker = models.CharField(_("工作进程"), max_length=200, blank=True)
    error = models.TextField(_("错误信息"), blank=True)

    class Meta:
        verbose_name = _("报表任务")
        verbose_name_plural = _("报表任务")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["office", "kind", "params_key", "status"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="job_progress_at_most_100"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    def get_kind_display(self) -> str:
        spec = JOB_SPECS.get(self.kind)
        return str(spec.label) if spec else self.kind

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class Submission(models.Model):
    """A package sent to the higher office (报送): the period's Excel and PDF in one zip, made by a
    report job from the data as filed. Who sent what and when is kept; the package never changes."""

    Period = SubmissionPeriod

    office = models.ForeignKey(Office, verbose_name=_("报送单位"), on_delete=models.PROTECT, related_name="submissions")
    recipient = models.ForeignKey(
        Office, verbose_name=_("接收单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="submissions_received"
    )
    period = models.CharField(_("报送周期"), max_length=8, choices=Period.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"), null=True, blank=True)
    note = models.TextField(_("报送说明"), blank=True)
    # The job that makes the zip: pressing "报送" twice for unchanged data gives one job, one submission.
    job = models.OneToOneField(Job, verbose_name=_("生成任务"), on_delete=models.PROTECT, related_name="submission")
    # What the package holds: [{"name", "title", "size", "sha256"}], written when the zip is made.
    manifest = models.JSONField(_("材料清单"), default=list, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("报送人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("报送时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("报送记录")
        verbose_name_plural = _("报送记录")
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["office", "year", "month"])]

    def __str__(self):
        return f"{self.office} {self.period_label}"

    @property
    def period_label(self) -> str:
        if self.period == self.Period.MONTH:
            return _("%(year)d年%(month)d月") % {"year": self.year, "month": self.month}
        return _("%(year)d年度") % {"year": self.year}
