from django.conf import settings
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from . import clock
from .choices import OfficeLevel, SupervisorKind, ZoneCategory

phone_validator = RegexValidator(
    r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$", _("请输入有效的手机号(11位)或固定电话(如 0435-1234567)。")
)
division_code_validator = RegexValidator(r"^\d{6}$", _("行政区划代码应为6位数字。"))


class Office(models.Model):
    """A supervision office (教育督导室). County offices are the tenants; city and
    province offices above them are the higher authorities (上级) that see roll-ups."""

    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("级别"), max_length=16, choices=OfficeLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级督导室"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    division_code = models.CharField(
        _("行政区划代码"), max_length=6, unique=True, validators=[division_code_validator]
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True, validators=[phone_validator])
    email = models.EmailField(_("电子邮箱"), blank=True)
    # Supervisors may enter visits and acts dated in this month and this many months before it; older
    # records are entered by those holding 补录 (backfill_office).
    late_entry_months = models.PositiveSmallIntegerField(
        _("补填期限(月)"), default=1, validators=[MaxValueValidator(12)],
        help_text=_("责任督学可补填本月及之前几个月的督导记录;更早的记录由有“补录”权限的人员录入。"),
    )
    # 等保 2.0 三级 身份鉴别: passwords changed regularly, a second factor for the office's staff.
    password_max_age_days = models.PositiveSmallIntegerField(
        _("密码有效期(天)"), default=0, blank=True, validators=[MaxValueValidator(3650)],
        help_text=_("本督导室用户的密码超过这么多天未修改即过期，登录后须先修改；0 或不填表示不过期。"),
    )
    require_2fa_for_staff = models.BooleanField(
        _("管理员和主任须使用动态口令"), default=False,
        help_text=_("勾选后，本督导室的管理员和主任登录时除密码外还须输入手机验证器上的动态口令。"),
    )

    class Meta:
        verbose_name = _("督导室")
        verbose_name_plural = _("督导室")
        ordering = ["division_code"]
        permissions = [
            ("oversee_office", _("查看本督导室及下级督导室")),
            ("direct_office", _("主持督导室工作(主任)")),
            ("manage_office", _("管理督导室名册")),
            ("backfill_office", _("补录历史记录")),
        ]

    def __str__(self):
        return self.name


class OfficeUserObjectPermission(UserObjectPermissionBase):
    """Direct-FK guardian table: checks stay fast at scale (guardian #68, #151)."""

    content_object = models.ForeignKey(Office, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        abstract = False


class Supervisor(models.Model):
    """A supervisor (督学) appointed by an office; part-timers keep their employer and title."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("登录账号"), on_delete=models.CASCADE, related_name="supervisor"
    )
    office = models.ForeignKey(Office, verbose_name=_("督导室"), on_delete=models.PROTECT, related_name="supervisors")
    name = models.CharField(_("姓名"), max_length=50)
    kind = models.CharField(_("类别"), max_length=16, choices=SupervisorKind.choices, default=SupervisorKind.FULL_TIME)
    phone = models.CharField(_("手机号"), max_length=20, unique=True, validators=[phone_validator])
    photo = models.ImageField(_("照片"), upload_to="supervisors/", blank=True)
    employer = models.CharField(_("工作单位"), max_length=100, blank=True)
    title = models.CharField(_("职务/职称"), max_length=100, blank=True)
    duties = models.TextField(_("督导职责"), blank=True)
    is_active = models.BooleanField(_("在岗"), default=True)

    class Meta:
        verbose_name = _("督学")
        verbose_name_plural = _("督学")
        ordering = ["office", "name"]

    def __str__(self):
        return self.name


class Zone(models.Model):
    """A responsibility zone (督学责任区): schools plus one or more supervisors, one of them lead."""

    office = models.ForeignKey(Office, verbose_name=_("督导室"), on_delete=models.PROTECT, related_name="zones")
    name = models.CharField(_("名称"), max_length=100)
    category = models.CharField(_("类别"), max_length=32, choices=ZoneCategory.choices)
    description = models.TextField(_("说明"), blank=True)
    supervisors = models.ManyToManyField(
        Supervisor, verbose_name=_("责任督学"), through="ZoneAssignment", related_name="zones", blank=True
    )

    class Meta:
        verbose_name = _("督学责任区")
        verbose_name_plural = _("督学责任区")
        ordering = ["office", "name"]
        constraints = [models.UniqueConstraint(fields=["office", "name"], name="zone_name_unique_in_office")]

    def __str__(self):
        return self.name


class AssignmentQuerySet(models.QuerySet):
    """Periods ``[valid_from, valid_to)`` of supervisors in zones (see schools.models.MembershipQuerySet)."""

    def on(self, day):
        return self.filter(models.Q(valid_to__isnull=True) | models.Q(valid_to__gt=day), valid_from__lte=day)

    def overlapping(self, start, end):
        return self.filter(models.Q(valid_to__isnull=True) | models.Q(valid_to__gt=start), valid_from__lte=end)

    def current(self):
        return self.filter(valid_to__isnull=True)


class ZoneAssignment(models.Model):
    """One period of a supervisor in a zone (and whether they led it), ``[valid_from, valid_to)``;
    the open period is the current assignment. Access is derived from these rows, so re-drawing a
    zone changes who sees which school at once, while the history says who was responsible when."""

    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="assignments")
    supervisor = models.ForeignKey(Supervisor, on_delete=models.CASCADE, related_name="assignments")
    is_lead = models.BooleanField(_("组长"), default=False)
    valid_from = models.DateField(_("起始日期"), default=clock.today)
    valid_to = models.DateField(_("截止日期(不含)"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("责任区督学")
        verbose_name_plural = _("责任区督学")
        ordering = ["zone", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gt=models.F("valid_from")),
                name="zone_assignment_ends_after_it_starts",
            ),
            models.UniqueConstraint(
                fields=["zone", "supervisor"], condition=models.Q(valid_to__isnull=True), name="zone_supervisor_once"
            ),
            models.UniqueConstraint(
                fields=["zone"], condition=models.Q(is_lead=True, valid_to__isnull=True), name="zone_has_one_lead"
            ),
        ]
        indexes = [models.Index(fields=["supervisor", "valid_from"]), models.Index(fields=["zone", "valid_from"])]

    @property
    def last_day(self):
        """The last day in this period (the day before ``valid_to``)."""
        import datetime as dt

        return self.valid_to - dt.timedelta(days=1) if self.valid_to else None


class Throttle(models.Model):
    """Attempts counted per key and time window (flood protection of the public forms: surveys
    answered without login, complaints from a plaque page). Kept in the database so every server
    process shares the count; see supervision.throttle."""

    scope = models.CharField(max_length=32)
    key = models.CharField(max_length=64)  # sha256 of what is counted (an IP, a device), never the IP itself
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key", "window_start"], name="one_throttle_row_per_window")]
        indexes = [models.Index(fields=["window_start"])]


class OutboxMessage(models.Model):
    """A task for the worker, written in the same transaction as the change that causes it (the
    transactional outbox): a broker that is down when the change commits loses nothing — the row
    stays unsent and ``supervision.outbox.drain`` sends it once the broker is back. See
    supervision/outbox.py."""

    task = models.CharField(_("任务"), max_length=200)
    args = models.JSONField(_("参数"), default=list)
    created_at = models.DateTimeField(_("创建时间"), default=clock.now)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("发送次数"), default=0)
    last_error = models.TextField(_("最近一次错误"), blank=True)

    class Meta:
        verbose_name = _("待发送任务")
        verbose_name_plural = _("待发送任务")
        ordering = ["pk"]
        # The drain reads only the unsent rows, oldest first.
        indexes = [models.Index(fields=["id"], condition=models.Q(sent_at=None), name="outbox_unsent")]

    def __str__(self) -> str:
        return f"{self.task}{self.args}"
