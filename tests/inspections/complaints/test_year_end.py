"""The year-end summary's sentence, and the demo county's complaints."""
import datetime as dt

import pytest
from django.utils import timezone

from inspections.complaints import demo, services
from inspections.complaints.choices import ComplaintStatus
from inspections.complaints.contributions import complaints_contribution
from inspections.complaints.models import Complaint
from reports.annual.contributions import contributions_for

from .factories import complaint_made

pytestmark = pytest.mark.django_db


def test_the_year_end_sentence_counts_the_offices_complaints_of_the_year(world):
    sup = world["sup_a1"].user
    school = world["schools"]["a1"]
    start = timezone.make_aware(dt.datetime(2026, 4, 6, 9, 0))
    for n, outcome in enumerate(["resolved", "ticket", "unfounded", None]):
        c = complaint_made(school=school, now=start)
        if outcome is None:
            continue
        services.complaint_verify(complaint=c, actor=sup, verified_on=dt.date(2026, 4, 7), method="phone", notes="n",
                                  now=start + dt.timedelta(days=1))
        services.complaint_close(complaint=c, actor=sup, outcome=outcome, public_reply="r", problem_description="p",
                                 opinion="o", now=start + dt.timedelta(days=2 + n))
    complaint_made(school=school, now=timezone.make_aware(dt.datetime(2025, 12, 1, 9)))  # last year
    complaint_made(school=world["schools"]["b1"], now=start)  # another office
    found = complaints_contribution(office=world["county_a"], year=2026)
    assert found.sentence == "受理举报投诉4件,核实办结3件,平均办结用时3.0天,转为整改问题1个。"
    assert found.figures["received"] == 4 and found.figures["to_ticket"] == 1
    assert complaints_contribution(office=world["county_a"], year=2024) is None
    assert "complaints" in {c.key for c in contributions_for(office=world["county_a"], year=2026)}


def test_the_demo_has_a_dozen_complaints_in_every_state_and_runs_twice(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    today = dt.date(2026, 11, 23)
    demo.demo_build(office=world["county_a"], today=today)
    demo.demo_build(office=world["county_a"], today=today)
    complaints = Complaint.objects.filter(office=world["county_a"])
    assert complaints.count() == 12
    assert set(complaints.values_list("status", flat=True)) == set(ComplaintStatus.values)
    assert all(c.received_at.year == 2026 for c in complaints)
    assert complaints.filter(code=demo.DEMO_CODE, status=ComplaintStatus.RECTIFYING).exists()
