"""manage.py generate_scale (issue 14): the same seed builds the same province, and the product's own
figures — coverage and the dashboard — count what it built, drafts nowhere."""
import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction

from inspections.coverage.selectors import RosterScope, coverage_for_month
from inspections.models import Checklist, Ticket, Visit
from inspections.models.choices import ChecklistStatus
from reports.dashboard import selectors
from schools.models import School, SchoolMembership
from supervision.models import Office, Zone
from supervision.scale import scale_build

UNTIL = dt.date(2026, 12, 15)
TINY = {"counties": 2, "schools": 40, "years": 1, "seed": 7, "until": UNTIL}
pytestmark = [pytest.mark.django_db, pytest.mark.now("2026-12-15 18:00")]


def sample() -> dict:
    """What was built, by natural keys (a PostgreSQL sequence is not rolled back with a transaction, so
    ids made through the ORM may start higher the second time)."""
    return {
        "offices": list(Office.objects.order_by("pk").values_list("name", "division_code", "parent__division_code")),
        "zones": list(Zone.objects.order_by("pk").values_list("office__division_code", "name")),
        "schools": list(School.objects.order_by("pk").values_list("code", "name", "kind")[:15]),
        "moves": list(SchoolMembership.objects.exclude(valid_to=None).order_by("pk")
                      .values_list("school__code", "valid_to")),
        "visits": list(Visit.objects.order_by("pk").values_list("school__code", "zone__name", "date")[::97]),
        "tickets": list(Ticket.objects.order_by("pk").values_list("school__code", "status", "deadline", "closed_on")[::13]),
    }


def test_the_same_seed_builds_the_same_province():
    with transaction.atomic():  # the first build is undone: the second starts from the same empty database
        first = scale_build(**TINY)
        first_sample = sample()
        transaction.set_rollback(True)
    assert not School.objects.exists()
    out = io.StringIO()
    call_command("generate_scale", "--counties", "2", "--schools", "40", "--years", "1", "--seed", "7",
                 "--until", UNTIL.isoformat(), stdout=out)
    assert sample() == first_sample
    assert School.objects.count() == 40 and first.counts["schools_school"] == 40
    assert first.counts["inspections_visit"] > 300 and first.counts["inspections_ticket"] > 0
    report = out.getvalue()
    for table, rows in first.counts.items():  # the summary prints the same counts
        assert f"{table}" in report and f"{rows:,}" in report
    assert "生成用时" in report


def test_a_database_with_data_is_refused_without_force():
    scale_build(**TINY)
    with pytest.raises(CommandError, match="--force"):
        call_command("generate_scale", "--counties", "2", "--schools", "40", "--years", "1", stdout=io.StringIO())


def test_coverage_and_dashboard_count_what_was_generated_and_not_the_drafts():
    result = scale_build(**TINY)
    drafts = Checklist.objects.filter(status=ChecklistStatus.DRAFT).count()
    assert drafts == result.counts["draft checklists (of which)"] > 0
    submitted = sum(result.submitted_by_month.values())
    assert Visit.objects.count() == submitted + drafts

    province = get_user_model().objects.get(username="province")
    scope = selectors.dashboard_scope(user=province)
    figures = selectors.dashboard_figures(scope=scope, period=selectors.Period(year=2026, month=None, today=UNTIL),
                                          today=UNTIL)
    assert figures["schools"] == 40
    assert figures["visits"] == submitted  # every submitted visit by its day, no draft
    assert figures["tickets"]["tickets"] == result.counts["inspections_ticket"]
    assert figures["tickets"]["overdue"] == result.counts["overdue tickets (of which)"] > 0

    counties = Office.objects.filter(level="county")
    assert counties.count() == 2
    december = [coverage_for_month(scope=RosterScope.of(get_user_model().objects.get(username=f"director{n}")),
                                   year=2026, month=12, today=UNTIL) for n in (1, 2)]
    assert sum(c.total for c in december) == 40
    assert sum(c.visited for c in december) == result.submitted_by_month[(2026, 12)]
    assert sum(len(c.zones) for c in december) == Zone.objects.count()
