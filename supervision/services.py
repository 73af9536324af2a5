"""Writes that matter for offices, supervisors, zones and roles."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from schools.models import School

from . import clock
from .accounts.services import password_expiry_refresh, password_state_mark
from .access import ACT_FOR_SCHOOL, BACKFILL, ROLE_OFFICE_PERMS, office_roles_of
from .choices import OfficeLevel, Role, SupervisorKind, ZoneCategory
from .models import Office, OfficeUserObjectPermission, Supervisor, Zone, ZoneAssignment

User = get_user_model()


def rows_added(rows, add, *, field: str, label: str) -> None:
    """Add each row through ``add`` (the service that adds one), so a list obeys the same rules as a
    row added alone; a refused row is named by its number under ``field`` (``label`` takes n and error)."""
    for n, row in enumerate(rows, start=1):
        try:
            add(**row)
        except ValidationError as exc:
            raise ValidationError({field: [label % {"n": n, "error": message} for message in exc.messages]}) from None


def _group(role: str) -> Group:
    group, _created = Group.objects.get_or_create(name=role)
    return group


@transaction.atomic
def role_grant(*, user, role: str, office: Office | None = None, school: School | None = None) -> None:
    """Give a user a role: the group, plus the guardian permission on the office or school it scopes."""
    if role in ROLE_OFFICE_PERMS:
        if office is None:
            raise ValidationError({"office": _("该角色必须指定督导室。")})
        for codename in ROLE_OFFICE_PERMS[role]:
            assign_perm(f"supervision.{codename}", user, office)
    elif role == Role.SCHOOL_USER:
        if school is None:
            raise ValidationError({"school": _("学校联系人必须指定学校。")})
        assign_perm(f"schools.{ACT_FOR_SCHOOL}", user, school)
    elif role == Role.AUDITOR:
        if office is None:
            raise ValidationError({"office": _("该角色必须指定督导室。")})
        from .audit.models import AuditorOffice  # 安全审计员: reads the office's audit log, nothing else

        AuditorOffice.objects.get_or_create(user=user, office=office)
    elif role != Role.SUPERVISOR:
        raise ValidationError(_("未知角色:%(role)s") % {"role": role})
    user.groups.add(_group(role))
    user.__dict__.pop("_supervision_roles", None)


def _office_codenames(user) -> dict[int, set[str]]:
    """The office permissions a user holds, by office id (one query)."""
    held: dict[int, set[str]] = {}
    rows = OfficeUserObjectPermission.objects.filter(user=user).values_list("content_object_id", "permission__codename")
    for office_id, codename in rows:
        held.setdefault(office_id, set()).add(codename)
    return held


def _office_roles_held(user, office: Office) -> set[str]:
    return set(office_roles_of(_office_codenames(user).get(office.pk, set())))


def _has_login_scope(user) -> bool:
    """Whether a user still holds any role somewhere: an office permission, a school, a supervisor record."""
    from schools.models import SchoolUserObjectPermission

    from .audit.models import AuditorOffice

    return (
        AuditorOffice.objects.filter(user=user).exists()
        or OfficeUserObjectPermission.objects.filter(user=user).exists()
        or SchoolUserObjectPermission.objects.filter(user=user).exists()
        or Supervisor.objects.filter(user=user).exists()
    )


@transaction.atomic
def backfill_grant(*, user, office: Office, granted: bool = True) -> None:
    """Give (or take back) 补录: entering an office's past records with their real dates. Office
    admins hold it with their role; anyone of the office may be given it."""
    if granted:
        assign_perm(f"supervision.{BACKFILL}", user, office)
    else:
        remove_perm(f"supervision.{BACKFILL}", user, office)


@transaction.atomic
def role_revoke(
    *, user, role: str, office: Office | None = None, school: School | None = None, actor=None
) -> None:
    """Take a role on one office or school away. Permissions another role still needs on that office
    stay (an admin keeps reading when their director role goes), and so does the group while the role
    scopes another office or school. A login keeps at least one role — to stop it, deactivate it
    (停用) — and an admin does not revoke their own admin role (the office would lose its keeper)."""
    from schools.models import SchoolUserObjectPermission

    if role in ROLE_OFFICE_PERMS:
        if office is None:
            raise ValidationError({"office": _("该角色必须指定督导室。")})
        held = _office_roles_held(user, office)
        if role not in held:
            raise ValidationError(_("该用户在%(office)s没有“%(role)s”角色。") % {"office": office, "role": Role(role).label})
        if actor is not None and actor.pk == user.pk and role == Role.OFFICE_ADMIN:
            raise ValidationError(_("不能撤销自己的管理员角色,请由本督导室的其他管理员操作。"))
        kept = {perm for other in held - {role} for perm in ROLE_OFFICE_PERMS[other]}
        for codename in set(ROLE_OFFICE_PERMS[role]) - kept:
            remove_perm(f"supervision.{codename}", user, office)
        still = any(set(ROLE_OFFICE_PERMS[role]) <= held_on for held_on in _office_codenames(user).values())
    elif role == Role.SCHOOL_USER:
        if school is None:
            raise ValidationError({"school": _("学校联系人必须指定学校。")})
        if not SchoolUserObjectPermission.objects.filter(
            user=user, content_object=school, permission__codename=ACT_FOR_SCHOOL
        ).exists():
            raise ValidationError(_("该用户不是%(school)s的学校联系人。") % {"school": school})
        remove_perm(f"schools.{ACT_FOR_SCHOOL}", user, school)
        still = SchoolUserObjectPermission.objects.filter(user=user, permission__codename=ACT_FOR_SCHOOL).exists()
    elif role == Role.AUDITOR:
        from .audit.models import AuditorOffice

        if office is None:
            raise ValidationError({"office": _("该角色必须指定督导室。")})
        if not AuditorOffice.objects.filter(user=user, office=office).exists():
            raise ValidationError(_("该用户在%(office)s没有“%(role)s”角色。") % {"office": office, "role": Role(role).label})
        AuditorOffice.objects.filter(user=user, office=office).delete()
        still = AuditorOffice.objects.filter(user=user).exists()
    elif role == Role.SUPERVISOR:
        raise ValidationError(_("督学角色随督学名册:请将该督学设为不在岗。"))
    else:
        raise ValidationError(_("未知角色:%(role)s") % {"role": role})
    if not _has_login_scope(user):
        raise ValidationError(_("这是该用户唯一的角色;如需停止使用该账号,请停用账号。"))
    if not still:
        user.groups.remove(_group(role))
    user.__dict__.pop("_supervision_roles", None)


def password_check(password: str, *, user=None) -> None:
    """A password passes Django's validators (at least 8 characters, not common, not all digits),
    with their Chinese messages under ``password``."""
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None


@transaction.atomic
def office_user_create(
    *,
    username: str,
    name: str,
    password: str | None,
    role: str,
    office: Office | None = None,
    school: School | None = None,
    email: str = "",
):
    """Create a login for an office role (admin, director, viewer) or a school contact. Without a
    password the login cannot be used until the admin sets or resets one. Supervisors' logins are
    made with their record (``supervisor_save``)."""
    if role == Role.SUPERVISOR:
        raise ValidationError({"role": _("督学的登录账号在登记督学时创建，请先登记督学。")})
    username = (username or "").strip()
    if not username:
        raise ValidationError({"username": _("请填写登录名。")})
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": _("用户名“%(username)s”已存在。") % {"username": username}})
    if password:
        password_check(password, user=User(username=username, first_name=name, email=email))
    user = User.objects.create_user(username=username, password=password or None, first_name=name, email=email)
    role_grant(user=user, role=role, office=office, school=school)
    if password:  # chosen by the admin: the user picks their own at the first login
        password_state_mark(user=user, by_self=False)
    return user


LOGIN_NAME_PREFIX = "dx"  # 督学
PHONE_LIKE = re.compile(r"^\+?\d{7,}$")


def supervisor_login_name(office: Office) -> str:
    """A new supervisor's login name when the office gives none: ``dx`` + the office's division code +
    a number (dx220524001). Never the phone: the plaque prints that, so it would hand a stranger half
    of every supervisor's credentials."""
    prefix = f"{LOGIN_NAME_PREFIX}{office.division_code or office.pk}"
    taken = set(User.objects.filter(username__startswith=prefix).values_list("username", flat=True))
    number = 1
    while f"{prefix}{number:03d}" in taken:
        number += 1
    return f"{prefix}{number:03d}"


def login_name_check(username: str, *, user=None) -> str:
    """A login name an office chose for a supervisor: not a phone number, not anyone else's."""
    username = (username or "").strip()
    if PHONE_LIKE.match(username):
        raise ValidationError({"username": _("登录名不能是电话号码：公示牌上印有督学的手机号，请另起一个登录名（如姓名拼音）。")})
    if User.objects.filter(username=username).exclude(pk=getattr(user, "pk", None)).exists():
        raise ValidationError({"username": _("用户名“%(username)s”已存在。") % {"username": username}})
    return username


@transaction.atomic
def supervisor_save(
    *,
    office: Office,
    name: str,
    phone: str,
    kind: str = SupervisorKind.FULL_TIME,
    employer: str = "",
    title: str = "",
    duties: str = "",
    is_active: bool = True,
    password: str | None = None,
    supervisor: Supervisor | None = None,
    photo=None,
    username: str = "",
) -> Supervisor:
    """Create or update a supervisor and their login. The login name is ``username`` when given
    (checked by ``login_name_check``), else kept, else made by ``supervisor_login_name`` — never the
    phone number, which is public on the plaque.

    A ``photo`` (an upload) is re-encoded before anything is saved: a file that is not an image is
    refused (under ``photo``) with nothing changed, and only the re-encoded JPEG is ever stored.
    """
    encoded = _photo_encoded(photo) if photo else None
    if supervisor is None:
        supervisor = Supervisor.objects.filter(phone=phone).first()
    if supervisor is not None and supervisor.office_id != office.pk:
        raise ValidationError(_("手机号 %(phone)s 已登记为其他督导室的督学。") % {"phone": phone})
    login_name = login_name_check(username, user=supervisor.user if supervisor else None) if (username or "").strip() else ""
    created_with_password = supervisor is None and bool(password)
    if supervisor is None:
        user = User.objects.create_user(username=login_name or supervisor_login_name(office), password=password,
                                        first_name=name)
        if not password:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        supervisor = Supervisor(user=user, office=office)
        role_grant(user=user, role=Role.SUPERVISOR)
    supervisor.name = name
    supervisor.phone = phone
    supervisor.kind = kind
    supervisor.employer = employer
    supervisor.title = title
    supervisor.duties = duties
    leaving = supervisor.pk is not None and supervisor.is_active and not is_active
    supervisor.is_active = is_active
    supervisor.full_clean(exclude=["user", "photo"])
    supervisor.save()
    if leaving:  # 离岗: their zones' periods end today (the history keeps who was responsible when)
        for assignment in ZoneAssignment.objects.current().filter(supervisor=supervisor):
            _end_assignment(assignment, clock.today())
    user = supervisor.user
    login_name = login_name or user.username
    if user.first_name != name or user.is_active != is_active or user.username != login_name:
        user.first_name, user.is_active, user.username = name, is_active, login_name
        user.save(update_fields=["first_name", "is_active", "username"])
    if encoded is not None:
        _photo_store(supervisor, encoded)
    if created_with_password:  # given by the roster: the supervisor picks their own at the first login
        password_state_mark(user=user, by_self=False)
    return supervisor


@transaction.atomic
def zone_save(
    *, office: Office, name: str, category: str, description: str = "", zone: Zone | None = None
) -> Zone:
    if category not in ZoneCategory.values:
        raise ValidationError(_("未知的责任区类别:%(category)s") % {"category": category})
    clash = Zone.objects.filter(office=office, name=name)
    if zone is not None:
        clash = clash.exclude(pk=zone.pk)
    if clash.exists():
        raise ValidationError(_("本督导室已有名为“%(name)s”的责任区。") % {"name": name})
    zone = zone or Zone(office=office)
    zone.name, zone.category, zone.description = name, category, description
    zone.save()
    return zone


@transaction.atomic
def zone_assign_schools(*, zone: Zone, schools: Iterable[School], on: dt.date | None = None, by=None) -> int:
    """Put schools into a zone from ``on`` (today by default), moving them out of any other. Access
    follows at once; visits from ``on`` count for this zone."""
    from schools.services import school_move

    schools = list(schools)
    foreign = [s.name for s in schools if s.office_id != zone.office_id]
    if foreign:
        raise ValidationError(
            _("以下学校不属于本督导室,不能划入该责任区:%(names)s") % {"names": "、".join(foreign)}
        )
    on = on or clock.today()
    moved = 0
    for school in schools:
        if school.current_zone != zone:
            school_move(school=school, zone=zone, on=on, by=by)
            moved += 1
    return moved


@transaction.atomic
def zone_remove_schools(*, zone: Zone, schools: Iterable[School], on: dt.date | None = None, by=None) -> int:
    """Take schools out of a zone from ``on`` (they stay in the office's roster, outside any zone)."""
    from schools.services import school_move

    on = on or clock.today()
    moved = 0
    for school in schools:
        if school.current_zone == zone:
            school_move(school=school, zone=None, on=on, by=by)
            moved += 1
    return moved


def _end_assignment(assignment: ZoneAssignment, on: dt.date) -> None:
    """End a period from ``on``; a period that would end the day it began never took effect."""
    if on <= assignment.valid_from:
        assignment.delete()
    else:
        assignment.valid_to = on
        assignment.save(update_fields=["valid_to"])


@transaction.atomic
def zone_set_supervisors(
    *, zone: Zone, supervisors: Iterable[Supervisor], lead: Supervisor | None, on: dt.date | None = None
) -> None:
    """Set a zone's responsibility supervisors from ``on`` (today by default); exactly one of them
    leads when any are assigned. Those no longer listed leave the zone that day, those added join it,
    and a change of lead ends one period and begins the next (the history says who led when)."""
    supervisors = list(supervisors)
    foreign = [s.name for s in supervisors if s.office_id != zone.office_id]
    if foreign:
        raise ValidationError(_("以下督学不属于本督导室:%(names)s") % {"names": "、".join(foreign)})
    if supervisors and lead is None:
        lead = supervisors[0]
    if lead is not None and lead not in supervisors:
        raise ValidationError(_("组长必须是该责任区的责任督学。"))
    on = on or clock.today()
    if on > clock.today():
        raise ValidationError({"on": _("生效日期不能晚于今天。")})
    Zone.objects.select_for_update().filter(pk=zone.pk).first()
    current = {a.supervisor_id: a for a in ZoneAssignment.objects.current().filter(zone=zone).select_related("supervisor")}
    wanted = {s.pk: s for s in supervisors}
    changing = [a for pk, a in current.items() if pk not in wanted or a.is_lead != (lead is not None and pk == lead.pk)]
    late = [a for a in changing if on < a.valid_from]
    if late:
        raise ValidationError({"on": _(
            "%(name)s 自 %(start)s 起在该责任区任职,调整日期不能早于该日。"
        ) % {"name": late[0].supervisor.name, "start": late[0].valid_from.isoformat()}})
    # Leaving and stepping down come first, so a new lead never meets the old one's open period.
    for assignment in changing:
        _end_assignment(assignment, on)
    for pk, supervisor in wanted.items():
        is_lead = lead is not None and pk == lead.pk
        kept = current.get(pk)
        if kept is not None and kept not in changing:
            continue
        ZoneAssignment.objects.create(zone=zone, supervisor=supervisor, is_lead=is_lead, valid_from=on)


@transaction.atomic
def _photo_encoded(photo):
    """The plaque photo as a JPEG of at most 800 px a side, without the upload's metadata (EXIF, GPS)."""
    from .uploads import image_reencode

    try:
        return image_reencode(upload=photo, max_side=800)
    except ValidationError as exc:
        raise ValidationError({"photo": exc.messages}) from None


def _photo_name(supervisor: Supervisor) -> str:
    return f"{supervisor.pk}.jpg"


def _photo_store(supervisor: Supervisor, content) -> None:
    if supervisor.photo:
        supervisor.photo.delete(save=False)
    supervisor.photo.save(_photo_name(supervisor), content, save=False)
    supervisor.save(update_fields=["photo"])


def supervisor_photo_is_reencoded(supervisor: Supervisor) -> bool:
    """Whether the stored photo is the copy ``_photo_store`` wrote (re-encoded, no metadata): only that
    copy is public on the plaque; a file stored raw before the fix is not served."""
    return bool(supervisor.photo) and supervisor.photo.name == supervisor.photo.field.generate_filename(
        supervisor, _photo_name(supervisor))


def supervisor_set_photo(*, supervisor: Supervisor, photo) -> Supervisor:
    """Store a supervisor's plaque photo, re-encoded as a downscaled JPEG (strips metadata)."""
    _photo_store(supervisor, _photo_encoded(photo))
    return supervisor


def supervisor_photos_reencode() -> int:
    """Re-encode the plaque photos once stored as uploaded (the edit page saved the raw file, EXIF and
    GPS included, before it re-encoded): the plaque is public. A stored file that is no image is
    dropped. Photos stored by ``_photo_store`` are left alone; returns how many were re-encoded."""
    done = 0
    for supervisor in Supervisor.objects.exclude(photo="").order_by("pk"):
        if supervisor_photo_is_reencoded(supervisor):
            continue
        try:
            with supervisor.photo.open("rb") as stored:
                encoded = _photo_encoded(ContentFile(stored.read(), name=supervisor.photo.name))
        except (OSError, ValidationError):
            supervisor.photo.delete(save=True)
            continue
        _photo_store(supervisor, encoded)
        done += 1
    return done


@transaction.atomic
def zone_delete(*, zone: Zone) -> None:
    """Delete a zone only once it is empty: a school must never silently lose its responsibility
    supervisor (挂牌督导), so its schools are first moved to another zone or taken out."""
    school_count = School.objects.current(zone=zone).count()
    if school_count:
        raise ValidationError(
            _("责任区“%(name)s”内还有 %(n)d 所学校,请先将学校划入其他责任区或移出后再删除。")
            % {"name": zone.name, "n": school_count}
        )
    try:
        zone.delete()
    except ProtectedError as exc:
        raise ValidationError(_("责任区“%(name)s”已有学校隶属或督导记录,不能删除。") % {"name": zone.name}) from exc


def _tokens_revoke(user, reason: str) -> None:
    # An API token outlives a password: an admin's reset or a deactivation must stop it too.
    from supervision.accounts.services import tokens_revoke_all

    tokens_revoke_all(user=user, reason=reason)


@transaction.atomic
def user_password_reset(*, user) -> str:
    """Give a user a new temporary password (shown once to the admin, who passes it on). The
    user's API token stops working; at the next login they must choose their own."""
    import secrets

    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
    from supervision.passwords import classes_in

    password = ""
    while classes_in(password) < 3:  # the policy asks for three kinds of character
        password = "".join(secrets.choice(alphabet) for _ in range(10))
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    _tokens_revoke(user, reason="password_reset")
    password_state_mark(user=user, by_self=False)
    return password


@transaction.atomic
def user_password_set(*, user, password: str) -> None:
    """The admin sets a user's password (an initial one, or a new one agreed with them); it must pass
    the password rules. The user's API token stops working; at the next login they choose their own."""
    password_check(password, user=user)
    user.set_password(password)
    user.save(update_fields=["password"])
    _tokens_revoke(user, reason="password_set")
    password_state_mark(user=user, by_self=False)


@transaction.atomic
def user_password_change(*, user, old_password: str, new_password: str):
    """A user changes their own password: the old one first, then a new one that passes the rules —
    and not the same again (a forced or expired password must really change). Returns its
    PasswordState: nothing more to change, the office's 密码有效期 counting from now."""
    if not user.check_password(old_password or ""):
        raise ValidationError({"old_password": _("原密码不正确。")})
    try:
        validate_password(new_password, user=user)
    except ValidationError as exc:
        raise ValidationError({"new_password": exc.messages}) from None
    if new_password == old_password:
        raise ValidationError({"new_password": _("新密码不能与原密码相同。")})
    user.set_password(new_password)
    user.save(update_fields=["password"])
    return password_state_mark(user=user, by_self=True)


@transaction.atomic
def user_deactivate(*, user, actor=None):
    """停用 a login: it can no longer sign in and its token stops. A supervisor's login goes with their
    record, so the supervisor is taken off duty (不在岗), as when the roster says so (putting them back
    on duty is the roster's: ``supervisor_save``). An admin does not deactivate themself."""
    if actor is not None and actor.pk == user.pk:
        raise ValidationError(_("不能停用自己的账号。"))
    user.is_active = False
    user.save(update_fields=["is_active"])
    Supervisor.objects.filter(user=user).update(is_active=False)
    _tokens_revoke(user, reason="deactivated")
    return user


# --- Offices ---------------------------------------------------------------------------------------

OFFICE_CONTACT_FIELDS = ("name", "address", "phone", "email")
OFFICE_SETTING_FIELDS = (*OFFICE_CONTACT_FIELDS, "late_entry_months", "password_max_age_days", "require_2fa_for_staff")


def _level_rank(level: str) -> int:
    return OfficeLevel.values.index(level)


@transaction.atomic
def office_create(
    *,
    name: str,
    level: str,
    division_code: str,
    parent: Office | None = None,
    address: str = "",
    phone: str = "",
    email: str = "",
    admin: dict | None = None,
) -> Office:
    """A new supervision office. Its level is below its parent's (省 > 市 > 区县), its 行政区划代码 six
    digits and used by no other office. ``admin`` (username, name, password, email) creates its first
    督导室管理员 in the same step, so whoever sets an office up hands it over ready to run."""
    if level not in OfficeLevel.values:
        raise ValidationError({"level": _("未知的督导室级别:%(level)s") % {"level": level}})
    if parent is not None and _level_rank(level) <= _level_rank(parent.level):
        raise ValidationError({
            "level": _("“%(parent)s”是%(parent_level)s督导室,其下级督导室的级别应低于%(parent_level)s。")
            % {"parent": parent.name, "parent_level": parent.get_level_display()}
        })
    clash = Office.objects.filter(division_code=division_code).first()
    if clash is not None:
        raise ValidationError({
            "division_code": _("行政区划代码 %(code)s 已被“%(office)s”使用。") % {"code": division_code, "office": clash.name}
        })
    office = Office(
        name=(name or "").strip(), level=level, parent=parent, division_code=division_code,
        address=address, phone=phone, email=email,
    )
    office.full_clean(validate_unique=False)
    office.save()
    if admin is not None:
        try:
            office_user_create(role=Role.OFFICE_ADMIN, office=office, **admin)
        except ValidationError as exc:
            raise ValidationError(
                {"admin": [_("管理员账号:%(error)s") % {"error": message} for message in exc.messages]}
            ) from None
    return office


@transaction.atomic
def office_update(
    *, office: Office, name: str, address: str, phone: str, email: str, late_entry_months: int | None = None,
    password_max_age_days: int | None = None, require_2fa_for_staff: bool | None = None,
) -> Office:
    """An office's own admin keeps its name and contact details (地址、电话、邮箱), how far back its
    supervisors may still enter a record (补填期限: this month and 0–12 months before it) and its sign-in
    rules (密码有效期 in days, 0 = never; 动态口令 for its admins and directors); its level, parent and
    行政区划代码 are fixed once it exists. A new 密码有效期 applies at once to every login of the office."""
    office.name, office.address, office.phone, office.email = (name or "").strip(), address, phone, email
    if late_entry_months is not None:
        office.late_entry_months = late_entry_months
    max_age_before = Office.objects.filter(pk=office.pk).values_list("password_max_age_days", flat=True).first()
    if password_max_age_days is not None:
        office.password_max_age_days = password_max_age_days
    if require_2fa_for_staff is not None:
        office.require_2fa_for_staff = require_2fa_for_staff
    office.full_clean(validate_unique=False)
    office.save(update_fields=list(OFFICE_SETTING_FIELDS))
    if office.password_max_age_days != max_age_before:
        password_expiry_refresh(office=office)
    return office
