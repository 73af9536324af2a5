"""API tokens (等保 2.0 三级 身份鉴别): named, expiring, revocable, kept only as a SHA-256 hash."""
import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from supervision import clock

from .choices import TokenStatus


def key_hash(key: str) -> str:
    """What is stored of a key: its SHA-256 (a key is 160 random bits, so no salt or slow hash is needed)."""
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """One key a login uses for the API (``Authorization: Token <key>``). The key itself is shown once
    at creation and never stored: only its hash (to recognise it) and its first characters (to tell
    tokens apart on the page)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("名称"), max_length=50)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("前缀"), max_length=8, editable=False)
    created_at = models.DateTimeField(_("创建时间"), default=clock.now)
    expires_at = models.DateTimeField(_("到期时间"))
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    last_used_address = models.CharField(_("最近使用地址"), max_length=45, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("撤销人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        verbose_name = _("API令牌")
        verbose_name_plural = _("API令牌")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name}({self.prefix}…)"

    @property
    def status(self) -> TokenStatus:
        if self.revoked_at is not None:
            return TokenStatus.REVOKED
        if self.expires_at <= clock.now():
            return TokenStatus.EXPIRED
        return TokenStatus.ACTIVE
