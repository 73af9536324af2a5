"""Kindergarten evaluation rounds: 自评 by the kindergarten, 县评 by the county, 市评 recorded by an
admin; side-by-side totals and levels; bounds; who may see and score what."""
import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from inspections.models.choices import ProblemSource, TicketStatus
from inspections.evaluations import selectors, services
from inspections.evaluations.choices import Level, Stage
from inspections.evaluations.models import Indicator, Score
from supervision import clock
from tests import factories as f

from .factories import kg_round, kindergartens, score_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def rnd(world):
    return kg_round(world)


@pytest.fixture
def kg_user(world):
    return f.school_user(world["schools"]["a4"], username="kg_a4")


def entry_of(rnd, school):
    return rnd.entries.get(school=school)


def form_data(entry, values: dict):
    """Scoring form data: code → text typed."""
    data = {}
    for ind in Indicator.objects.filter(scheme=entry.round.scheme_id):
        data[f"i{ind.pk}"] = values.get(ind.code, "")
    return data


def test_the_kindergarten_enters_its_self_evaluation(client, world, rnd, kg_user):
    entry = entry_of(rnd, world["schools"]["a4"])
    client.force_login(kg_user)
    mine = client.get(reverse("evaluations:mine")).content.decode()
    assert rnd.name in mine and "自评已填0/13项" in mine
    response = client.post(reverse("evaluations:entry_score", args=[entry.pk, "self"]), form_data(entry, {"A1": "7.5", "C3": "10"}))
    assert response.status_code == 302
    assert {s.indicator.code: s.points for s in Score.objects.filter(entry=entry, stage=Stage.SELF)} == {
        "A1": Decimal("7.5"), "C3": Decimal("10")}


def test_a_score_above_the_maximum_is_refused_and_the_other_typed_scores_stay(client, world, rnd):
    entry = entry_of(rnd, world["schools"]["a4"])
    client.force_login(world["sup_a1"].user)
    response = client.post(reverse("evaluations:entry_score", args=[entry.pk, "county"]),
                           form_data(entry, {"A1": "9", "A2": "5.5", "B1": "-1", "C1": "abc"}))
    page = response.content.decode()
    assert response.status_code == 400
    assert "A1 园舍场地与设施设备:得分应在0到8分之间,您填写的是9分。" in page
    assert "B1 安全管理制度与应急演练:得分应在0到8分之间,您填写的是-1分。" in page
    assert "C1:“abc”不是有效的分数。" in page
    assert 'value="5.5"' in page and 'value="9"' in page  # nothing typed is lost
    assert not Score.objects.filter(entry=entry).exists()


def test_the_county_scores_and_the_director_sees_the_three_stages_side_by_side(client, world, rnd):
    entry = entry_of(rnd, world["schools"]["a4"])
    score_all(entry, Stage.SELF, world["admin_a"], share=Decimal("1"))  # self: 100
    score_all(entry, Stage.COUNTY, world["sup_a1"].user, overrides={"C3": Decimal("4")})  # county: 94
    score_all(entry, Stage.CITY, world["admin_a"], overrides={"C3": Decimal("5"), "A1": Decimal("4")})  # city: 91
    sheet = selectors.entry_sheet(entry)
    assert sheet.totals() == {Stage.SELF: Decimal("100"), Stage.COUNTY: Decimal("94"), Stage.CITY: Decimal("91")}
    client.force_login(world["director_a"])
    page = client.get(reverse("evaluations:entry_detail", args=[entry.pk])).content.decode()
    assert "自评" in page and "县评" in page and "市评" in page
    results = selectors.round_results(rnd)
    row = next(r for r in results.rows if r.entry.pk == entry.pk)
    assert (row.totals[Stage.SELF], row.totals[Stage.COUNTY], row.totals[Stage.CITY]) == (100, 94, 91)
    assert row.final_stage == Stage.CITY and row.level == Level.EXCELLENT
    # C3 at 5 of 10 and A1 at 4 of 8 are below 60 %: weak indicators even though the total is 优秀.
    assert row.weak and row.weak_count == 2
    listing = client.get(reverse("evaluations:round_detail", args=[rnd.pk])).content.decode()
    assert 'data-stage="self">100<' in listing and 'data-stage="county">94<' in listing
    assert 'data-stage="city">91<' in listing and "优秀" in listing


def test_levels_follow_the_thresholds_the_office_sets(world, rnd):
    a4, k1, k2 = [e for e in rnd.entries.order_by("school__code")]
    score_all(a4, Stage.COUNTY, world["admin_a"], share=Decimal("0.85"))
    score_all(k1, Stage.COUNTY, world["admin_a"], share=Decimal("0.7"))
    score_all(k2, Stage.COUNTY, world["admin_a"], share=Decimal("0.5"))
    totals = {r.entry.pk: (r.final_total, r.level) for r in selectors.round_results(rnd).rows}
    assert totals[a4.pk][1] == Level.GOOD and Decimal("80") <= totals[a4.pk][0] < Decimal("90")
    assert totals[k1.pk][1] == Level.QUALIFIED
    assert totals[k2.pk][1] == Level.FAILED
    scheme = rnd.scheme
    services.scheme_update(scheme=scheme, name=scheme.name, excellent_min=Decimal("80"), good_min=Decimal("65"),
                           pass_min=Decimal("45"), weak_share=Decimal("0.4"))
    rnd.scheme.refresh_from_db()
    levels = {r.entry.pk: r.level for r in selectors.round_results(rnd).rows}
    assert levels == {a4.pk: Level.EXCELLENT, k1.pk: Level.GOOD, k2.pk: Level.QUALIFIED}


def test_an_incomplete_stage_has_no_level_yet(world, rnd):
    entry = rnd.entries.first()
    ind = Indicator.objects.filter(scheme=rnd.scheme).first()
    services.scores_save(entry=entry, stage=Stage.COUNTY, points={ind.pk: "5"}, actor=world["admin_a"])
    row = next(r for r in selectors.round_results(rnd).rows if r.entry.pk == entry.pk)
    assert row.totals[Stage.COUNTY] == 5 and row.level is None and row.rank is None


def test_a_blank_score_clears_an_earlier_one(world, rnd):
    entry = rnd.entries.first()
    ind = Indicator.objects.filter(scheme=rnd.scheme).first()
    services.scores_save(entry=entry, stage=Stage.COUNTY, points={ind.pk: "5"}, actor=world["admin_a"])
    services.scores_save(entry=entry, stage=Stage.COUNTY, points={ind.pk: ""}, actor=world["admin_a"])
    assert not Score.objects.filter(entry=entry).exists()


def test_a_kindergarten_user_sees_only_its_own_entry(client, world, rnd, kg_user):
    own = entry_of(rnd, world["schools"]["a4"])
    other = rnd.entries.exclude(pk=own.pk).first()
    client.force_login(kg_user)
    assert client.get(reverse("evaluations:entry_detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("evaluations:entry_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("evaluations:entry_score", args=[other.pk, "self"])).status_code == 404
    # Nor the round's results (other kindergartens' scores), nor the county's scoring form.
    assert client.get(reverse("evaluations:round_detail", args=[rnd.pk])).status_code == 404
    assert client.get(reverse("evaluations:entry_score", args=[own.pk, "county"])).status_code == 404


def test_the_county_cannot_type_the_kindergartens_self_evaluation(client, world, rnd):
    entry = entry_of(rnd, world["schools"]["a4"])
    client.force_login(world["sup_a1"].user)
    assert client.get(reverse("evaluations:entry_score", args=[entry.pk, "self"])).status_code == 404


def test_another_county_cannot_see_or_score_the_round(client, world, rnd):
    entry = rnd.entries.first()
    for user in (world["admin_b"], world["sup_b1"].user):
        client.force_login(user)
        assert client.get(reverse("evaluations:round_detail", args=[rnd.pk])).status_code == 404
        assert client.get(reverse("evaluations:entry_detail", args=[entry.pk])).status_code == 404
        assert client.get(reverse("evaluations:entry_score", args=[entry.pk, "county"])).status_code == 404
        assert client.get(reverse("evaluations:round_export", args=[rnd.pk])).status_code == 404


def test_the_city_re_evaluation_is_entered_by_an_admin_not_by_a_supervisor_or_viewer(client, world, rnd):
    entry = rnd.entries.first()
    city_admin = f.office_user("office_admin", world["city"], username="city_admin")
    client.force_login(city_admin)
    assert client.get(reverse("evaluations:entry_score", args=[entry.pk, "city"])).status_code == 200
    for user in (world["sup_a1"].user, world["city_viewer"], world["director_a"]):
        client.force_login(user)
        assert client.get(reverse("evaluations:entry_score", args=[entry.pk, "city"])).status_code == 404
    # The city viewer still reads the results.
    client.force_login(world["city_viewer"])
    assert client.get(reverse("evaluations:round_detail", args=[rnd.pk])).status_code == 200


def test_a_round_of_kindergartens_refuses_a_primary_school(world):
    scheme = kg_round(world).scheme
    with pytest.raises(services.ValidationError, match="只能选择幼儿园"):
        services.round_create(scheme=scheme, name="x", schools=[world["schools"]["a1"]])


def test_the_round_list_and_results_run_a_constant_number_of_queries(client, world, django_assert_num_queries):
    small = kg_round(world, kindergartens(world, 2), name="小")
    client.force_login(world["director_a"])
    for e in small.entries.all():
        score_all(e, Stage.COUNTY, world["admin_a"])
    url = reverse("evaluations:round_detail", args=[small.pk])
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    schools = [f.SchoolFactory(office=world["county_a"], zone=world["zone_a1"], kind="kindergarten") for _ in range(8)]
    big = kg_round(world, schools, name="大")
    for e in big.entries.all():
        score_all(e, Stage.COUNTY, world["admin_a"])
        score_all(e, Stage.SELF, world["admin_a"])
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("evaluations:round_detail", args=[big.pk]))
    home = reverse("evaluations:home")
    with CaptureQueriesContext(connection) as home_queries:
        client.get(home)
    kg_round(world, schools[:2], name="再一次", year=2025)
    with django_assert_num_queries(len(home_queries.captured_queries)):
        client.get(home)


def test_weak_indicators_become_rectification_tickets_and_a_follow_up_visit_is_due(client, world, rnd):
    entry = entry_of(rnd, world["schools"]["a4"])
    school = entry.school
    f.school_moved(school, world["zone_a1"], on=f.roster_start())
    score_all(entry, Stage.COUNTY, world["sup_a1"].user, share=Decimal("0.5"))  # 不合格, every indicator weak
    row = next(r for r in selectors.round_results(rnd).rows if r.entry.pk == entry.pk)
    assert row.level == Level.FAILED and row.weak
    c3 = Indicator.objects.get(scheme=rnd.scheme, code="C3")
    b1 = Indicator.objects.get(scheme=rnd.scheme, code="B1")
    client.force_login(world["admin_a"])
    response = client.post(reverse("evaluations:entry_raise", args=[entry.pk]), {
        "indicators": [c3.pk, b1.pk], "opinion": "一个月内整改到位,杜绝小学化倾向。", "deadline": ""})
    assert response.status_code == 302
    problems = list(entry.problems.select_related("ticket").order_by("item_code"))
    assert [p.item_code for p in problems] == ["B1", "C3"]
    assert all(p.source == ProblemSource.EVALUATION and p.ticket.status == TicketStatus.OPEN for p in problems)
    assert "得分5分(满分10分)" in problems[1].description
    # Raising the same indicator again adds no second ticket.
    client.post(reverse("evaluations:entry_raise", args=[entry.pk]), {"indicators": [c3.pk], "opinion": "再次"})
    assert entry.problems.count() == 2
    page = client.get(reverse("evaluations:round_detail", args=[rnd.pk])).content.decode()
    assert "待回访" in page and "整改2项" in page
    # The school sees its tickets.
    kg_user = f.school_user(school, username="kg")
    client.force_login(kg_user)
    assert "杜绝小学化倾向" in client.get(reverse("inspections:ticket_list")).content.decode()
    # The next routine visit to the kindergarten is the follow-up (回访).
    f.visit_filled(user=world["sup_a1"].user, school=school)
    row = next(r for r in selectors.round_results(rnd).rows if r.entry.pk == entry.pk)
    assert row.followed_up_on is not None and not row.follow_up_due


def test_a_visit_before_the_rectification_is_not_a_follow_up(world, rnd):
    entry = entry_of(rnd, world["schools"]["a4"])
    school = entry.school
    f.school_moved(school, world["zone_a1"], on=f.roster_start())
    f.visit_filled(user=world["sup_a1"].user, school=school, date=clock.today() - dt.timedelta(days=3))
    score_all(entry, Stage.COUNTY, world["admin_a"], share=Decimal("0.5"))
    services.weak_indicators_raise(entry=entry, indicator_ids=[Indicator.objects.get(scheme=rnd.scheme, code="A1").pk],
                                   opinion="整改", actor=world["admin_a"], found_on=clock.today())
    row = next(r for r in selectors.round_results(rnd).rows if r.entry.pk == entry.pk)
    assert row.follow_up_due


def test_only_the_office_admin_raises_tickets(client, world, rnd):
    entry = rnd.entries.first()
    ind = Indicator.objects.filter(scheme=rnd.scheme).first()
    for user in (world["director_a"], world["sup_a1"].user, world["admin_b"]):
        client.force_login(user)
        assert client.post(reverse("evaluations:entry_raise", args=[entry.pk]),
                           {"indicators": [ind.pk], "opinion": "x"}).status_code == 404
    assert not entry.problems.exists()


def test_the_admin_organises_a_round_of_kindergartens_on_the_page(client, world):
    kgs = kindergartens(world, 3)
    scheme = services.scheme_create(office=world["county_a"], year=2026, kind="kindergarten", name="")
    client.force_login(world["admin_a"])
    form = client.get(reverse("evaluations:round_create", args=[scheme.pk])).content.decode()
    assert kgs[1].name in form and world["schools"]["a1"].name not in form  # kindergartens only
    response = client.post(reverse("evaluations:round_create", args=[scheme.pk]), {
        "name": "2026年幼儿园办园行为督导评估", "schools": [k.pk for k in kgs[:2]], "self_evaluation": "on"})
    rnd = scheme.rounds.get()
    assert response.status_code == 302 and rnd.self_evaluation
    assert set(rnd.entries.values_list("school", flat=True)) == {kgs[0].pk, kgs[1].pk}
    empty = client.post(reverse("evaluations:round_create", args=[scheme.pk]), {"name": "空", "schools": []})
    assert empty.status_code == 400 and scheme.rounds.count() == 1


def test_a_kindergarten_user_opening_the_evaluations_goes_to_its_own(client, world, kg_user):
    kg_round(world)
    client.force_login(kg_user)
    response = client.get(reverse("evaluations:home"))
    assert response.status_code == 302 and response["Location"] == reverse("evaluations:mine")
    client.force_login(world["school_user_a1"])  # a primary school in no round
    assert "目前没有需要本园(校)参加的评估" in client.get(reverse("evaluations:mine")).content.decode()


def test_the_kindergartens_own_page_runs_a_constant_number_of_queries(client, world, kg_user, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    kg_round(world, [world["schools"]["a4"]], name="第一轮")
    client.force_login(kg_user)
    url = reverse("evaluations:mine")
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    for n in range(3):
        kg_round(world, [world["schools"]["a4"]], name=f"第{n + 2}轮", year=2023 + n)
    with django_assert_num_queries(len(ctx.captured_queries)):
        client.get(url)


def test_issuing_rectification_without_an_opinion_is_refused_and_keeps_the_choice(client, world, rnd):
    entry = entry_of(rnd, world["schools"]["a4"])
    score_all(entry, Stage.COUNTY, world["admin_a"], share=Decimal("0.5"))
    c3 = Indicator.objects.get(scheme=rnd.scheme, code="C3")
    client.force_login(world["admin_a"])
    response = client.post(reverse("evaluations:entry_raise", args=[entry.pk]),
                           {"indicators": [c3.pk], "opinion": "", "deadline": "2026-12-31"})
    page = response.content.decode()
    assert response.status_code == 400 and "请填写整改意见" in page
    assert 'value="2026-12-31"' in page
    assert not entry.problems.exists()
