from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    """States of a supervision case (督导案例); allowed moves are in cases.services.MACHINE."""

    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    RETURNED = "returned", _("已退回")
    ACCEPTED = "accepted", _("已采纳")
    EXCELLENT = "excellent", _("优秀案例")
    RECOMMENDED = "recommended", _("已推荐上报")


class CaseAction(models.TextChoices):
    CREATED = "created", _("创建")
    EDITED = "edited", _("修改")
    SUBMITTED = "submit", _("提交")
    RETURNED = "return", _("退回修改")
    ACCEPTED = "accept", _("采纳")
    EXCELLENT = "excellent", _("评为优秀案例")
    RECOMMENDED = "recommend", _("推荐上报")
    FILE_ADDED = "file_added", _("上传附件")
    FILE_REMOVED = "file_removed", _("删除附件")
