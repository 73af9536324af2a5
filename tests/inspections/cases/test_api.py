"""/api/v1/cases/: the same rules as the pages."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from inspections.cases.choices import CaseStatus
from inspections.cases.models import Case
from tests.api_support import api_as
from tests.inspections.evidence_files import image_bytes

from .factories import case_made

pytestmark = pytest.mark.django_db
URL = "/api/v1/cases/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def titles(response):
    assert response.status_code == 200, response.content
    return sorted(row["title"] for row in response.json()["results"])


def test_a_supervisor_creates_edits_attaches_and_submits_through_the_api(world):
    client = api_as(world, "sup_a1")
    response = client.post(URL, {"title": "双减背景下作业管理的探索", "year": 2026, "tags": "双减,作业管理",
                                 "school": world["schools"]["a1"].pk, "body": "<p>控制作业总量<script>x()</script></p>"},
                           format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "draft" and data["body"] == "<p>控制作业总量</p>" and data["tags"] == "双减、作业管理"
    pk = data["id"]
    assert client.patch(f"{URL}{pk}/", {"title": "双减背景下作业管理的探索与实践"}, format="json").json()["title"].endswith("与实践")
    photo = SimpleUploadedFile("作业公示栏.png", image_bytes("PNG"), content_type="image/png")
    response = client.post(f"{URL}{pk}/attachments/", {"file": photo}, format="multipart")
    assert response.status_code == 200 and response.json()["attachments"][0]["content_type"] == "image/jpeg"
    disguised = SimpleUploadedFile("作业.png", b"MZ" + b"\x00" * 100, content_type="image/png")
    response = client.post(f"{URL}{pk}/attachments/", {"file": disguised}, format="multipart")
    assert response.status_code == 400 and "可执行程序" in str(response.json())
    response = client.post(f"{URL}{pk}/submit/")
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    assert client.patch(f"{URL}{pk}/", {"title": "再改"}, format="json").status_code == 403


def test_the_office_reviews_and_recommends_through_the_api(world):
    case = case_made(author=world["sup_a1"].user, status="submitted")
    director = api_as(world, "director_a")
    response = director.post(f"{URL}{case.pk}/review/", {"action": "return"}, format="json")
    assert response.status_code == 400 and "修改意见" in str(response.json())
    for step in ["accept", "excellent", "recommend"]:
        response = director.post(f"{URL}{case.pk}/review/", {"action": step}, format="json")
        assert response.status_code == 200, response.content
    assert response.json()["status"] == "recommended"
    assert [e["action"] for e in response.json()["events"]][-3:] == ["accept", "excellent", "recommend"]
    response = director.post(f"{URL}{case.pk}/review/", {"action": "accept"}, format="json")
    assert response.status_code == 400 and "不能执行" in str(response.json())


def test_who_sees_what_through_the_api(world):
    author, reviewer = world["sup_a1"].user, world["director_a"]
    case_made(author=author, title="草稿")
    submitted = case_made(author=author, status="submitted", title="已提交")
    case_made(author=author, status="recommended", reviewer=reviewer, title="已推荐")
    assert titles(api_as(world, "sup_a1").get(URL, {"year": 2026})) == ["已推荐", "已提交", "草稿"]
    assert titles(api_as(world, "director_a").get(URL)) == ["已推荐", "已提交"]
    assert titles(api_as(world, "city_viewer").get(URL)) == ["已推荐"]
    assert titles(api_as(world, "province_viewer").get(URL)) == ["已推荐"]
    assert titles(api_as(world, "school_user_a1").get(URL)) == []
    assert titles(api_as(world, "admin_b").get(URL)) == []
    for role in ["city_viewer", "admin_b", "school_user_a1"]:
        assert api_as(world, role).get(f"{URL}{submitted.pk}/").status_code == 404
    assert api_as(world, "anonymous").get(URL).status_code in (401, 403)


def test_only_the_author_edits_and_only_the_office_reviews(world):
    case = case_made(author=world["sup_a1"].user, status="submitted")
    # The director reads it but may not edit it; the author may not review their own case.
    assert api_as(world, "director_a").patch(f"{URL}{case.pk}/", {"title": "x"}, format="json").status_code == 403
    assert api_as(world, "sup_a1").post(f"{URL}{case.pk}/review/", {"action": "accept"}, format="json").status_code == 403
    assert api_as(world, "admin_b").post(f"{URL}{case.pk}/review/", {"action": "accept"}, format="json").status_code == 404
    recommended = case_made(author=world["sup_a1"].user, status="recommended", reviewer=world["director_a"])
    assert api_as(world, "city_viewer").post(f"{URL}{recommended.pk}/review/", {"action": "accept"}, format="json").status_code == 403
    assert Case.objects.get(pk=case.pk).status == CaseStatus.SUBMITTED


def test_a_case_cannot_name_another_countys_school_through_the_api(world):
    response = api_as(world, "sup_a1").post(URL, {"title": "x", "year": 2026, "school": world["schools"]["b1"].pk}, format="json")
    assert response.status_code == 400 and "school" in response.json()
    assert api_as(world, "director_a").post(URL, {"title": "x", "year": 2026}, format="json").status_code == 400


@pytest.mark.parametrize("role", ["director_a", "city_viewer", "sup_a1"])
def test_the_api_list_runs_the_same_queries_for_2_and_12_cases(world, django_assert_num_queries, role):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def grow(n):
        for i in range(n):
            case_made(author=world["sup_a1"].user, status=["submitted", "recommended"][i % 2], reviewer=world["director_a"],
                      title=f"案例{i}", uploads=[SimpleUploadedFile(f"{i}.png", image_bytes("PNG", color=(i, 1, 1)))])

    client = api_as(world, role)
    grow(2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(URL).status_code == 200
    grow(10)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(URL)
    assert response.json()["count"] > 2
