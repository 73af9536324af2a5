"""What the monthly zone reports add to the year-end summary."""
import pytest

from reports.annual.contributions import contributions_for
from reports.monthly import services
from tests import factories as f

from .factories import day

pytestmark = pytest.mark.django_db


def test_the_year_end_summary_counts_each_zone_months_report_once_and_its_first_filings_timeliness(world):
    lead_a1 = world["sup_a1"].user
    for month, filed_day in ((9, 25), (10, 29)):
        report = services.zone_monthly_report_build(zone=world["zone_a1"], year=2026, month=month)
        with f.on_day(day(filed_day, month=month)):
            services.zone_monthly_report_file(report=report, user=lead_a1)
    corrected = services.zone_monthly_report_build(zone=world["zone_a1"], year=2026, month=9)
    services.zone_monthly_report_file(report=corrected, user=lead_a1)  # a re-filing is not a second report
    services.zone_monthly_report_build(zone=world["zone_a2"], year=2026, month=10)  # a draft is not counted
    other = services.zone_monthly_report_build(zone=world["zone_b1"], year=2026, month=10)
    services.zone_monthly_report_file(report=other, user=world["sup_b1"].user)  # another county

    found = {c.key: c for c in contributions_for(office=world["county_a"], year=2026)}

    contribution = found["monthly_reports"]
    assert contribution.figures == {"filed": 2, "on_time": 1, "late": 1}
    assert "报送《责任督学挂牌督导问题管理月报表》2份,其中按时报送1份" in contribution.sentence
    assert "monthly_reports" not in {c.key for c in contributions_for(office=world["county_a"], year=2025)}
