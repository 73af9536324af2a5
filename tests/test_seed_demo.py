"""seed_demo builds what the README promises, and running it again changes nothing."""
import pytest
from django.core.management import call_command

from inspections.models import MonthlySummary, Plan, Problem, Visit
from schools.models import School
from supervision.choices import Role
from supervision.models import Office, Supervisor, Zone

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        "offices": Office.objects.count(), "zones": Zone.objects.count(), "schools": School.objects.count(),
        "supervisors": Supervisor.objects.count(), "plans": Plan.objects.count(), "visits": Visit.objects.count(),
        "problems": Problem.objects.count(), "summaries": MonthlySummary.objects.count(),
    }


def test_seed_demo_builds_a_realistic_county_and_is_idempotent(django_user_model):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    county = Office.objects.get(division_code="990524")
    assert county.parent.parent.level == "province"
    zones = county.zones.all()
    assert len({z.category for z in zones}) >= 4
    assert county.schools.exclude(kind__in=["kindergarten", "tutoring"]).count() == 30
    kgs = county.schools.filter(kind="kindergarten")
    assert kgs.count() == 12 and {"public", "private"} == set(kgs.values_list("ownership", flat=True))
    sups = county.supervisors.all()
    assert sups.count() >= 8 and {"full_time", "part_time"} == set(sups.values_list("kind", flat=True))
    for role in Role.values:
        assert django_user_model.objects.filter(groups__name=role).exists(), role
    assert Plan.objects.filter(office=county).count() == 2
    assert Visit.objects.filter(office=county, checklist__status="submitted").count() > 300
    before = snapshot()
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert snapshot() == before
