"""报送: the office sends the period's package upward — what may be sent, by whom, and who sees it."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reports import submissions
from reports.models import Job, Submission

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize(
    "params, message",
    [
        ({"period": "week", "year": 2026}, "请选择报送周期"),
        ({"period": "month", "year": 2026, "month": 12}, "月份无效"),  # a month still to come
        ({"period": "month", "year": 2026, "month": "x"}, "月份无效"),
        ({"period": "month", "year": 2026}, "月份无效"),
        ({"period": "year", "year": 2027}, "年度无效"),
        ({"period": "year", "year": 2026, "month": 3}, "年度报送不需要月份"),
        ({"period": "year", "year": 2026, "zone": 1}, "未知的参数"),
    ],
)
def test_a_period_that_cannot_be_sent_is_refused_with_a_reason(world, params, message):
    with pytest.raises(ValidationError) as refused:
        submissions.clean_params(world["county_a"], params, today=TODAY)
    assert message in " ".join(refused.value.messages)


def test_a_month_and_a_year_are_accepted(world):
    assert submissions.clean_params(world["county_a"], {"period": "month", "year": "2026", "month": "11"}, today=TODAY) == {
        "period": "month", "year": 2026, "month": 11,
    }
    assert submissions.clean_params(world["county_a"], {"period": "year", "year": 2025, "month": ""}, today=TODAY) == {
        "period": "year", "year": 2025, "month": None,
    }


def test_a_province_office_has_nobody_to_send_to(world):
    with pytest.raises(ValidationError) as refused:
        submissions.submission_start(
            office=world["province"], params={"period": "year", "year": 2026}, user=world["province_viewer"]
        )
    assert "没有上级督导室" in " ".join(refused.value.messages)
    assert not Submission.objects.exists() and not Job.objects.exists()


@pytest.mark.parametrize("who", ["sup_a1", "school_user_a1", "city_viewer", "admin_b"])
def test_only_the_offices_own_admin_or_director_opens_the_send_page(client, world, who):
    user = world[who].user if who.startswith("sup_") else world[who]
    client.force_login(user)
    url = reverse("reports:submission_new") + f"?office={world['county_a'].pk}&period=month&year=2026&month=10"
    assert client.get(url).status_code == 404
    assert client.post(reverse("reports:submission_new"), {
        "office": world["county_a"].pk, "period": "month", "year": 2026, "month": 10,
    }).status_code == 404
    assert not Submission.objects.exists()


def test_the_send_page_lists_the_cover_letter_and_refuses_an_empty_package(client, world):
    client.force_login(world["director_a"])
    url = reverse("reports:submission_new") + f"?office={world['county_a'].pk}&period=month&year=2026&month=10"
    body = client.get(url).content.decode()
    assert "报送函" in body and "2026年10月" in body and world["city"].name in body
    response = client.post(reverse("reports:submission_new"), {
        "office": world["county_a"].pk, "period": "month", "year": 2026, "month": 10, "note": "请审阅",
    })
    assert response.status_code == 200
    assert "本期没有可报送的材料" in response.content.decode()
    assert "请审阅" in response.content.decode()  # what was typed is kept
    assert not Submission.objects.exists()
