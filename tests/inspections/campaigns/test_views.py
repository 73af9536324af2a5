"""The campaign pages as the office admin, the team, other supervisors, other offices and schools see them."""
import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from inspections.campaigns.choices import SchoolSelection
from inspections.campaigns.models import Campaign
from inspections.models import Visit
from schools.choices import SchoolKind
from tests import factories as f

from .factories import campaign_made, special_visit_filled

pytestmark = pytest.mark.django_db


def as_user(client, user):
    client.force_login(getattr(user, "user", user))
    return client


def detail(campaign):
    return reverse("campaigns:detail", args=[campaign.pk])


def create_form(world, **extra):
    today = timezone.localdate()
    data = {
        "topic": "shuangjian", "title": "", "start": today.isoformat(), "end": today.isoformat(),
        "leader": world["sup_a1"].pk, "team": [world["sup_a2"].pk], "selection": SchoolSelection.RANDOM,
        "kinds": [SchoolKind.PRIMARY, SchoolKind.JUNIOR], "sample_size": "2", "seed": "839201",
    }
    data.update(extra)
    return data


def test_office_admin_launches_a_random_sample_and_sees_the_seed(client, world):
    response = as_user(client, world["admin_a"]).post(reverse("campaigns:create"), create_form(world))
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response.url == detail(campaign)
    page = client.get(detail(campaign)).content.decode()
    assert "随机抽取 2 所,种子 839201" in page
    assert f"{timezone.localdate().year}年“双减”专项督导" in page
    assert page.count('data-testid="campaign-school"') == 2


def test_a_sample_larger_than_the_population_answers_with_the_reason_and_keeps_the_form(client, world):
    response = as_user(client, world["admin_a"]).post(reverse("campaigns:create"), create_form(world, sample_size="9"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "抽取数量(9)超过了可抽取的学校数(3)" in page
    assert 'value="839201"' in page  # what was typed is kept
    assert not Campaign.objects.exists()


@pytest.mark.parametrize("role", ["sup_a1", "director_a", "city_viewer", "school_user_a1"])
def test_only_office_admins_open_the_launch_page(client, world, role):
    assert as_user(client, world[role]).get(reverse("campaigns:create")).status_code == 404


@pytest.mark.parametrize("role, status", [
    ("admin_a", 200), ("director_a", 200), ("city_viewer", 200), ("sup_a1", 200),
    ("sup_a2", 404), ("admin_b", 404), ("school_user_a1", 404), ("sup_b1", 404),
])
def test_who_opens_a_campaign(client, world, role, status):
    campaign = campaign_made(world, schools=("a1", "a3"), team=("sup_a1",))
    assert as_user(client, world[role]).get(detail(campaign)).status_code == status


def test_team_member_starts_a_special_visit_from_the_campaign_and_fills_the_campaign_items(client, world):
    campaign = campaign_made(world, schools=("a3",))  # a3 lies outside sup_a1's zone
    as_user(client, world["sup_a1"])
    page = client.get(detail(campaign)).content.decode()
    start = reverse("campaigns:visit_start", args=[campaign.pk])
    assert f'{start}?school={world["schools"]["a3"].pk}' in page
    response = client.post(start, {
        "school": world["schools"]["a3"].pk, "date": timezone.localdate().isoformat(), "methods": ["campus_walk"],
    })
    visit = Visit.objects.get()
    assert response.status_code == 302 and response.url == reverse("inspections:visit_detail", args=[visit.pk])
    checklist = client.get(response.url).content.decode()
    assert "专项督导事项" in checklist and "作业管理" in checklist and "经常性督导事项" not in checklist


def test_non_team_supervisor_cannot_open_the_start_page(client, world):
    campaign = campaign_made(world, schools=("a3",))
    assert as_user(client, world["sup_a2"]).get(reverse("campaigns:visit_start", args=[campaign.pk])).status_code == 404


def test_start_page_refuses_a_school_outside_the_campaign(client, world):
    campaign = campaign_made(world, schools=("a3",))
    response = as_user(client, world["sup_a1"]).post(reverse("campaigns:visit_start", args=[campaign.pk]), {
        "school": world["schools"]["a1"].pk, "date": timezone.localdate().isoformat(), "methods": ["campus_walk"],
    })
    assert response.status_code == 400
    assert "所选学校不在本次专项督导的学校名单中" in response.content.decode()
    assert not Visit.objects.exists()


def test_team_members_open_each_others_special_visits_but_other_supervisors_do_not(client, world):
    campaign = campaign_made(world, schools=("a3",), team=("sup_a1", "sup_a2"))
    outsider = f.SupervisorFactory(office=world["county_a"])
    visit = special_visit_filled(campaign, user=world["sup_a1"].user, school=world["schools"]["a3"], problems=1)
    url = reverse("inspections:visit_detail", args=[visit.pk])
    assert as_user(client, world["sup_a2"]).get(url).status_code == 200
    assert as_user(client, outsider).get(url).status_code == 404
    assert as_user(client, world["admin_b"]).get(url).status_code == 404


def test_detail_shows_each_schools_progress_and_findings(client, world):
    campaign = campaign_made(world, schools=("a1", "a3"))
    special_visit_filled(campaign, user=world["sup_a1"].user, school=world["schools"]["a1"], problems=2)
    page = as_user(client, world["admin_a"]).get(detail(campaign)).content.decode()
    assert "已督导 1/2 所" in page
    assert "发现问题 2 个,整改通知 2 份,已销号 0 份" in page
    assert re.findall(r'data-testid="school-status">([^<]+)<', page) == ["已督导", "未督导"]


def test_checklist_items_are_edited_by_the_admin_until_the_first_visit(client, world):
    campaign = campaign_made(world)
    items = reverse("campaigns:items", args=[campaign.pk])
    as_user(client, world["admin_a"])
    assert client.post(items, {"code": "S6", "title": "课后服务收费"}).status_code == 302
    assert client.post(items, {"code": "S6", "title": "重复"}).status_code == 400
    assert campaign.items.filter(code="S6", title="课后服务收费").exists()
    special_visit_filled(campaign, user=world["sup_a1"].user, school=world["schools"]["a1"], submit=False)
    response = client.post(items, {"code": "S7", "title": "太晚了"})
    assert response.status_code == 400 and "清单已锁定" in response.content.decode()
    assert as_user(client, world["director_a"]).get(items).status_code == 404


def test_list_by_year_and_status(client, world):
    now = campaign_made(world, title="本期专项")
    last_year = now.start.year - 1
    old = campaign_made(world, title="去年专项", start=dt.date(last_year, 3, 1), end=dt.date(last_year, 3, 20))
    as_user(client, world["director_a"])
    page = client.get(reverse("campaigns:list"), {"year": now.start.year}).content.decode()
    assert now.title in page and old.title not in page
    page = client.get(reverse("campaigns:list"), {"status": "finished"}).content.decode()
    assert old.title in page and now.title not in page
    assert "本期专项" not in as_user(client, world["admin_b"]).get(reverse("campaigns:list")).content.decode()


def grow(world, n):
    for k in range(n):
        c = campaign_made(world, schools=("a1", "a2", "a3"), title=f"专项{k}")
        special_visit_filled(c, user=world["sup_a1"].user, school=world["schools"]["a1"], problems=1)


@pytest.mark.parametrize("role", ["director_a", "sup_a1"])
def test_the_list_runs_the_same_queries_for_one_or_many_campaigns(client, world, role, django_assert_num_queries):
    grow(world, 1)
    as_user(client, world[role])
    url = reverse("campaigns:list")
    client.get(url)
    with django_assert_num_queries(LIST_QUERIES[role]):
        assert client.get(url).status_code == 200
    grow(world, 6)
    with django_assert_num_queries(LIST_QUERIES[role]):
        assert client.get(url).content.decode().count('data-testid="campaign-row"') == 7


LIST_QUERIES = {"director_a": 7, "sup_a1": 7}
DETAIL_QUERIES = 19  # ... and each school's zone today (its open membership)


def test_the_detail_runs_the_same_queries_for_few_or_many_schools_and_visits(client, world, django_assert_num_queries):
    small = campaign_made(world, schools=("a1",))
    special_visit_filled(small, user=world["sup_a1"].user, school=world["schools"]["a1"], problems=1)
    extra = [f.SchoolFactory(office=world["county_a"]) for _ in range(8)]
    large = campaign_made(world, schools=("a1", "a2", "a3"), team=("sup_a1", "sup_a2"))
    from inspections.campaigns.models import CampaignSchool

    CampaignSchool.objects.bulk_create(CampaignSchool(campaign=large, school=s, position=10 + n) for n, s in enumerate(extra))
    for school in [world["schools"]["a1"], world["schools"]["a3"], *extra[:4]]:
        special_visit_filled(large, user=world["sup_a1"].user, school=school, problems=2)
    as_user(client, world["admin_a"])
    client.get(detail(small))
    with django_assert_num_queries(DETAIL_QUERIES):
        assert client.get(detail(small)).status_code == 200
    with django_assert_num_queries(DETAIL_QUERIES):
        assert "已督导 6/11 所" in client.get(detail(large)).content.decode()


def test_an_office_admin_who_works_in_english_reads_the_campaign_in_english(client, world):
    from tests.test_i18n import chinese_left, in_english

    campaign = campaign_made(world, schools=("a1", "a3"), title="双减专项")
    special_visit_filled(campaign, user=world["sup_a1"].user, school=world["schools"]["a1"], problems=1)
    in_english(client, world["admin_a"])
    body = client.get(detail(campaign)).content.decode()
    assert "Inspected 1/2 schools" in body
    data = [campaign.title, world["county_a"].name, "王督学", world["admin_a"].first_name,
            world["schools"]["a1"].name, world["schools"]["a3"].name, world["zone_a1"].name, world["zone_a2"].name,
            *campaign.items.values_list("title", flat=True)]
    assert chinese_left(body, data) == []
