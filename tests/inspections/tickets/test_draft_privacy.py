"""A school's report stays its own until it submits it (个人信息保护): the text it is still writing and
the evidence it has uploaded are not readable by its supervisor, the director or the higher offices —
not on the page, not in the API, not as a download. Once submitted, every one of them reads both."""
import pytest

from inspections.models import Evidence
from tests.api_support import api_as
from inspections.models.choices import RecheckResult
from tests.inspections.tickets.test_views import fresh, make_ticket, pdf, png, recheck, report, school, url

pytestmark = pytest.mark.django_db

DRAFT_TEXT = "正在整改：消防通道杂物已清走一半"
READERS = ["sup_a1", "director_a", "admin_a", "city_viewer", "province_viewer"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def user_of(world, role):
    return world[role].user if role.startswith("sup_") else world[role]


@pytest.fixture
def drafted(world, client):
    ticket = make_ticket(world)
    school(client, world)
    assert report(client, ticket, text=DRAFT_TEXT, files=[png("草稿照片.png"), pdf("草稿说明.pdf")]).status_code == 302
    client.logout()
    return fresh(ticket)


def api_reports(world, role, ticket):
    response = api_as(world, role).get(f"/api/v1/tickets/{ticket.pk}/")
    assert response.status_code == 200, response.content
    return response.json()["reports"]


def test_the_school_reads_its_own_draft_on_the_page_in_the_api_and_as_downloads(world, client, drafted):
    (draft,) = api_reports(world, "school_user_a1", drafted)
    assert draft["text"] == DRAFT_TEXT and draft["submitted_at"] is None and len(draft["evidence"]) == 2
    client.force_login(world["school_user_a1"])
    assert DRAFT_TEXT in client.get(url("ticket_detail", drafted.pk)).content.decode()
    for evidence in Evidence.objects.all():
        assert client.get(url("evidence_download", evidence.pk)).status_code == 200


@pytest.mark.parametrize("role", READERS)
def test_nobody_else_reads_a_draft_or_downloads_its_evidence(world, client, drafted, role):
    assert api_reports(world, role, drafted) == []
    client.force_login(user_of(world, role))
    page = client.get(url("ticket_detail", drafted.pk))
    assert page.status_code == 200 and DRAFT_TEXT not in page.content.decode()
    for evidence in Evidence.objects.all():
        assert client.get(url("evidence_download", evidence.pk)).status_code == 404


@pytest.mark.parametrize("role", READERS)
def test_once_submitted_the_report_and_its_evidence_are_read_by_all_who_see_the_ticket(world, client, drafted, role):
    school(client, world)
    assert report(client, drafted, text=DRAFT_TEXT, do="submit").status_code == 302
    (submitted,) = api_reports(world, role, drafted)
    assert submitted["text"] == DRAFT_TEXT and submitted["submitted_at"] and len(submitted["evidence"]) == 2
    client.force_login(user_of(world, role))
    assert DRAFT_TEXT in client.get(url("ticket_detail", drafted.pk)).content.decode()
    for evidence in Evidence.objects.all():
        assert client.get(url("evidence_download", evidence.pk)).status_code == 200


def test_the_second_round_stays_the_schools_while_the_first_stays_readable(world, client, drafted):
    school(client, world)
    report(client, drafted, do="submit")
    client.force_login(world["sup_a1"].user)
    assert recheck(client, drafted, RecheckResult.NOT_RECTIFIED, notes="照片不清楚").status_code == 302
    school(client, world)
    assert report(client, drafted, text="第二轮草稿", files=[png("第二轮.png")]).status_code == 302
    rounds = api_reports(world, "director_a", drafted)
    assert [r["round"] for r in rounds] == [1] and rounds[0]["return_reason"] == "照片不清楚"
    assert [r["round"] for r in api_reports(world, "school_user_a1", drafted)] == [1, 2]
    second = Evidence.objects.get(original_name="第二轮.png")
    client.force_login(world["director_a"])
    assert client.get(url("evidence_download", second.pk)).status_code == 404
