"""The audit log: entries chained by SHA-256, each sealing the one before it (等保 2.0 安全审计)."""
from __future__ import annotations

import datetime as dt
import hashlib
import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import AuditAction


class AppendOnly(Exception):
    """An audit entry is never changed or deleted, except by the retention's prune."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("审计日志只能追加,不能修改。")

    def delete(self):
        raise AppendOnly("审计日志只能追加,不能删除;过期记录由 audit_prune 清理。")


class AuditEntry(models.Model):
    """One audited act. ``hash = sha256(prev_hash + canonical())``: editing an entry breaks its own
    hash, deleting one breaks the next entry's ``prev_hash`` (or the chain's head)."""

    seq = models.PositiveBigIntegerField(_("序号"), unique=True)
    at = models.DateTimeField(_("时间"), db_index=True)
    # No database constraint: an entry outlives the user or office it names, and is never updated.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
        on_delete=models.DO_NOTHING, db_constraint=False, related_name="+",
    )
    actor_name = models.CharField(_("操作人账号"), max_length=150, blank=True)
    office = models.ForeignKey(
        "supervision.Office", verbose_name=_("督导室"), null=True, blank=True,
        on_delete=models.DO_NOTHING, db_constraint=False, related_name="+",
    )
    action = models.CharField(_("操作"), max_length=32, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True, db_index=True)
    object_id = models.CharField(_("对象编号"), max_length=100, blank=True)
    object_repr = models.CharField(_("对象"), max_length=300, blank=True)
    changes = models.JSONField(_("变更(前 → 后)"), default=dict, blank=True)
    details = models.JSONField(_("详情"), default=dict, blank=True)
    address = models.CharField(_("地址"), max_length=45, blank=True)
    user_agent = models.CharField(_("浏览器"), max_length=300, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-seq"]
        indexes = [models.Index(fields=["office", "at"])]

    def __str__(self):
        return f"#{self.seq} {self.action} {self.object_repr}"

    def canonical(self) -> str:
        """The entry as the hash seals it: every field but the hashes, in a fixed order."""
        return json.dumps(
            {
                "seq": self.seq,
                "at": self.at.astimezone(dt.timezone.utc).isoformat(),
                "actor": self.actor_id,
                "actor_name": self.actor_name,
                "office": self.office_id,
                "action": self.action,
                "object_type": self.object_type,
                "object_id": self.object_id,
                "object_repr": self.object_repr,
                "changes": self.changes,
                "details": self.details,
                "address": self.address,
                "user_agent": self.user_agent,
            },
            sort_keys=True, ensure_ascii=False, separators=(",", ":"),
        )

    def compute_hash(self) -> str:
        return hashlib.sha256((self.prev_hash + self.canonical()).encode("utf-8")).hexdigest()

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("审计日志只能追加,不能修改。")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("审计日志只能追加,不能删除;过期记录由 audit_prune 清理。")


class AuditChain(models.Model):
    """The chain's two ends, one row: the head (last entry written) and the anchor (the last entry
    pruned, so the first kept entry still proves its link)."""

    head_seq = models.PositiveBigIntegerField(default=0)
    head_hash = models.CharField(max_length=64, blank=True)
    anchor_seq = models.PositiveBigIntegerField(default=0)
    anchor_hash = models.CharField(max_length=64, blank=True)


class AuditorOffice(models.Model):
    """The office whose log an auditor (安全审计员) reads — with the offices below it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="audit_offices")
    office = models.ForeignKey("supervision.Office", on_delete=models.CASCADE, related_name="auditors")

    class Meta:
        verbose_name = _("安全审计员")
        verbose_name_plural = _("安全审计员")
        constraints = [models.UniqueConstraint(fields=["user", "office"], name="auditor_once_per_office")]

    def __str__(self):
        return f"{self.user} @ {self.office}"
