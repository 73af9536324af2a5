"""Scopes of the inspections sub-apps: surveys, cases, evaluations, campaigns and complaints."""
from __future__ import annotations

from django.db.models import Q, QuerySet

from inspections.campaigns.models import Campaign
from inspections.cases.choices import CaseStatus
from inspections.cases.models import Case
from inspections.complaints.models import Complaint
from inspections.evaluations.choices import Stage
from inspections.evaluations.models import Entry, Round, Scheme
from inspections.models import Visit
from inspections.surveys.models import Survey
from schools.models import School

from supervision.access.core import (
    MANAGE,
    offices_directed_by,
    offices_managed_by,
    offices_overseen_by,
    offices_planned_by,
    offices_with_perm,
    schools_acted_for_by,
    schools_of_supervisor,
    subtree,
)
from supervision.models import Office


def surveys_visible_to(user):
    """Surveys a user reads: office roles those of their offices and the offices below (higher
    offices read their subtree); a school user the surveys published to their school (own results only)."""
    if not user.is_authenticated:
        return Survey.objects.none()
    scope = Q(office__in=offices_overseen_by(user).values("pk"))
    scope |= Q(links__school__in=schools_acted_for_by(user).values("pk"))
    return Survey.objects.filter(pk__in=Survey.objects.filter(scope).values("pk"))


def surveys_editable_by(user):
    """Surveys a user builds, publishes, closes and prints for: the office's own admin and director."""
    offices = Q(pk__in=offices_managed_by(user).values("pk")) | Q(pk__in=offices_directed_by(user).values("pk"))
    return Survey.objects.filter(office__in=Office.objects.filter(offices).values("pk"))


def survey_results_schools(user, survey) -> QuerySet[School] | None:
    """Whose results of ``survey`` the user reads: None = every school (office roles overseeing the
    survey's office), else only the school user's own school(s)."""
    if offices_overseen_by(user).filter(pk=survey.office_id).exists():
        return None
    return schools_acted_for_by(user)


def cases_visible_to(user):
    """Supervision cases (督导案例) a user may read: a supervisor their own (drafts too); the office's
    admins and director every case of their office once submitted; higher offices (and viewers) only
    the cases recommended upward (推荐上报) in their subtree. School users see none."""
    if not user.is_authenticated:
        return Case.objects.none()
    if user.is_superuser:
        return Case.objects.all()
    return Case.objects.filter(
        Q(author__user=user)
        | Q(office__in=offices_planned_by(user).values("pk"), submitted_at__isnull=False)
        | Q(office__in=offices_overseen_by(user).values("pk"), status=CaseStatus.RECOMMENDED)
    )


def cases_editable_by(user):
    """Cases a user may edit and submit: their own, while a draft or returned for revision."""
    if not user.is_authenticated:
        return Case.objects.none()
    return Case.objects.filter(
        author__user=user, author__is_active=True, status__in=[CaseStatus.DRAFT, CaseStatus.RETURNED]
    )


def cases_reviewed_by(user):
    """Cases a user reviews (退回、采纳、评优、推荐上报): the submitted cases of the office whose admin
    or director they are — not a higher office, which only reads what is recommended to it."""
    return Case.objects.filter(office__in=offices_planned_by(user).values("pk"), submitted_at__isnull=False)


def _offices_supervised_in(user) -> QuerySet[Office]:
    return Office.objects.filter(supervisors__user=user, supervisors__is_active=True)


def evaluation_offices_visible_to(user) -> QuerySet[Office]:
    """Offices whose evaluations a user reads: those overseen, plus an active supervisor's own office."""
    if not user.is_authenticated:
        return Office.objects.none()
    if user.is_superuser:
        return Office.objects.all()
    scope = Q(pk__in=offices_overseen_by(user).values("pk")) | Q(pk__in=_offices_supervised_in(user).values("pk"))
    return Office.objects.filter(scope)


def evaluation_schemes_visible_to(user):
    return Scheme.objects.filter(office__in=evaluation_offices_visible_to(user).values("pk"))


def evaluation_schemes_editable_by(user):
    return Scheme.objects.filter(office__in=offices_managed_by(user).values("pk"))


def evaluation_rounds_visible_to(user):
    """Rounds a user reads; a school user only those its own school takes part in."""
    if not user.is_authenticated:
        return Round.objects.none()
    scope = Q(office__in=evaluation_offices_visible_to(user).values("pk")) | Q(
        entries__school__in=schools_acted_for_by(user).values("pk")
    )
    return Round.objects.filter(pk__in=Round.objects.filter(scope).values("pk"))


def evaluation_rounds_managed_by(user):
    return Round.objects.filter(office__in=offices_managed_by(user).values("pk"))


def evaluation_entries_visible_to(user):
    """Entries a user reads: every entry of the offices they read, a school user only its own school's."""
    if not user.is_authenticated:
        return Entry.objects.none()
    return Entry.objects.filter(
        Q(round__office__in=evaluation_offices_visible_to(user).values("pk"))
        | Q(school__in=schools_acted_for_by(user).values("pk"))
    )


def evaluation_entries_scorable_by(user, stage: str):
    """Entries a user may score at a stage: 自评 the school's own user, 县评 the office's admins and active
    supervisors, 市评 an admin of the office or of an office above it."""
    if not user.is_authenticated:
        return Entry.objects.none()
    if stage == Stage.SELF:
        return Entry.objects.filter(school__in=schools_acted_for_by(user).values("pk"))
    if stage == Stage.COUNTY:
        return Entry.objects.filter(
            Q(round__office__in=offices_managed_by(user).values("pk"))
            | Q(round__office__in=_offices_supervised_in(user).values("pk"))
        )
    if stage == Stage.CITY:
        if user.is_superuser:
            return Entry.objects.all()
        return Entry.objects.filter(round__office__in=subtree(offices_with_perm(user, MANAGE)).values("pk"))
    return Entry.objects.none()


def campaigns_visible_to(user):
    """Special inspections (专项督导) a user reads: office roles those of their offices and the offices
    below; a supervisor those whose inspection team (督导组) they are on. School users none (their
    findings reach them as tickets)."""
    if not user.is_authenticated:
        return Campaign.objects.none()
    if user.is_superuser:
        return Campaign.objects.all()
    scope = Q(office__in=offices_overseen_by(user).values("pk")) | Q(pk__in=campaigns_of_team(user).values("pk"))
    return Campaign.objects.filter(pk__in=Campaign.objects.filter(scope).values("pk"))


def campaigns_of_team(user):
    """Campaigns whose inspection team an active supervisor is on."""
    if not user.is_authenticated:
        return Campaign.objects.none()
    return Campaign.objects.filter(team__user=user, team__is_active=True).distinct()


def campaigns_managed_by(user):
    """Campaigns a user launches and edits (team, checklist): the office's own admins."""
    return Campaign.objects.filter(office__in=offices_managed_by(user).values("pk"))


def campaign_visits_of_team(user):
    """Special visits a team member may open: every visit of the campaigns whose team they are on,
    including visits to schools outside their own zones (the campaign grants it)."""
    return Visit.objects.filter(campaign_link__campaign__in=campaigns_of_team(user).values("pk"))


def complaints_visible_to(user):
    """Complaints (举报投诉) a user reads: an office role those of its offices and every office below,
    a supervisor those of the schools of their zones. School users see none — the complaint may be
    about them; what the school must do reaches it as a rectification ticket."""
    if not user.is_authenticated:
        return Complaint.objects.none()
    if user.is_superuser:
        return Complaint.objects.all()
    return Complaint.objects.filter(
        Q(office__in=offices_overseen_by(user).values("pk")) | Q(school__in=schools_of_supervisor(user).values("pk"))
    )


def complaints_handled_by(user):
    """Complaints a user verifies and closes, and whose contact details they see: the responsibility
    supervisors of the school's zone, and the admin and director of the complaint's own office (who
    step in for a school outside any zone). Higher offices only read, without contact details."""
    if not user.is_authenticated:
        return Complaint.objects.none()
    return Complaint.objects.filter(
        Q(office__in=offices_planned_by(user).values("pk")) | Q(school__in=schools_of_supervisor(user).values("pk"))
    )
