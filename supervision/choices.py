from django.db import models
from django.utils.translation import gettext_lazy as _


class OfficeLevel(models.TextChoices):
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("区县级")


class SupervisorKind(models.TextChoices):
    FULL_TIME = "full_time", _("专职督学")
    PART_TIME = "part_time", _("兼职督学")


class ZoneCategory(models.TextChoices):
    # Offices re-draw zones by these categories (seed 003 §三(一)4; seed 004 tutoring zones).
    URBAN_SCHOOLS = "urban_schools", _("城区学校")
    TOWNSHIP_SCHOOLS = "township_schools", _("乡镇学校")
    THROUGH_TRAIN = "through_train", _("一贯制学校")
    SINGLE_STAGE = "single_stage", _("独立学校")
    PUBLIC_KINDERGARTENS = "public_kg", _("公办幼儿园")
    PRIVATE_KINDERGARTENS = "private_kg", _("民办幼儿园")
    TUTORING = "tutoring", _("校外培训机构")


class Role(models.TextChoices):
    """The five roles; each is also a Django group of the same name."""

    OFFICE_ADMIN = "office_admin", _("督导室管理员")
    DIRECTOR = "director", _("督导室主任")
    SUPERVISOR = "supervisor", _("责任督学")
    SCHOOL_USER = "school_user", _("学校联系人")
    VIEWER = "viewer", _("上级督导室")
    AUDITOR = "auditor", _("安全审计员")
