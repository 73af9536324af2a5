"""The public side: a parent or teacher at the school gate, no login."""
import io

import pytest
from django.core import mail  # noqa: F401
from django.urls import reverse
from PIL import Image

from inspections.complaints.models import Complaint
from inspections.complaints.services import CODE_ALPHABET, CODE_LENGTH
from inspections.models import Notification
from schools.services import school_close
from supervision import clock
from tests.inspections.evidence_files import image_bytes

from .factories import complaint_made, complaint_verified, post_complaint

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _upload(name, data, content_type="image/jpeg"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=content_type)


def test_the_plaque_page_offers_the_complaint_form_of_that_school(client, world):
    school = world["schools"]["a1"]
    page = client.get(reverse("schools:plaque", args=[school.code])).content.decode()
    assert reverse("complaints:new", args=[school.code]) in page
    assert "在线举报投诉" in page
    form = client.get(reverse("complaints:new", args=[school.code]))
    assert form.status_code == 200
    assert school.name in form.content.decode()


def test_a_parent_submits_a_complaint_and_gets_a_receipt_code(client, world):
    school = world["schools"]["a1"]
    response = post_complaint(client, school)
    assert response.status_code == 302 and response["Location"] == reverse("complaints:receipt")
    complaint = Complaint.objects.get()
    assert complaint.school == school and complaint.zone == world["zone_a1"] and complaint.office == world["county_a"]
    assert complaint.status == "received" and complaint.contact_phone == "13800001111"
    assert len(complaint.code) == CODE_LENGTH and set(complaint.code) <= set(CODE_ALPHABET)
    receipt = client.get(reverse("complaints:receipt")).content.decode()
    assert f"{complaint.code[:5]}-{complaint.code[5:]}" in receipt
    assert complaint.events.get().action == "received"


def test_receipt_codes_are_unambiguous_and_differ(world):
    codes = {complaint_made(school=world["schools"]["a1"]).code for _ in range(20)}
    assert len(codes) == 20
    assert not set("".join(codes)) & set("01OIL")


def test_an_anonymous_complaint_needs_no_contact(client, world):
    response = post_complaint(client, world["schools"]["a3"], contact_name="", contact_phone="")
    assert response.status_code == 302
    assert Complaint.objects.get().contact_phone == ""


def test_the_zone_supervisors_are_told_and_the_school_is_not(client, world):
    post_complaint(client, world["schools"]["a1"])
    told = set(Notification.objects.filter(key__startswith="complaint:").values_list("user", flat=True))
    assert told == {world["sup_a1"].user.pk}
    body = Notification.objects.get().body
    assert "13800001111" not in body and "张女士" not in body


def test_the_zone_supervisor_gets_an_e_mail_without_the_contact(client, world, mailoutbox,
                                                               django_capture_on_commit_callbacks):
    user = world["sup_a1"].user
    user.email = "wang@example.cn"
    user.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        post_complaint(client, world["schools"]["a1"])
    assert [m.to for m in mailoutbox] == [["wang@example.cn"]]
    message = mailoutbox[0]
    assert world["schools"]["a1"].name in message.subject
    assert reverse("complaints:detail", args=[Complaint.objects.get().pk]) in message.body
    assert "13800001111" not in message.body and "张女士" not in message.body


def test_a_complaint_about_a_school_outside_any_zone_reaches_the_director(client, world):
    post_complaint(client, world["schools"]["a4"])
    assert set(Notification.objects.values_list("user", flat=True)) == {world["director_a"].pk}


def test_the_right_code_shows_status_and_public_reply_only(client, world):
    complaint = complaint_verified(school=world["schools"]["a1"], actor=world["sup_a1"].user, contact_name="张女士",
                                   contact_phone="13800001111")
    from inspections.complaints.services import complaint_close

    complaint_close(complaint=complaint, actor=world["sup_a1"].user, outcome="resolved",
                    public_reply="已督促学校退还资料费。", note="校长承认收费,内部备注")
    other = complaint_made(school=world["schools"]["a1"], text="另一件投诉,内容不应被别人看到。")
    response = client.post(reverse("complaints:lookup"), {"code": complaint.code.lower()[:5] + "-" + complaint.code[5:].lower()})
    page = response.content.decode()
    assert response.status_code == 200
    assert "已办结:问题已解决" in page and "已督促学校退还资料费。" in page
    for secret in ("到校核实,情况属实。", "内部备注", "13800001111", "张女士", other.text, world["sup_a1"].name):
        assert secret not in page


def test_a_wrong_code_is_not_found_and_tells_nothing(client, world):
    complaint = complaint_made(school=world["schools"]["a1"])
    near = complaint.code[:-1] + ("2" if complaint.code[-1] != "2" else "3")
    answers = [client.post(reverse("complaints:lookup"), {"code": code}) for code in (near, "ZZZZZZZZZZ", "", "' OR 1=1")]
    assert {a.status_code for a in answers} == {404}
    bodies = {a.content.decode().replace(a.wsgi_request.POST.get("code", ""), "") for a in answers}
    assert all("没有找到这个回执码" in b for b in bodies)
    assert all(complaint.school.name not in b for b in bodies)


def test_a_ticket_complaint_reads_as_being_handled(client, world):
    from inspections.complaints.services import complaint_close

    complaint = complaint_verified(school=world["schools"]["a1"], actor=world["sup_a1"].user)
    complaint_close(complaint=complaint, actor=world["sup_a1"].user, outcome="ticket",
                    problem_description="学校违规收取资料费。", opinion="立即退还。")
    page = client.post(reverse("complaints:lookup"), {"code": complaint.code}).content.decode()
    assert "正在处理:已责令学校整改" in page
    assert "学校违规收取资料费。" not in page and "立即退还。" not in page


def test_a_flood_from_one_phone_answers_429_and_keeps_what_was_typed(client, world, settings):
    school = world["schools"]["a1"]
    for _ in range(10):
        assert post_complaint(client, school).status_code == 302
    response = post_complaint(client, school, text="第十一次提交的内容,应当原样保留。")
    assert response.status_code == 429
    page = response.content.decode()
    assert "提交过于频繁" in page and "第十一次提交的内容,应当原样保留。" in page
    assert Complaint.objects.count() == 10


def test_a_flood_against_one_school_from_many_phones_answers_429(client, world, monkeypatch):
    from inspections.complaints import views

    monkeypatch.setattr(views, "SUBMIT_PER_SCHOOL", 3)
    school = world["schools"]["a1"]
    for n in range(3):
        assert post_complaint(client, school, extra={"REMOTE_ADDR": f"10.9.9.{n}"}).status_code == 302
    assert post_complaint(client, school, extra={"REMOTE_ADDR": "10.9.9.50"}).status_code == 429
    # Another school is not affected.
    assert post_complaint(client, world["schools"]["a3"], extra={"REMOTE_ADDR": "10.9.9.51"}).status_code == 302


def test_the_429_message_is_translated(client, world):
    # The UI is Chinese first; a visitor who picked English with the footer switch reads English.
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    for _ in range(11):
        response = post_complaint(client, world["schools"]["a1"])
    assert response.status_code == 429
    assert "Too many submissions" in response.content.decode()


def test_lookups_are_limited_per_phone(client, world):
    for _ in range(30):
        client.post(reverse("complaints:lookup"), {"code": "ABCDEFGHJK"})
    response = client.post(reverse("complaints:lookup"), {"code": complaint_made(school=world["schools"]["a1"]).code})
    assert response.status_code == 429


def test_the_honeypot_stops_a_robot(client, world):
    response = post_complaint(client, world["schools"]["a1"], website="http://spam.example")
    assert response.status_code == 400
    assert not Complaint.objects.exists()


def test_a_form_sent_too_fast_is_refused_and_kept(client, world):
    from inspections.complaints.forms import form_token

    response = post_complaint(client, world["schools"]["a1"], started=form_token(), text="刚打开页面就提交的内容。")
    assert response.status_code == 400
    page = response.content.decode()
    assert "提交过快" in page and "刚打开页面就提交的内容。" in page
    assert not Complaint.objects.exists()


def test_a_forged_or_missing_token_is_refused(client, world):
    for token in ("", "1700000000", "abc:def"):
        assert post_complaint(client, world["schools"]["a1"], started=token).status_code == 400
    assert not Complaint.objects.exists()


def test_a_validation_error_keeps_what_was_typed(client, world):
    response = post_complaint(client, world["schools"]["a1"], text="太短", contact_phone="电话abc", contact_name="李四")
    assert response.status_code == 400
    page = response.content.decode()
    assert "至少10个字" in page and "请填写正确的电话号码" in page
    assert "李四" in page and "太短" in page and "电话abc" in page
    assert not Complaint.objects.exists()


def test_too_long_text_is_refused(client, world):
    response = post_complaint(client, world["schools"]["a1"], text="长" * 2001)
    assert response.status_code == 400
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("name,data", [
    ("virus.jpg", b"MZ\x90\x00\x03" + b"\x00" * 200),
    ("note.png", "这不是图片".encode()),
    ("fake.gif", b"GIF89a" + b"\x00" * 10),
])
def test_a_file_that_is_not_an_image_is_refused(client, world, name, data):
    response = post_complaint(client, world["schools"]["a1"], photo=_upload(name, data), contact_name="王五")
    assert response.status_code == 400
    page = response.content.decode()
    assert "上传的文件不是有效的图片" in page and "王五" in page
    assert not Complaint.objects.exists()


def test_a_photo_is_reencoded_and_only_staff_can_open_it(client, world):
    raw = image_bytes("PNG", size=(2400, 1200))
    post_complaint(client, world["schools"]["a1"], photo=_upload("门口.png", raw, "image/png"))
    complaint = Complaint.objects.get()
    image = Image.open(complaint.photo.open("rb"))
    assert image.format == "JPEG" and max(image.size) == 1600
    import hashlib

    assert complaint.photo_sha256 == hashlib.sha256(raw).hexdigest()
    url = reverse("complaints:photo", args=[complaint.pk])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(world["sup_a2"].user)
    assert client.get(url).status_code == 404
    client.force_login(world["sup_a1"].user)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(b"".join(response.streaming_content))).size[0] == 1600


def test_an_inactive_or_unknown_school_has_no_form(client, world):
    school = world["schools"]["a2"]
    school_close(school=school, on=clock.today())
    assert client.get(reverse("complaints:new", args=[school.code])).status_code == 404
    assert client.get(reverse("complaints:new", args=["9999999999"])).status_code == 404


def test_the_receipt_and_the_status_page_are_not_cached(client, world):
    post_complaint(client, world["schools"]["a1"])
    assert "no-store" in client.get(reverse("complaints:receipt"))["Cache-Control"]
    code = Complaint.objects.get().code
    assert "no-store" in client.post(reverse("complaints:lookup"), {"code": code})["Cache-Control"]
