"""Who reads the audit log (安全审计): an office's admin and its auditors (安全审计员), each for their
office and the offices below it; a superuser everything. Nobody else — not the director, a viewer
of a higher office, a supervisor or a school."""
from __future__ import annotations

from django.db.models import Q, QuerySet

from supervision.access.core import MANAGE, OVERSEE, offices_with_perm, subtree, user_roles
from supervision.audit.models import AuditEntry, AuditorOffice
from supervision.choices import Role
from supervision.models import Office


def audit_offices_readable_by(user) -> QuerySet[Office]:
    """The offices whose log the user reads: those they administer or audit, with every office below."""
    if not user.is_authenticated:
        return Office.objects.none()
    if user.is_superuser:
        return Office.objects.all()
    granted = Q(pk__in=offices_with_perm(user, MANAGE).values("pk"))
    if Role.AUDITOR in user_roles(user):
        granted |= Q(pk__in=AuditorOffice.objects.filter(user=user).values("office"))
    return subtree(Office.objects.filter(granted))


def audit_entries_visible_to(user) -> QuerySet[AuditEntry]:
    """The audit entries a user reads: those of the offices they read the log of (an entry belongs to
    its actor's office; one without an office — a superuser's act, an unknown login — only superusers)."""
    if not user.is_authenticated:
        return AuditEntry.objects.none()
    if user.is_superuser:
        return AuditEntry.objects.all()
    return AuditEntry.objects.filter(office__in=audit_offices_readable_by(user).values("pk"))


def may_see_addresses(user, office_id) -> bool:
    """Whether a user sees the network addresses recorded with an office's acts (ticket history and
    the like): only those who read that office's audit log — its admins and auditors, and above."""
    return audit_offices_readable_by(user).filter(pk=office_id).exists()


def may_read_audit(user) -> bool:
    return audit_offices_readable_by(user).exists()


def audit_office_of(user) -> Office | None:
    """The office an act of this user is filed under: a supervisor's office, the office they hold a
    role on (the highest first), their school's office, the office they audit."""
    if user is None or not user.is_authenticated:
        return None
    cached = user.__dict__.get("_audit_office", False)
    if cached is not False:
        return cached
    from schools.models import School
    from supervision.models import Supervisor

    office = (
        Office.objects.filter(pk__in=Supervisor.objects.filter(user=user).values("office")).first()
        or offices_with_perm(user, OVERSEE).order_by("division_code").first()
        or Office.objects.filter(
            pk__in=School.objects.filter(schooluserobjectpermission__user=user).values("office")
        ).first()
        or Office.objects.filter(pk__in=AuditorOffice.objects.filter(user=user).values("office")).first()
    )
    user.__dict__["_audit_office"] = office
    return office
