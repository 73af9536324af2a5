"""Starting a visit, who may open it, and its photos — through the views."""
import datetime as dt
import hashlib
import io
import os

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from inspections.visits import services
from inspections.models.choices import ChecklistStatus
from inspections.models import Photo, Visit

from .test_checklist import JSON, _media, answer_all, photo_upload, png_bytes, start, submitted, url  # noqa: F401 (_media: autouse)

pytestmark = pytest.mark.django_db
START = reverse("inspections:visit_start")


def start_form(world, school="a1", **overrides):
    data = {
        "school": world["schools"][school].pk, "date": timezone.localdate().isoformat(), "arrived_at": "08:40",
        "methods": ["campus_walk", "file_review"],
    }
    data.update(overrides)
    return data


# --- Starting a visit -----------------------------------------------------------------------------


def test_a_supervisor_starts_a_visit_to_a_school_of_their_zone_with_a_colleague(world, client):
    client.force_login(world["sup_a1"].user)
    response = client.post(START, start_form(world, co_supervisors=[world["sup_a2"].pk]))
    visit = Visit.objects.get()
    assert response.status_code == 302 and response.url == url("visit_detail", visit)
    assert (visit.school, visit.date, visit.arrived_at) == (world["schools"]["a1"], timezone.localdate(), dt.time(8, 40))
    assert visit.methods == ["campus_walk", "file_review"]
    assert set(visit.supervisors.all()) == {world["sup_a1"], world["sup_a2"]}
    assert visit.checklist.status == ChecklistStatus.DRAFT and visit.checklist.answers.count() == 8
    # The co-supervisor may fill it in too.
    client.force_login(world["sup_a2"].user)
    assert "data-autosave" in client.get(url("visit_detail", visit)).content.decode()


def test_the_start_form_offers_only_my_schools_and_preselects_the_one_linked(world, client):
    client.force_login(world["sup_a1"].user)
    a2 = world["schools"]["a2"]
    page = client.get(START, {"school": a2.pk}).content.decode()
    assert f'<option value="{a2.pk}" selected>' in page
    assert world["schools"]["a1"].name in page
    assert world["schools"]["a3"].name not in page and world["schools"]["b1"].name not in page
    assert timezone.localdate().isoformat() in page  # date defaults to today
    assert "校园巡查" in page and "推门听课" in page


def test_a_visit_dated_in_the_future_is_refused_and_the_input_kept(world, client):
    client.force_login(world["sup_a1"].user)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client.post(START, start_form(world, school="a2", date=tomorrow, arrived_at="09:15"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "督导日期不能晚于今天" in page
    assert f'<option value="{world["schools"]["a2"].pk}" selected>' in page
    assert f'value="{tomorrow}"' in page and 'value="09:15"' in page
    assert 'value="file_review" id="id_methods_3" checked' in page
    assert not Visit.objects.exists()


@pytest.mark.parametrize("school", ["a3", "b1"])  # another zone of my office; another office
def test_a_school_outside_my_zones_is_refused(world, client, school):
    client.force_login(world["sup_a1"].user)
    response = client.post(START, start_form(world, school=school))
    assert response.status_code == 400
    assert "所选学校不在您的责任区内" in response.content.decode()
    assert not Visit.objects.exists()


@pytest.mark.parametrize("who", ["director_a", "admin_a", "school_user_a1", "city_viewer"])
def test_only_supervisors_can_start_a_visit(world, client, who):
    client.force_login(world[who])
    assert client.get(START).status_code == 404
    assert client.post(START, start_form(world)).status_code == 404


# --- Who may open a visit ---------------------------------------------------------------------------


def test_a_supervisor_of_another_office_gets_404_on_someone_elses_visit(world, client):
    visit = start(world)
    answer = visit.checklist.answers.first()
    client.force_login(world["sup_b1"].user)
    assert client.get(url("visit_detail", visit)).status_code == 404
    assert client.post(url("answer_save", visit, answer.pk), {"conclusion": "ok"}, **JSON).status_code == 404
    assert client.post(url("visit_header_save", visit), {"_fields": "summary", "summary": "x"}).status_code == 404
    assert client.post(url("checklist_submit", visit)).status_code == 404
    assert client.post(url("checklist_reopen", visit), {"reason": "x"}).status_code == 404
    assert client.post(url("visit_discard", visit)).status_code == 404
    answer.refresh_from_db()
    assert answer.conclusion == ""


def test_a_colleague_of_another_zone_reads_nothing_and_cannot_write(world, client):
    visit = start(world)
    client.force_login(world["sup_a2"].user)  # same office, other zone, not on this visit
    assert client.get(url("visit_detail", visit)).status_code == 404
    answer = visit.checklist.answers.first()
    assert client.post(url("answer_save", visit, answer.pk), {"conclusion": "ok"}).status_code == 404


def test_a_school_user_sees_their_schools_submitted_visit_but_not_a_draft_or_another_school(world, client):
    draft = start(world)
    done = submitted(world)
    other = submitted(world, school="a2")
    client.force_login(world["school_user_a1"])
    page = client.get(url("visit_detail", done)).content.decode()
    assert "柳河县第一小学" in page and "data-autosave" not in page and "重新打开清单" not in page
    assert client.get(url("visit_detail", draft)).status_code == 404
    assert client.get(url("visit_detail", other)).status_code == 404
    answer = done.checklist.answers.first()
    assert client.post(url("answer_save", done, answer.pk), {"notes": "x"}).status_code == 404


def test_higher_office_viewers_read_visits_below_them(world, client):
    visit = submitted(world)
    client.force_login(world["city_viewer"])
    assert client.get(url("visit_detail", visit)).status_code == 200
    client.force_login(world["admin_b"])
    assert client.get(url("visit_detail", visit)).status_code == 404


# --- Photos ---------------------------------------------------------------------------------------


def test_a_real_png_is_stored_as_a_downscaled_jpeg_keeping_the_originals_hash(world, client):
    visit = start(world)
    answer = visit.checklist.answers.get(code="S6")
    original = png_bytes(2400, 1200)
    client.force_login(world["sup_a1"].user)
    response = photo_upload(client, visit, answer, original, name="围墙.png", **JSON)
    assert response.status_code == 200, response.content
    photo = Photo.objects.get()
    assert photo.original_sha256 == hashlib.sha256(original).hexdigest()
    assert photo.original_name == "围墙.png"
    with photo.image.open("rb") as fh:
        stored = Image.open(io.BytesIO(fh.read()))
        assert stored.format == "JPEG"
        assert max(stored.size) <= 1600 and stored.size == (1600, 800)
    assert reverse("inspections:photo", args=[photo.pk]) in response.json()["html"]
    served = client.get(reverse("inspections:photo", args=[photo.pk]))
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert b"".join(served.streaming_content)[:2] == b"\xff\xd8"


def test_a_text_file_renamed_jpg_is_refused_and_nothing_else_changes(world, client):
    visit = start(world)
    answer = visit.checklist.answers.first()
    client.force_login(world["sup_a1"].user)
    client.post(url("answer_save", visit, answer.pk), {"_fields": "notes", "notes": "照片前的记录"}, **JSON)
    response = photo_upload(client, visit, answer, "这不是图片".encode(), name="fake.jpg", **JSON)
    assert response.status_code == 400
    assert response.json()["error"] == "上传的文件不是有效的图片。"
    assert not Photo.objects.exists()
    answer.refresh_from_db()
    assert answer.notes == "照片前的记录"
    # Without JavaScript: back to the item with the message.
    plain = photo_upload(client, visit, answer, b"plain text", name="fake.jpg")
    assert plain.status_code == 302 and plain.url.endswith(f"#item-{answer.pk}")
    assert "上传的文件不是有效的图片" in client.get(plain.url).content.decode()


def test_an_oversized_photo_is_refused_with_the_limit(world, client, settings):
    settings.PHOTO_MAX_UPLOAD_BYTES = 20_000
    visit = start(world)
    answer = visit.checklist.answers.first()
    client.force_login(world["sup_a1"].user)
    big = png_bytes(10, 10) + b"\0" * 30_000
    response = photo_upload(client, visit, answer, big, **JSON)
    assert response.status_code == 400
    assert "图片过大" in response.json()["error"] and "19 KB" in response.json()["error"]
    assert not Photo.objects.exists()


def test_a_tenth_photo_is_refused_and_a_photo_is_deleted_while_draft(world, client):
    visit = start(world)
    answer = visit.checklist.answers.first()
    client.force_login(world["sup_a1"].user)
    for n in range(9):
        assert photo_upload(client, visit, answer, png_bytes(color=(n, 0, 0)), **JSON).status_code == 200
    response = photo_upload(client, visit, answer, png_bytes(color=(99, 0, 0)), **JSON)
    assert response.status_code == 400 and "最多上传 9 张照片" in response.json()["error"]
    photo = Photo.objects.first()
    path = photo.image.path
    response = client.post(url("photo_delete", visit, photo.pk), **JSON)
    assert response.status_code == 200 and response.json()["html"].count('data-testid="photo"') == 8
    assert not Photo.objects.filter(pk=photo.pk).exists()
    assert not os.path.exists(path)


def test_the_photo_view_is_404_for_whoever_cannot_see_the_visit(world, client):
    visit = start(world)
    answer = visit.checklist.answers.first()
    client.force_login(world["sup_a1"].user)
    photo_upload(client, visit, answer, png_bytes(), **JSON)
    photo = Photo.objects.get()
    photo_url = reverse("inspections:photo", args=[photo.pk])
    for who in ("director_a", "city_viewer"):
        client.force_login(world[who])
        assert client.get(photo_url).status_code == 200
    for who in ("admin_b", "school_user_a1"):  # another office; a school user on a draft
        client.force_login(world[who])
        assert client.get(photo_url).status_code == 404
    client.force_login(world["sup_b1"].user)
    assert client.get(photo_url).status_code == 404
    client.logout()
    assert client.get(photo_url).status_code == 302  # to the login page
    # Once submitted, the school user sees it.
    answer_all(visit)
    services.checklist_submit(checklist=visit.checklist, user=visit.created_by.user)
    client.force_login(world["school_user_a1"])
    assert client.get(photo_url).status_code == 200
    # Nobody deletes a photo of a submitted checklist.
    client.force_login(world["sup_a1"].user)
    assert client.post(url("photo_delete", visit, photo.pk), **JSON).status_code == 409
    assert Photo.objects.filter(pk=photo.pk).exists()

