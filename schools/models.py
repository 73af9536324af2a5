from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from supervision.models import Office, Zone, phone_validator

from .choices import Location, Ownership, SchoolKind

school_code_validator = RegexValidator(r"^\d{10}$", _("学校标识码应为10位数字。"))


class School(models.Model):
    """A school, kindergarten or tutoring institution under an office's supervision."""

    office = models.ForeignKey(Office, verbose_name=_("督导室"), on_delete=models.PROTECT, related_name="schools")
    zone = models.ForeignKey(
        Zone, verbose_name=_("责任区"), null=True, blank=True, on_delete=models.SET_NULL, related_name="schools"
    )
    code = models.CharField(_("学校标识码"), max_length=10, unique=True, validators=[school_code_validator])
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=32, choices=SchoolKind.choices)
    ownership = models.CharField(_("办学性质"), max_length=16, choices=Ownership.choices, default=Ownership.PUBLIC)
    location = models.CharField(_("城乡分类"), max_length=16, choices=Location.choices, default=Location.URBAN)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    principal = models.CharField(_("校长/园长"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True, validators=[phone_validator])
    is_active = models.BooleanField(_("在办"), default=True)

    class Meta:
        verbose_name = _("学校")
        verbose_name_plural = _("学校")
        ordering = ["office", "code"]
        permissions = [("act_for_school", _("以学校联系人身份办理"))]
        indexes = [models.Index(fields=["office", "kind"]), models.Index(fields=["zone", "is_active"])]

    def __str__(self):
        return self.name

    @property
    def is_kindergarten(self) -> bool:
        return self.kind == SchoolKind.KINDERGARTEN


class SchoolUserObjectPermission(UserObjectPermissionBase):
    """Direct-FK guardian table for school users (学校联系人)."""

    content_object = models.ForeignKey(School, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        abstract = False
