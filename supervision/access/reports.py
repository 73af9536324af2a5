"""Scopes of the reports: monthly zone reports, the dashboard and year-end summaries."""
from __future__ import annotations

from django.db.models import Q, QuerySet

from reports.annual.models import AnnualSummary
from reports.monthly.models import ZoneMonthlyReport

from supervision.access.core import offices_overseen_by, offices_planned_by, zones_of_supervisor_today
from supervision.access.rectification import active_users
from supervision.models import Office, Zone, ZoneAssignment


def monthly_report_zones_visible_to(user) -> QuerySet[Zone]:
    """Zones whose monthly report (月报表) a user reads: every zone of the offices an office role
    oversees (higher offices read their subtree), and the zones an active supervisor is assigned to
    today (lead or not). School users read none."""
    if not user.is_authenticated:
        return Zone.objects.none()
    if user.is_superuser:
        return Zone.objects.all()
    scope = Q(office__in=offices_overseen_by(user).values("pk")) | Q(pk__in=zones_of_supervisor_today(user).values("pk"))
    return Zone.objects.filter(pk__in=Zone.objects.filter(scope).values("pk"))


def zones_led_today_by(user) -> QuerySet[Zone]:
    """The zones an active supervisor leads (组长) today."""
    if not user.is_authenticated:
        return Zone.objects.none()
    return Zone.objects.filter(
        pk__in=ZoneAssignment.objects.current()
        .filter(supervisor__user=user, supervisor__is_active=True, is_lead=True)
        .values("zone")
    )


def monthly_report_zones_filed_by(user) -> QuerySet[Zone]:
    """Zones whose report a user files (报送): those they lead (组长) today as an active supervisor."""
    return zones_led_today_by(user)


def monthly_report_zones_built_by(user) -> QuerySet[Zone]:
    """Zones whose draft a user may (re)build and export: the lead supervisor's, and every zone of
    the office whose admin or director the user is (not higher offices, which only read)."""
    if not user.is_authenticated:
        return Zone.objects.none()
    scope = Q(pk__in=monthly_report_zones_filed_by(user).values("pk")) | Q(
        office__in=offices_planned_by(user).values("pk")
    )
    return Zone.objects.filter(scope)


def monthly_reports_visible_to(user):
    """Every version (drafts and filed) of the reports of the zones a user reads, and the reports a
    lead filed in a zone they have since left."""
    if not user.is_authenticated:
        return ZoneMonthlyReport.objects.none()
    return ZoneMonthlyReport.objects.filter(
        Q(zone__in=monthly_report_zones_visible_to(user).values("pk")) | Q(filed_by=user)
    )


def monthly_report_leads_of(zone: Zone):
    """The active lead supervisors (组长) of a zone today, who are reminded to file."""
    return active_users().filter(
        pk__in=ZoneAssignment.objects.current().filter(zone=zone, is_lead=True, supervisor__is_active=True).values(
            "supervisor__user"
        )
    )


def dashboard_offices_of(user) -> QuerySet[Office]:
    """Offices whose dashboard (督导数据看板) a user reads: every office an office role oversees
    (a higher office reads each office below it). Supervisors read their zones'; school users none."""
    return offices_overseen_by(user)


def dashboard_zones_of(user) -> QuerySet[Zone]:
    """Zones whose dashboard a supervisor reads: the zones they are assigned to today, while active."""
    return zones_of_supervisor_today(user)


def annual_zones_led_by(user) -> QuerySet[Zone]:
    """Zones whose annual summary (责任区年度总结) a supervisor writes: those they lead (组长) today."""
    return zones_led_today_by(user)


def annual_zones_readable_by(user) -> QuerySet[Zone]:
    """Zones whose annual summary a user reads: every zone of the offices an office role oversees
    (higher offices read those below), and the zones a supervisor leads."""
    return Zone.objects.filter(
        Q(office__in=offices_overseen_by(user).values("pk")) | Q(pk__in=annual_zones_led_by(user).values("pk"))
    )


def annual_zones_editable_by(user) -> QuerySet[Zone]:
    """Zones whose annual summary a user edits and prints: every zone of the own office for its admins
    and director (not higher offices), and the zones a supervisor leads."""
    return Zone.objects.filter(
        Q(office__in=offices_planned_by(user).values("pk")) | Q(pk__in=annual_zones_led_by(user).values("pk"))
    )


def annual_summaries_visible_to(user):
    """Year-end summaries a user reads: the office's own summary for its office roles and higher
    offices; a zone's summary for them and for the zone's lead supervisor."""
    return AnnualSummary.objects.filter(
        Q(zone__isnull=True, office__in=offices_overseen_by(user).values("pk"))
        | Q(zone__in=annual_zones_readable_by(user).values("pk"))
    )


def annual_summaries_editable_by(user):
    """Year-end summaries a user edits: the own office's admins and director all of its summaries, a
    lead supervisor their zones' (higher offices only read)."""
    return AnnualSummary.objects.filter(
        Q(zone__isnull=True, office__in=offices_planned_by(user).values("pk"))
        | Q(zone__in=annual_zones_editable_by(user).values("pk"))
    )
