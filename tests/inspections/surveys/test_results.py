"""Results per school, audience and question; the satisfaction index; the year-end sentence."""
import pytest
from django.urls import reverse

from inspections.surveys import services
from inspections.surveys.choices import Audience
from inspections.surveys.contribution import survey_contribution
from inspections.surveys.selectors import satisfaction_by_school, survey_results
from reports.annual.contributions import contributions_for

from .factories import respond, small_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(world):
    a1, a2 = world["schools"]["a1"], world["schools"]["a2"]
    s = small_survey(office=world["county_a"], schools=[a1, a2], audiences=[Audience.PARENT, Audience.STUDENT])
    link = {(l.school_id, l.audience): l for l in s.links.all()}
    # a1 parents: 非常满意, 满意, 一般, 不满意 → 2 of 4 satisfied; a1 students: 满意 → 1 of 1.
    for level in (0, 1, 2, 3):
        respond(link[(a1.pk, "parent")], level=level, picks=[0, 1] if level == 0 else [1])
    respond(link[(a1.pk, "student")], level=1, text="食堂很干净")
    # a2 parents: 非常满意 ×3 → 3 of 3.
    for _ in range(3):
        respond(link[(a2.pk, "parent")], level=0, text="")
    return s


def test_results_count_answers_per_school_and_audience(world, survey):
    results = survey_results(survey=survey)
    assert results["total"] == 8
    rows = {r["name"]: r for r in results["schools"]}
    audiences = [a.value for a in results["audiences"]]
    a1 = dict(zip(audiences, rows["柳河县第一小学"]["counts"], strict=True))
    assert a1 == {"student": 1, "parent": 4}
    assert rows["柳河县第二中学"]["total"] == 3


def test_satisfaction_is_the_share_of_satisfied_and_very_satisfied(world, survey):
    results = survey_results(survey=survey)
    assert results["satisfaction"] == round(100 * 6 / 8, 1)  # 75.0
    rows = {r["name"]: r for r in results["schools"]}
    assert rows["柳河县第一小学"]["satisfaction"] == 60.0  # 3 of 5
    assert rows["柳河县第二中学"]["satisfaction"] == 100.0
    scale = results["questions"][0]
    assert [o["count"] for o in scale["options"]] == [4, 2, 1, 1, 0]
    assert scale["options"][0]["percent"] == 50.0


def test_multiple_choice_counts_each_ticked_option(world, survey):
    multiple = survey_results(survey=survey)["questions"][1]
    assert [o["count"] for o in multiple["options"]] == [1, 4, 0]
    assert multiple["answered"] == 4


def test_results_filtered_by_audience_and_school(world, survey):
    parents = survey_results(survey=survey, audience="parent")
    assert parents["total"] == 7 and parents["satisfaction"] == round(100 * 5 / 7, 1)
    a1 = survey_results(survey=survey, school_id=world["schools"]["a1"].pk)
    assert a1["total"] == 5 and [r["name"] for r in a1["schools"]] == ["柳河县第一小学"]


def test_text_answers_are_listed_on_the_results_page(client, world, survey):
    client.force_login(world["director_a"])
    page = client.get(reverse("surveys:results", args=[survey.pk]))
    html = page.content.decode()
    assert "食堂很干净" in html
    assert 'data-testid="total">8<' in html and "75.0%" in html
    assert page.context["results"]["audience_rows"][1] == {"value": "parent", "label": "家长", "count": 7, "satisfaction": 71.4}


def test_results_page_runs_the_same_queries_for_few_or_many_answers_and_schools(client, world, survey, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world["director_a"])
    url = reverse("surveys:results", args=[survey.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    from tests import factories as f

    more = [f.SchoolFactory(office=world["county_a"]) for _ in range(3)]
    services.survey_publish(survey=survey, schools=more, audiences=["parent", "teacher"])
    for link in survey.links.filter(school__in=more):
        for level in range(5):
            respond(link, level=level, text="意见")
    with django_assert_num_queries(len(few)):
        client.get(url)


def test_satisfaction_by_school_covers_the_years_published_and_closed_surveys(world, survey):
    a1, a2 = world["schools"]["a1"], world["schools"]["a2"]
    assert satisfaction_by_school(office=world["county_a"], year=2026) == {a1.pk: 60.0, a2.pk: 100.0}
    # A closed survey of the same year adds its answers; other years and other offices do not count.
    second = small_survey(office=world["county_a"], schools=[a1])
    respond(second.links.get(), level=0)
    services.survey_close(survey=second)
    old = small_survey(office=world["county_a"], schools=[a1], year=2025)
    respond(old.links.get(), level=4)
    assert satisfaction_by_school(office=world["county_a"], year=2026)[a1.pk] == round(100 * 4 / 6, 1)
    assert satisfaction_by_school(office=world["county_a"], year=2025) == {a1.pk: 0.0}
    assert satisfaction_by_school(office=world["county_b"], year=2026) == {}


def test_the_year_end_summary_says_how_many_questionnaires_and_the_parents_satisfaction(world, survey):
    c = survey_contribution(office=world["county_a"], year=2026)
    assert c.sentence == "完成学生和家长调查问卷8份，家长总体满意度71.4%。"
    assert c.figures["responses"] == 8 and c.figures["responses_parent"] == 7 and c.figures["parent_satisfaction"] == 71.4
    assert "surveys" in [x.key for x in contributions_for(office=world["county_a"], year=2026)]
    assert survey_contribution(office=world["county_a"], year=2025) is None
    assert survey_contribution(office=world["county_b"], year=2026) is None
