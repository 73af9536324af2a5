"""Where a login's password stands (等保 2.0 三级 身份鉴别): set by someone else, and how old it is."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
