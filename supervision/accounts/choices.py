from django.db import models
from django.utils.translation import gettext_lazy as _


class TokenStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    EXPIRED = "expired", _("已过期")
    REVOKED = "revoked", _("已撤销")
