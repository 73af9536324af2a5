"""Supervisors' monthly summaries (月总结报告): figures from data, free text, submit freezes."""
import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from inspections.coverage import services
from inspections.coverage.views import shift_month
from inspections.models import MonthlySummary
from supervision.models import Supervisor
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


def edit_url(today):
    return reverse("inspections:summary_edit", args=[today.year, today.month])


def figures_on(body: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r'data-figure="(\w+)">(\d+)', body)}


def page(client, user, url):
    client.force_login(user)
    return client.get(url)


@pytest.fixture
def month_of_work(world, today):
    """sup_a1 this month: a1 twice (two problems on the first visit, and last month's problem re-checked
    on the second), a2 once, plus a draft at a2 with a problem that does not count yet."""
    user, s = world["sup_a1"].user, world["schools"]
    last_year, last_month = shift_month(today.year, today.month, -1)
    earlier = f.visit_filled(user=user, school=s["a1"], date=dt.date(last_year, last_month, 12), problems=1)
    f.visit_filled(user=user, school=s["a1"], problems=2)
    f.visit_filled(user=user, school=s["a1"], rechecks=list(earlier.problems.all()))
    f.visit_filled(user=user, school=s["a2"])
    f.visit_filled(user=user, school=s["a2"], problems=1, submit=False)
    return {"visits": 3, "schools_covered": 2, "problems_found": 2, "rechecks_done": 1}


def test_the_summary_shows_the_months_figures_from_the_data(client, world, today, month_of_work):
    body = page(client, world["sup_a1"].user, edit_url(today)).content.decode()
    assert figures_on(body) == month_of_work
    assert body.count("柳河县第一小学") == 2  # the month's visits are listed to help write the text
    assert "未填写" in body


def test_a_colleague_on_a_joint_visit_counts_it_in_their_own_summary(client, world, today):
    from supervision.services import zone_set_supervisors

    zone_set_supervisors(zone=world["zone_a1"], supervisors=[world["sup_a1"], world["sup_a2"]], lead=world["sup_a1"])
    f.visit_filled(user=world["sup_a1"].user, school=world["schools"]["a1"], co_supervisors=[world["sup_a2"]])
    body = page(client, world["sup_a2"].user, edit_url(today)).content.decode()
    assert figures_on(body)["visits"] == 1 and figures_on(body)["schools_covered"] == 1


def test_a_draft_keeps_its_text_and_stays_editable(client, world, today):
    client.force_login(world["sup_a1"].user)
    response = client.post(edit_url(today), {"text": "本月走访两所学校。", "action": "draft"})
    assert response.status_code == 302
    summary = MonthlySummary.objects.get(supervisor=world["sup_a1"])
    assert summary.text == "本月走访两所学校。" and summary.submitted_at is None
    body = client.get(edit_url(today)).content.decode()
    assert "本月走访两所学校。" in body and 'data-testid="summary-form"' in body and "草稿" in body


def test_submitting_without_text_is_refused_and_nothing_is_submitted(client, world, today):
    client.force_login(world["sup_a1"].user)
    response = client.post(edit_url(today), {"text": "  ", "action": "submit"})
    assert response.status_code == 400
    assert "请填写总结内容后再提交" in response.content.decode()
    assert not MonthlySummary.objects.filter(submitted_at__isnull=False).exists()


def test_submitting_freezes_the_figures_and_makes_the_summary_read_only(client, world, today, month_of_work):
    client.force_login(world["sup_a1"].user)
    response = client.post(edit_url(today), {"text": "本月督导三次。", "action": "submit"}, follow=True)
    assert "月总结已提交" in response.content.decode()
    summary = MonthlySummary.objects.get(supervisor=world["sup_a1"])
    assert summary.figures == month_of_work and summary.submitted_at
    # A visit added afterwards changes nothing in the submitted summary.
    f.visit_filled(user=world["sup_a1"].user, school=world["schools"]["a2"], problems=1)
    body = client.get(edit_url(today)).content.decode()
    assert figures_on(body) == month_of_work
    assert 'data-testid="summary-form"' not in body and "已提交于" in body
    # Posting again is refused and keeps the text and the figures.
    response = client.post(edit_url(today), {"text": "改写", "action": "submit"}, follow=True)
    assert "月总结已提交,不能再修改" in response.content.decode()
    summary.refresh_from_db()
    assert summary.text == "本月督导三次。" and summary.figures == month_of_work


def test_submitting_again_through_the_service_cannot_recount_the_figures(world, today):
    sup = world["sup_a1"]
    services.monthly_summary_save(supervisor=sup, year=today.year, month=today.month, text="一", submit=True)
    f.visit_filled(user=sup.user, school=world["schools"]["a1"])
    with pytest.raises(Exception, match="已提交"):
        services.monthly_summary_save(supervisor=sup, year=today.year, month=today.month, text="二", submit=True)
    assert MonthlySummary.objects.get(supervisor=sup).figures["visits"] == 0


# --- Who may do what ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["admin_a", "director_a", "city_viewer", "province_viewer", "school_user_a1", "admin_b"])
def test_only_a_supervisor_opens_a_summary_to_edit(client, world, today, who):
    assert page(client, world[who], edit_url(today)).status_code == 404
    client.force_login(world[who])
    assert client.post(edit_url(today), {"text": "x", "action": "submit"}).status_code == 404
    assert not MonthlySummary.objects.exists()


def test_an_inactive_supervisor_cannot_file(client, world, today):
    Supervisor.objects.filter(pk=world["sup_a1"].pk).update(is_active=False)
    assert page(client, world["sup_a1"].user, edit_url(today)).status_code == 404


def test_a_future_month_or_a_month_13_is_refused(client, world, today):
    year, month = shift_month(today.year, today.month, 1)
    response = page(client, world["sup_a1"].user, reverse("inspections:summary_edit", args=[year, month]))
    assert response.status_code == 302 and response.url == reverse("inspections:summary_list")
    assert page(client, world["sup_a1"].user, f"/inspections/summaries/{today.year}/13/").status_code == 404


@pytest.fixture
def filed(world, today):
    return services.monthly_summary_save(
        supervisor=world["sup_a1"], year=today.year, month=today.month, text="王督学的月总结", submit=True
    )


@pytest.mark.parametrize("who", ["admin_a", "director_a", "city_viewer", "province_viewer"])
def test_the_office_and_higher_offices_read_a_submitted_summary(client, world, filed, who):
    response = page(client, world[who], reverse("inspections:summary_detail", args=[filed.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "王督学的月总结" in body and 'data-testid="summary-form"' not in body


@pytest.mark.parametrize("who", ["admin_b", "school_user_a1"])
def test_other_offices_and_school_users_get_404_on_a_summary(client, world, filed, who):
    assert page(client, world[who], reverse("inspections:summary_detail", args=[filed.pk])).status_code == 404


def test_a_colleague_supervisor_gets_404_on_a_summary(client, world, filed):
    assert page(client, world["sup_a2"].user, reverse("inspections:summary_detail", args=[filed.pk])).status_code == 404


def test_a_draft_stays_private_to_its_author(client, world, today):
    draft = services.monthly_summary_save(supervisor=world["sup_a1"], year=today.year, month=today.month, text="草稿")
    url = reverse("inspections:summary_detail", args=[draft.pk])
    assert page(client, world["director_a"], url).status_code == 404
    response = page(client, world["sup_a1"].user, url)
    assert response.status_code == 302 and response.url == edit_url(today)


# --- The lists ----------------------------------------------------------------------------------------


def test_a_supervisor_lists_their_own_summaries_by_month(client, world, today, filed):
    body = page(client, world["sup_a1"].user, reverse("inspections:summary_list")).content.decode()
    assert body.count('data-testid="own-month"') == today.month
    assert "已提交 · " in body
    assert 'data-testid="office-summaries"' not in body


def test_the_director_sees_who_filed_and_who_did_not(client, world, today, filed):
    services.monthly_summary_save(supervisor=world["sup_a2"], year=today.year, month=today.month, text="未完")
    body = page(client, world["director_a"], reverse("inspections:summary_list")).content.decode()
    rows = dict(re.findall(r'data-status="(\w+)">\s*<td>(\S+) ', body))
    assert rows == {"filed": "王督学", "draft": "李督学"}
    assert "赵督学" not in body  # another county
    assert "已提交 1 份 / 共 2 名督学" in body
    assert reverse("inspections:summary_detail", args=[filed.pk]) in body
    assert 'data-testid="own-summaries"' not in body


def test_a_higher_office_sees_every_county_read_only(client, world, filed):
    body = page(client, world["city_viewer"], reverse("inspections:summary_list")).content.decode()
    assert body.count('data-testid="supervisor-row"') == 3
    assert body.count('data-status="missing"') == 2
    assert "辉南县人民政府教育督导室" in body
    assert 'name="action"' not in body


def test_the_summary_list_is_404_for_school_users(client, world):
    assert page(client, world["school_user_a1"], reverse("inspections:summary_list")).status_code == 404


def test_the_office_summary_list_runs_the_same_queries_for_3_and_30_supervisors(client, world, today, filed):
    client.force_login(world["city_viewer"])
    url = reverse("inspections:summary_list")
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for _ in range(27):
        sup = f.SupervisorFactory(office=world["county_a"])
        services.monthly_summary_save(supervisor=sup, year=today.year, month=today.month, text="月总结", submit=True)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert len(response.context["supervisors"]) == 30
    assert len(large) == len(small)
