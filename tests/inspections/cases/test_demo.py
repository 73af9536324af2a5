"""The demo county's cases: every state, one recommended to the city, built once."""
import datetime as dt

import pytest

from inspections.cases import demo
from inspections.cases.models import Case
from supervision.demo import DEMO_TENANT_CODE, seed_demo
from supervision.models import Office

pytestmark = pytest.mark.django_db


def test_the_demo_has_cases_in_every_state_and_is_built_once(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    seed_demo()
    county = Office.objects.get(division_code=DEMO_TENANT_CODE)
    today = dt.date(2026, 11, 20)
    demo.demo_build(office=county, today=today)
    demo.demo_build(office=county, today=today)
    cases = Case.objects.filter(office=county, year=2026)
    assert set(cases.values_list("status", flat=True)) == {"draft", "submitted", "returned", "accepted", "excellent", "recommended"}
    assert cases.count() == 6
    recommended = cases.get(status="recommended")
    assert "课后服务" in recommended.title and "<table>" in recommended.body
