"""Writes that matter for offices, supervisors, zones and roles."""
from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from schools.models import School

from .access import ACT_FOR_SCHOOL, ROLE_OFFICE_PERMS
from .choices import Role, SupervisorKind, ZoneCategory
from .models import Office, Supervisor, Zone, ZoneAssignment

User = get_user_model()


def _group(role: str) -> Group:
    group, _created = Group.objects.get_or_create(name=role)
    return group


@transaction.atomic
def role_grant(*, user, role: str, office: Office | None = None, school: School | None = None) -> None:
    """Give a user a role: the group, plus the guardian permission on the office or school it scopes."""
    if role in ROLE_OFFICE_PERMS:
        if office is None:
            raise ValidationError(_("该角色必须指定督导室。"))
        for codename in ROLE_OFFICE_PERMS[role]:
            assign_perm(f"supervision.{codename}", user, office)
    elif role == Role.SCHOOL_USER:
        if school is None:
            raise ValidationError(_("学校联系人必须指定学校。"))
        assign_perm(f"schools.{ACT_FOR_SCHOOL}", user, school)
    elif role != Role.SUPERVISOR:
        raise ValidationError(_("未知角色:%(role)s") % {"role": role})
    user.groups.add(_group(role))
    user.__dict__.pop("_supervision_roles", None)


@transaction.atomic
def role_revoke(*, user, role: str, office: Office | None = None, school: School | None = None) -> None:
    if role in ROLE_OFFICE_PERMS and office is not None:
        for codename in ROLE_OFFICE_PERMS[role]:
            remove_perm(f"supervision.{codename}", user, office)
    if role == Role.SCHOOL_USER and school is not None:
        remove_perm(f"schools.{ACT_FOR_SCHOOL}", user, school)
    user.groups.remove(_group(role))


@transaction.atomic
def office_user_create(
    *,
    username: str,
    name: str,
    password: str,
    role: str,
    office: Office | None = None,
    school: School | None = None,
    email: str = "",
):
    """Create a login for an office role (admin, director, viewer) or a school contact."""
    if User.objects.filter(username=username).exists():
        raise ValidationError(_("用户名“%(username)s”已存在。") % {"username": username})
    user = User.objects.create_user(username=username, password=password, first_name=name, email=email)
    role_grant(user=user, role=role, office=office, school=school)
    return user


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
) -> Supervisor:
    """Create or update a supervisor; the login is their phone number (how offices reach them)."""
    if supervisor is None:
        supervisor = Supervisor.objects.filter(phone=phone).first()
    if supervisor is not None and supervisor.office_id != office.pk:
        raise ValidationError(_("手机号 %(phone)s 已登记为其他督导室的督学。") % {"phone": phone})
    if supervisor is None:
        if User.objects.filter(username=phone).exists():
            raise ValidationError(_("手机号 %(phone)s 已被其他账号使用。") % {"phone": phone})
        user = User.objects.create_user(username=phone, password=password, first_name=name)
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
    supervisor.is_active = is_active
    supervisor.full_clean(exclude=["user", "photo"])
    supervisor.save()
    user = supervisor.user
    if user.first_name != name or user.is_active != is_active or user.username != phone:
        user.first_name, user.is_active, user.username = name, is_active, phone
        user.save(update_fields=["first_name", "is_active", "username"])
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
def zone_assign_schools(*, zone: Zone, schools: Iterable[School]) -> int:
    """Put schools into a zone (moving them out of any other). Access follows at once."""
    schools = list(schools)
    foreign = [s.name for s in schools if s.office_id != zone.office_id]
    if foreign:
        raise ValidationError(
            _("以下学校不属于本督导室,不能划入该责任区:%(names)s") % {"names": "、".join(foreign)}
        )
    return School.objects.filter(pk__in=[s.pk for s in schools]).update(zone=zone)


@transaction.atomic
def zone_remove_schools(*, zone: Zone, schools: Iterable[School]) -> int:
    return School.objects.filter(zone=zone, pk__in=[s.pk for s in schools]).update(zone=None)


@transaction.atomic
def zone_set_supervisors(*, zone: Zone, supervisors: Iterable[Supervisor], lead: Supervisor | None) -> None:
    """Set a zone's responsibility supervisors; exactly one of them leads when any are assigned."""
    supervisors = list(supervisors)
    foreign = [s.name for s in supervisors if s.office_id != zone.office_id]
    if foreign:
        raise ValidationError(_("以下督学不属于本督导室:%(names)s") % {"names": "、".join(foreign)})
    if supervisors and lead is None:
        lead = supervisors[0]
    if lead is not None and lead not in supervisors:
        raise ValidationError(_("组长必须是该责任区的责任督学。"))
    ZoneAssignment.objects.filter(zone=zone).exclude(supervisor__in=supervisors).delete()
    ZoneAssignment.objects.filter(zone=zone).update(is_lead=False)
    for supervisor in supervisors:
        ZoneAssignment.objects.update_or_create(
            zone=zone, supervisor=supervisor, defaults={"is_lead": supervisor == lead}
        )


@transaction.atomic
def supervisor_set_photo(*, supervisor: Supervisor, photo) -> Supervisor:
    """Store a supervisor's plaque photo, re-encoded as a downscaled JPEG (strips metadata)."""
    from .images import image_reencode

    content = image_reencode(upload=photo, max_side=800)
    if supervisor.photo:
        supervisor.photo.delete(save=False)
    supervisor.photo.save(f"{supervisor.pk}.jpg", content, save=True)
    return supervisor


@transaction.atomic
def zone_delete(*, zone: Zone) -> None:
    """Delete a zone only once it is empty: a school must never silently lose its responsibility
    supervisor (挂牌督导), so its schools are first moved to another zone or taken out."""
    school_count = zone.schools.count()
    if school_count:
        raise ValidationError(
            _("责任区“%(name)s”内还有 %(n)d 所学校,请先将学校划入其他责任区或移出后再删除。")
            % {"name": zone.name, "n": school_count}
        )
    try:
        zone.delete()
    except ProtectedError as exc:
        raise ValidationError(_("责任区“%(name)s”已有督导记录,不能删除。") % {"name": zone.name}) from exc


@transaction.atomic
def user_password_reset(*, user) -> str:
    """Give a user a new temporary password (shown once to the admin, who passes it on)."""
    import secrets

    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
    password = "".join(secrets.choice(alphabet) for _ in range(10))
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    return password
