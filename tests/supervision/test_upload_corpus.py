"""The upload corpus (issue 13, 恶意代码防范): each hostile file, built here, sent through every upload
surface it can reach — the checklist photo, rectification evidence, a case attachment, the public
complaint photo, the supervisor's plaque photo and the Excel imports. Each is refused with a Chinese
message while the rest of the form comes back as typed, or (a camera photo with GPS and a zip glued
to its end) accepted and stored only as a fresh encoding."""
from __future__ import annotations

import functools
import io
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from inspections.cases.models import CaseAttachment
from inspections.complaints.models import Complaint
from inspections.models import Evidence, Photo, Ticket
from supervision import uploads
from tests import factories as f
from tests.inspections.complaints.factories import form_data
from tests.inspections.evidence_files import docx_bytes, pdf_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

TYPED = "这段文字是用户辛苦输入的,被拒绝的上传不能让它丢失。"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


# --- The payloads, built in the test ---------------------------------------------------------------

@functools.cache
def huge_png() -> bytes:
    """12,000 × 12,000 pixels (144 megapixels) in a few KB: decoded it would cost ~900 MB."""
    out = io.BytesIO()
    Image.new("1", (12000, 12000), 1).save(out, format="PNG")
    return out.getvalue()


def gps_jpeg_with_zip() -> bytes:
    """A phone photo: EXIF with camera model and GPS position, and a zip archive appended after its end."""
    exif = Image.Exif()
    exif[0x0110] = "学校的手机"
    exif[0x8825] = {1: "N", 2: (41.0, 41.0, 0.0), 3: "E", 4: (125.0, 44.0, 0.0)}
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (30, 120, 200)).save(out, format="JPEG", exif=exif, quality=90)
    hidden = io.BytesIO()
    with zipfile.ZipFile(hidden, "w") as archive:
        archive.writestr("payload.exe", b"MZ" + b"\x00" * 200)
    return out.getvalue() + hidden.getvalue()


def pdf_obfuscated_js() -> bytes:
    """A hand-written PDF whose open action runs JavaScript, the names hidden as ``#xx`` escapes."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        b"<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>",
    ]
    return _pdf(objects)


def _pdf(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def pdf_js_in_object_stream() -> bytes:
    """PDF 1.5: the JavaScript action lives compressed inside an object stream, found only through
    the cross-reference stream — no plain ``/JavaScript`` anywhere in the file's bytes."""
    head = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    plain = {
        1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    }
    for number, body in plain.items():
        offsets[number] = len(head)
        head += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    inner = b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"
    index = b"4 0 "
    packed = zlib.compress(index + inner)
    offsets[5] = len(head)
    head += (b"5 0 obj\n<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
             % (len(index), len(packed))) + packed + b"\nendstream\nendobj\n"
    offsets[6] = len(head)
    rows = [struct.pack(">BIH", 0, 0, 65535)]
    rows += [struct.pack(">BIH", 1, offsets[n], 0) for n in (1, 2, 3)]
    rows += [struct.pack(">BIH", 2, 5, 0), struct.pack(">BIH", 1, offsets[5], 0), struct.pack(">BIH", 1, offsets[6], 0)]
    table = b"".join(rows)
    head += (b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % len(table)
             + table + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % offsets[6])
    assert b"JavaScript" not in head
    return bytes(head)


def pdf_launch() -> bytes:
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /Launch /F (cmd.exe) >> >>",
        b"<< /Type /Pages /Kids [] /Count 0 >>",
    ])


def pdf_embedded_file() -> bytes:
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 3 0 R >> >>",
        b"<< /Type /Pages /Kids [] /Count 0 >>",
        b"<< /Names [(a.exe) << /Type /Filespec /F (a.exe) >>] >>",
    ])


@functools.cache
def zip_bomb_xlsx() -> bytes:
    """An .xlsx with one member of 200 MB of zeros: about 200 KB on disk."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook/>')
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            zeros = b"\x00" * (1 << 20)
            for _ in range(200):
                member.write(zeros)
    return out.getvalue()


def docm_with_macro() -> bytes:
    return docx_bytes({"word/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\x00" * 100})


def xlsx_with_macro() -> bytes:
    raw = io.BytesIO(xlsx_bytes())
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    return out.getvalue()


@functools.cache
def roster_100k_rows() -> bytes:
    """A roster of 100,000 school rows (the sheet's XML written directly: ~6 MB unpacked)."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "学校"
    base = io.BytesIO()
    book.save(base)
    rows = "".join(f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>学校{n}</t></is></c></row>' for n in range(1, 100_002))
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             f'spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>')
    out = io.BytesIO()
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = sheet.encode() if info.filename == "xl/worksheets/sheet1.xml" else source.read(info)
            target.writestr(info.filename, data)
    return out.getvalue()


NOT_AN_IMAGE = "上传的文件不是有效的图片"
PAYLOADS = {  # name: (file name, builder, what an evidence/case surface says, what a photo surface says)
    "huge-png": ("航拍.png", huge_png, "图片尺寸过大", "图片尺寸过大"),
    "pdf-obfuscated-js": ("整改报告.pdf", pdf_obfuscated_js, "PDF中含有脚本", NOT_AN_IMAGE),
    "pdf-js-in-object-stream": ("整改报告.pdf", pdf_js_in_object_stream, "PDF中含有脚本", NOT_AN_IMAGE),
    "pdf-launch": ("说明.pdf", pdf_launch, "PDF中含有脚本", NOT_AN_IMAGE),
    "pdf-embedded-file": ("附件.pdf", pdf_embedded_file, "PDF中含有脚本", NOT_AN_IMAGE),
    "zip-bomb-xlsx": ("台账.xlsx", zip_bomb_xlsx, "压缩炸弹", NOT_AN_IMAGE),
    "docm-macro": ("整改说明.docm", docm_with_macro, "宏", NOT_AN_IMAGE),
    "xlsx-macro": ("台账.xlsx", xlsx_with_macro, "宏", NOT_AN_IMAGE),
}


# --- The surfaces: each sends one file with the rest of its form typed in --------------------------

def _checklist(client, world, upload):
    from inspections.visits import services as visit_services
    from supervision import clock

    visit = visit_services.visit_start(user=world["sup_a1"].user, school=world["schools"]["a1"], date=clock.today(),
                                       methods=["campus_walk"])
    answer = visit.checklist.answers.first()
    client.force_login(world["sup_a1"].user)
    json = {"HTTP_ACCEPT": "application/json"}
    client.post(reverse("inspections:answer_save", args=[visit.pk, answer.pk]), {"_fields": "notes", "notes": TYPED}, **json)
    response = client.post(reverse("inspections:photo_upload", args=[visit.pk, answer.pk]), {"image": upload}, **json)
    answer.refresh_from_db()
    assert answer.notes == TYPED  # the item's notes are untouched by a refused photo
    text = response.json().get("error", "") + TYPED if response.status_code == 400 else ""
    return response.status_code, text, (Photo.objects.first().image.path if Photo.objects.exists() else None)


def _evidence(client, world, upload):
    visit = f.visit_filled(user=world["sup_a1"].user, school=world["schools"]["a1"], problems=1)
    ticket = Ticket.objects.filter(problem__visit=visit).get()
    client.force_login(world["school_user_a1"])
    response = client.post(reverse("inspections:ticket_report", args=[ticket.pk]),
                           {"version": ticket.version, "text": TYPED, "do": "save", "files": [upload]})
    stored = Evidence.objects.first()
    return response.status_code, response.content.decode(), stored.file.path if stored else None


def _case(client, world, upload):
    client.force_login(world["sup_a1"].user)
    response = client.post(reverse("cases:create"), {
        "title": TYPED[:20], "year": 2026, "tags": "校园安全", "body": f"<p>{TYPED}</p>", "do": "save", "files": [upload]})
    stored = CaseAttachment.objects.first()
    return response.status_code, response.content.decode().replace(TYPED[:20], TYPED), stored.file.path if stored else None


def _complaint(client, world, upload):
    school = world["schools"]["a1"]
    response = client.post(reverse("complaints:new", args=[school.code]), form_data(text=TYPED, photo=upload))
    stored = Complaint.objects.first()
    return response.status_code, response.content.decode(), stored.photo.path if stored else None


def _supervisor(client, world, upload):
    supervisor = world["sup_a1"]
    client.force_login(world["admin_a"])
    response = client.post(reverse("supervisor_edit", args=[supervisor.pk]), {
        "name": supervisor.name, "kind": supervisor.kind, "phone": supervisor.phone, "employer": TYPED,
        "title": supervisor.title, "duties": supervisor.duties, "is_active": "on", "office": supervisor.office_id,
        "photo": upload})
    supervisor.refresh_from_db()
    return response.status_code, response.content.decode(), supervisor.photo.path if supervisor.photo else None


DOCUMENT_SURFACES = {"evidence": _evidence, "case": _case}
PHOTO_SURFACES = {"checklist": _checklist, "complaint": _complaint, "supervisor": _supervisor}


@pytest.mark.parametrize("surface", [*DOCUMENT_SURFACES, *PHOTO_SURFACES])
@pytest.mark.parametrize("payload", list(PAYLOADS))
def test_each_hostile_file_is_refused_in_chinese_on_every_surface_and_the_form_is_kept(client, world, surface, payload):
    name, build, document_message, photo_message = PAYLOADS[payload]
    send = {**DOCUMENT_SURFACES, **PHOTO_SURFACES}[surface]

    status, page, stored = send(client, world, SimpleUploadedFile(name, build(), content_type="application/octet-stream"))

    assert status == 400
    assert (document_message if surface in DOCUMENT_SURFACES else photo_message) in page
    assert TYPED in page  # what was typed comes back
    assert stored is None  # nothing kept


@pytest.mark.parametrize("surface", [*DOCUMENT_SURFACES, *PHOTO_SURFACES])
def test_a_photo_with_gps_and_an_appended_zip_is_stored_only_as_a_fresh_encoding(client, world, surface):
    import hashlib

    original = gps_jpeg_with_zip()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the upload does carry a position
    send = {**DOCUMENT_SURFACES, **PHOTO_SURFACES}[surface]

    status, _page, stored = send(client, world, SimpleUploadedFile("IMG_0001.jpg", original, content_type="image/jpeg"))

    assert status in (200, 302) and stored
    data = open(stored, "rb").read()
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG" and image.size == (640, 480)
    assert not image.getexif() and "exif" not in image.info and not image.getexif().get_ifd(0x8825)
    assert b"PK\x03\x04" not in data and b"payload.exe" not in data
    assert data.rstrip(b"\x00").endswith(b"\xff\xd9")  # the file ends where the image ends
    if surface == "evidence":
        assert Evidence.objects.get().sha256 == hashlib.sha256(original).hexdigest()
    if surface == "case":
        assert CaseAttachment.objects.get().sha256 == hashlib.sha256(original).hexdigest()


def test_the_public_supervisor_photo_serves_the_re_encoded_copy_as_a_jpeg(client, world):
    _supervisor(client, world, SimpleUploadedFile("IMG_0001.jpg", gps_jpeg_with_zip(), content_type="image/jpeg"))
    supervisor = world["sup_a1"]
    supervisor.refresh_from_db()
    client.logout()

    served = client.get(reverse("supervisor_photo", args=[supervisor.pk]))

    body = b"".join(served.streaming_content)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert body == open(supervisor.photo.path, "rb").read()
    assert not Image.open(io.BytesIO(body)).getexif() and b"payload.exe" not in body


def test_a_photo_stored_raw_before_the_fix_is_not_served_publicly(client, world):
    from django.core.files.base import ContentFile

    supervisor = world["sup_a1"]
    supervisor.photo.save("IMG_0001.jpg", ContentFile(gps_jpeg_with_zip()), save=True)  # as the old page stored it

    assert client.get(reverse("supervisor_photo", args=[supervisor.pk])).status_code == 404


# --- The Excel imports -------------------------------------------------------------------------------

ROSTER_PAYLOADS = {
    "zip-bomb": (zip_bomb_xlsx, "压缩炸弹"),
    "macro": (xlsx_with_macro, "宏"),
    "100k-rows": (roster_100k_rows, "表格行数过多(100001 行)"),
}


@pytest.mark.parametrize("payload", list(ROSTER_PAYLOADS))
def test_the_roster_import_refuses_bombs_macros_and_huge_sheets_before_parsing(client, world, payload):
    build, message = ROSTER_PAYLOADS[payload]
    client.force_login(world["admin_a"])

    response = client.post(reverse("roster_import"),
                           {"file": SimpleUploadedFile("名册.xlsx", build())}, follow=True)

    assert message in response.content.decode()
    assert not world["county_a"].supervisors.filter(name__startswith="学校").exists()


@pytest.mark.parametrize("payload", list(ROSTER_PAYLOADS))
def test_the_ledger_import_refuses_the_same_files_with_the_same_message(world, payload):
    from inspections.ledger.importer import ledger_import

    build, message = ROSTER_PAYLOADS[payload]
    with pytest.raises(ValidationError) as refused:
        ledger_import(office=world["county_a"], file=SimpleUploadedFile("台账.xlsx", build()), user=world["admin_a"],
                      dry_run=True)
    assert message in " ".join(refused.value.messages)


def test_an_ordinary_roster_sized_sheet_still_opens(world, settings):
    settings.IMPORT_MAX_ROWS = 10
    from supervision.roster import open_workbook

    workbook, errors = open_workbook(SimpleUploadedFile("名册.xlsx", xlsx_bytes()))
    assert workbook is not None and errors == []
    with pytest.raises(ValidationError, match="表格行数过多"):
        uploads.xlsx_check(roster_100k_rows())


# --- The complaint form's photo quota -------------------------------------------------------------

def test_the_public_form_takes_a_days_photos_per_address_then_429_keeping_the_text(client, world, monkeypatch):
    from inspections.complaints import views

    monkeypatch.setattr(views, "PHOTOS_PER_IP_DAY", 2)
    monkeypatch.setattr(views, "SUBMIT_PER_IP", 100)
    school = world["schools"]["a1"]

    def photo():
        out = io.BytesIO()
        Image.new("RGB", (40, 30), (200, 0, 0)).save(out, format="PNG")
        return SimpleUploadedFile("门口.png", out.getvalue(), content_type="image/png")

    for _ in range(2):
        assert client.post(reverse("complaints:new", args=[school.code]), form_data(photo=photo())).status_code == 302
    refused = client.post(reverse("complaints:new", args=[school.code]), form_data(text=TYPED, photo=photo()))

    assert refused.status_code == 429
    page = refused.content.decode()
    assert "照片已达上限" in page and TYPED in page
    assert Complaint.objects.count() == 2
    # Without a photo the same address may still complain; another address may still send photos.
    assert client.post(reverse("complaints:new", args=[school.code]), form_data()).status_code == 302
    assert client.post(reverse("complaints:new", args=[school.code]), form_data(photo=photo()),
                       REMOTE_ADDR="10.1.2.3").status_code == 302


def test_an_ordinary_pdf_and_office_file_pass_the_checks():
    uploads.pdf_check(pdf_bytes())  # a WeasyPrint report: no scripts, nothing embedded
    uploads.zip_check(docx_bytes(), max_total=1024 * 1024).close()
