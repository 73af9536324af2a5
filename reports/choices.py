from django.db import models
from django.utils.translation import gettext_lazy as _


class JobKind(models.TextChoices):
    """The kinds of report job this app makes itself; other apps register theirs with
    ``reports.registry.register_job_spec`` (the Job model stores the key, not a fixed choice)."""

    PLAQUES = "plaques", _("挂牌督导公示牌(批量打印)")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("失败")


ACTIVE_STATUSES = (JobStatus.QUEUED, JobStatus.RUNNING)


class SubmissionPeriod(models.TextChoices):
    """What a package sent upward (报送) covers."""

    MONTH = "month", _("月度")
    YEAR = "year", _("年度")
