from django.db import models
from django.utils.translation import gettext_lazy as _


class ZoneMonthlyReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    FILED = "filed", _("已报送")


class FilingState(models.TextChoices):
    """How a zone stands for a month on the office's status page (derived, never stored)."""

    ON_TIME = "on_time", _("已按时报送")
    LATE = "late", _("逾期报送")
    DRAFT = "draft", _("草稿未报送")
    MISSING = "missing", _("未生成")
