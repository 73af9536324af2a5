import datetime as dt

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from supervision import clock
from supervision.models import Office, Zone, phone_validator

from .choices import Location, Ownership, SchoolKind

school_code_validator = RegexValidator(r"^\d{10}$", _("学校标识码应为10位数字。"))


class MembershipQuerySet(models.QuerySet):
    """Periods of a membership, half-open ``[valid_from, valid_to)``: ``valid_to`` is the first day no
    longer in it; an open period (``valid_to`` empty) is the current one."""

    def on(self, day: dt.date):
        """The periods that include ``day``."""
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day), valid_from__lte=day)

    def overlapping(self, start: dt.date, end: dt.date):
        """The periods sharing at least one day with ``[start, end]`` (both included)."""
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=start), valid_from__lte=end)

    def current(self):
        return self.filter(valid_to__isnull=True)


class SchoolQuerySet(models.QuerySet):
    def on(self, day: dt.date, *, office=None, zone=None, offices=None, zones=None):
        """Schools in the roster on ``day`` — of an office (or offices), of a zone (or zones) if given —
        by their membership of that day (``SchoolMembership``)."""
        periods = SchoolMembership.objects.on(day).filter(school=OuterRef("pk"))
        for name, value in (("office", office), ("zone", zone)):
            if value is not None:
                periods = periods.filter(**{name: value})
        for name, values in (("office__in", offices), ("zone__in", zones)):
            if values is not None:
                periods = periods.filter(**{name: values})
        return self.filter(Exists(periods))

    def current(self, **scope):
        """Schools in the roster today (an open membership period), optionally of an office or zone."""

        return self.on(clock.today(), **scope)

    def with_current_zone(self):
        """Each school with its open membership (``school.current_zone``) in one more query."""
        return self.prefetch_related(
            models.Prefetch(
                "memberships", queryset=SchoolMembership.objects.current().select_related("zone"),
                to_attr="open_memberships",
            )
        )


class School(models.Model):
    """A school, kindergarten or tutoring institution under an office's supervision.

    Where it belonged on a day — which office's roster, which zone — is in its memberships
    (``SchoolMembership``), never on the school itself: it opened with its first period, closed with
    the end of its last, and ``office`` is the office that keeps its record now (its latest period's).
    """

    office = models.ForeignKey(Office, verbose_name=_("督导室"), on_delete=models.PROTECT, related_name="schools")
    code = models.CharField(_("学校标识码"), max_length=10, unique=True, validators=[school_code_validator])
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=32, choices=SchoolKind.choices)
    ownership = models.CharField(_("办学性质"), max_length=16, choices=Ownership.choices, default=Ownership.PUBLIC)
    location = models.CharField(_("城乡分类"), max_length=16, choices=Location.choices, default=Location.URBAN)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    principal = models.CharField(_("校长/园长"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True, validators=[phone_validator])
    merged_into = models.ForeignKey(
        "self", verbose_name=_("并入学校"), null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from"
    )

    objects = SchoolQuerySet.as_manager()

    class Meta:
        verbose_name = _("学校")
        verbose_name_plural = _("学校")
        ordering = ["office", "code"]
        permissions = [("act_for_school", _("以学校联系人身份办理"))]
        indexes = [models.Index(fields=["office", "kind"])]

    def __str__(self):
        return self.name

    def refresh_from_db(self, *args, **kwargs):
        self.__dict__.pop("open_memberships", None)  # the cached current period, re-read on next use
        super().refresh_from_db(*args, **kwargs)

    @property
    def open_membership(self) -> "SchoolMembership | None":
        """The current period (``SchoolQuerySet.with_current_zone`` prefetches it), or None once closed."""
        cached = getattr(self, "open_memberships", None)
        if cached is None:
            cached = self.open_memberships = list(self.memberships.current().select_related("zone"))
        return cached[0] if cached else None

    @property
    def current_zone(self) -> Zone | None:
        membership = self.open_membership
        return membership.zone if membership else None

    @property
    def is_active(self) -> bool:
        """在办: in the roster today — it has an open membership period."""
        return self.open_membership is not None

    @property
    def is_kindergarten(self) -> bool:
        return self.kind == SchoolKind.KINDERGARTEN


class SchoolUserObjectPermission(UserObjectPermissionBase):
    """Direct-FK guardian table for school users (学校联系人)."""

    content_object = models.ForeignKey(School, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        abstract = False


class SchoolMembership(models.Model):
    """One period of a school in an office's roster and (optionally) one of its zones:
    ``[valid_from, valid_to)`` — ``valid_to`` is the first day it no longer belongs (empty: still
    does). A school's periods never overlap (``schools.services`` refuses it). Every figure "as at" a
    day, and who may see what, reads the period of that day (STYLE "Memberships are periods")."""

    school = models.ForeignKey(School, verbose_name=_("学校"), on_delete=models.CASCADE, related_name="memberships")
    office = models.ForeignKey(
        Office, verbose_name=_("督导室"), on_delete=models.PROTECT, related_name="school_memberships"
    )
    zone = models.ForeignKey(
        Zone, verbose_name=_("责任区"), null=True, blank=True, on_delete=models.PROTECT, related_name="school_memberships"
    )
    valid_from = models.DateField(_("起始日期"), default=clock.today)
    valid_to = models.DateField(_("截止日期(不含)"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("学校隶属记录")
        verbose_name_plural = _("学校隶属记录")
        ordering = ["school", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                name="school_membership_ends_after_it_starts",
            ),
            models.UniqueConstraint(
                fields=["school"], condition=Q(valid_to__isnull=True), name="school_has_one_open_membership"
            ),
        ]
        indexes = [
            models.Index(fields=["school", "valid_from"]),
            models.Index(fields=["zone", "valid_from"]),
            models.Index(fields=["office", "valid_from"]),
        ]

    def __str__(self):
        return f"{self.school_id} {self.valid_from}–{self.valid_to or ''}"

    @property
    def last_day(self) -> dt.date | None:
        """The last day in this period (the day before ``valid_to``)."""
        return self.valid_to - dt.timedelta(days=1) if self.valid_to else None
