from django.db import models
from django.utils.translation import gettext_lazy as _


class SchoolKind(models.TextChoices):
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")
    NINE_YEAR = "nine_year", _("九年一贯制")
    TWELVE_YEAR = "twelve_year", _("十二年一贯制")
    COMPLETE_SECONDARY = "complete_secondary", _("完全中学")
    SENIOR = "senior", _("高中")
    KINDERGARTEN = "kindergarten", _("幼儿园")
    ADULT = "adult", _("成人文化技术学校")
    TUTORING = "tutoring", _("校外培训机构")


class Ownership(models.TextChoices):
    PUBLIC = "public", _("公办")
    PRIVATE = "private", _("民办")


class Location(models.TextChoices):
    URBAN = "urban", _("城区")
    TOWN = "town", _("镇区")
    RURAL = "rural", _("乡村")
