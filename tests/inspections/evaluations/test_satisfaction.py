"""The director sees the kindergartens' scores next to the parents' satisfaction (家长满意度) from
the surveys."""
import pytest
from django.urls import reverse

from inspections.evaluations import selectors
from inspections.surveys.selectors import satisfaction_by_school
from tests.inspections.surveys.factories import respond, survey_published

from .factories import kg_round

pytestmark = pytest.mark.django_db


def test_the_results_table_shows_parents_satisfaction_per_kindergarten(client, world):
    rnd = kg_round(world)
    a4 = world["schools"]["a4"]
    survey = survey_published(office=world["county_a"], schools=[a4])
    link = survey.links.get(school=a4)
    respond(link, level=0)  # 非常满意
    respond(link, level=3)  # 不满意
    expected = satisfaction_by_school(office=world["county_a"], year=2026)[a4.pk]
    assert expected == 50.0
    rows = {r.entry.school_id: r for r in selectors.round_results(rnd).rows}
    assert rows[a4.pk].satisfaction == expected
    assert all(r.satisfaction is None for pk, r in rows.items() if pk != a4.pk)
    client.force_login(world["director_a"])
    page = client.get(reverse("evaluations:round_detail", args=[rnd.pk])).content.decode()
    assert "家长满意度" in page and "50.0%" in page
