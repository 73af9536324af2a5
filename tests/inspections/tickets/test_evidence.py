"""Evidence files are judged by what they contain, never by their name."""
import hashlib

import pytest
from django.core.exceptions import ValidationError

from inspections.tickets.evidence import clean_name, inspect_upload, ole2_stream_names

from tests.inspections.evidence_files import (
    ELF, EXECUTABLE, HTML, SHELL, docx_bytes, image_bytes, ole2_bytes, pdf_bytes, upload, xlsx_bytes, zip_bytes,
)


@pytest.mark.parametrize("name, data, content_type, extension", [
    # Photos of every kind are kept only as their re-encoded JPEG (no EXIF/GPS, nothing appended).
    ("整改后的消防通道.png", image_bytes("PNG"), "image/jpeg", ".jpg"),
    ("IMG_0001.JPG", image_bytes("JPEG"), "image/jpeg", ".jpg"),
    ("手机截图.webp", image_bytes("WEBP"), "image/jpeg", ".jpg"),
    ("整改报告.pdf", pdf_bytes(), "application/pdf", ".pdf"),
    ("整改台账.xlsx", xlsx_bytes(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    ("整改说明.docx", docx_bytes(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    ("旧版说明.doc", ole2_bytes("WordDocument", "\x01CompObj"), "application/msword", ".doc"),
    ("旧版台账.xls", ole2_bytes("Workbook", "\x05SummaryInformation"), "application/vnd.ms-excel", ".xls"),
])
def test_each_allowed_kind_is_recognised_by_its_content(name, data, content_type, extension):
    inspected = inspect_upload(upload(name, data))
    assert (inspected.kind.content_type, inspected.kind.extension) == (content_type, extension)
    assert inspected.sha256 == hashlib.sha256(data).hexdigest()  # the original's hash, photos included
    assert inspected.size == len(inspected.content)
    assert (inspected.content == data) != inspected.kind.is_image  # documents as sent, photos re-encoded
    assert inspected.name == name


def test_the_type_comes_from_the_content_not_the_name():
    # A PDF named .jpg is a PDF; a PNG named .docx is a PNG.
    assert inspect_upload(upload("照片.jpg", pdf_bytes())).kind.extension == ".pdf"
    assert inspect_upload(upload("报告.docx", image_bytes("PNG"))).kind.extension == ".jpg"  # a photo, re-encoded


@pytest.mark.parametrize("name, data, why", [
    ("整改照片.jpg", EXECUTABLE, "可执行程序"),
    ("整改报告.pdf", ELF, "可执行程序"),
    ("整改说明.docx", SHELL, "可执行程序或脚本"),
    ("照片.png", HTML, "网页或脚本"),
    ("整改说明.docx", zip_bytes(), "不是Word或Excel文档"),
    ("含宏文档.docx", docx_bytes({"word/vbaProject.bin": b"\x00" * 10}), "宏"),
    ("含宏文档.doc", ole2_bytes("WordDocument", "Macros"), "宏"),
    ("旧文件.doc", ole2_bytes("Contents"), "不是Word或Excel文档"),
    ("坏掉的.doc", ole2_bytes("WordDocument")[:600], "损坏"),
    ("坏图.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 50, "损坏"),
    ("脚本.pdf", b"%PDF-1.4\n1 0 obj<</S/JavaScript/JS(app.alert(1))>>endobj", "脚本"),
    ("记事本.txt", "整改情况见附件".encode(), "无法识别"),
])
def test_disguised_or_unknown_files_are_refused_with_a_reason(name, data, why):
    with pytest.raises(ValidationError) as refused:
        inspect_upload(upload(name, data))
    message = refused.value.messages[0]
    assert name in message and why in message and "只接收" in message


def test_an_oversized_file_is_refused_before_it_is_read(settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 1024 * 1024
    big = upload("航拍照片.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * (1024 * 1024 + 1))
    with pytest.raises(ValidationError, match=r"“航拍照片.png”过大\(1.0 MB\),每个文件不超过 1 MB"):
        inspect_upload(big)


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError, match="空文件"):
        inspect_upload(upload("空.pdf", b""))


def test_the_default_size_limit_is_20_mb(settings):
    assert settings.EVIDENCE_MAX_UPLOAD_BYTES == 20 * 1024 * 1024


def test_the_ole2_directory_is_read_through_the_fat():
    assert ole2_stream_names(ole2_bytes("WordDocument", "1Table")) >= {"Root Entry", "WordDocument", "1Table"}


def test_the_original_name_loses_folders_and_control_characters():
    assert clean_name("C:\\Users\\校长\\桌面\\整改\x00报告.pdf") == "整改报告.pdf"
    assert clean_name("../../etc/passwd") == "passwd"
    assert clean_name("") == "佐证材料"
    assert len(clean_name("长" * 300 + ".pdf")) == 200 and clean_name("长" * 300 + ".pdf").endswith(".pdf")
