"""Sign-in security (等保 2.0 三级 身份鉴别): API tokens — named, expiring, revocable, kept only as a
SHA-256 hash — and where a login's password stands (set by someone else, and how old it is)."""
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



class PasswordState(models.Model):
    """One row per login whose password was set through the services. No row (the demo's logins, a
    test's factory user) means nobody else set it; its age then counts from the account's creation."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="password_state"
    )
    # Set by an admin (a new login, a reset, a password set for them): the user must choose their own.
    must_change = models.BooleanField(_("须修改密码"), default=False)
    changed_at = models.DateTimeField(_("密码设置时间"), null=True, blank=True)
    # changed_at + the office's 密码有效期, kept here so an API call by token reads it with the token.
    expires_at = models.DateTimeField(_("密码过期时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("密码状态")
        verbose_name_plural = _("密码状态")

    def __str__(self):
        return str(self.user)
