"""The demo county's 家长满意度 survey: published to schools and kindergartens, answered, idempotent."""
import datetime as dt

import pytest

from inspections.surveys.demo import demo_build
from inspections.surveys.models import Response, Survey
from inspections.surveys.selectors import satisfaction_by_school

pytestmark = pytest.mark.django_db


def test_the_demo_survey_has_answers_from_every_school_and_kindergarten_and_runs_once(world):
    office = world["county_a"]
    demo_build(office=office, today=dt.date(2026, 11, 23))
    survey = Survey.objects.get(office=office)
    assert survey.title == "2026年家长满意度调查" and survey.status == "published"
    answered = set(Response.objects.filter(survey=survey).values_list("school__name", flat=True))
    assert answered == {"柳河县第一小学", "柳河县第二中学", "三源浦镇中心小学", "柳河县实验幼儿园"}
    assert not survey.links.filter(school__kind="kindergarten", audience="student").exists()
    count = Response.objects.count()
    assert count > 30
    assert set(satisfaction_by_school(office=office, year=2026)) == {s.pk for s in world["schools"].values() if s.office == office}
    demo_build(office=office, today=dt.date(2026, 11, 23))
    assert Response.objects.count() == count and Survey.objects.count() == 1
