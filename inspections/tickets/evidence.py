"""What a school's evidence file really is, decided by its content — never by its name.

The checks themselves (pixels before decoding, re-encoding, PDF scripts, zip bombs, macros) are
``supervision.uploads``; this module decides which kinds a report or a case may carry and stores
photos only as their re-encoded copy (no EXIF/GPS, nothing appended), keeping the original's SHA-256.

Allowed (DOMAIN.md "Problems and rectification": the school answers with photos and documents):
photos (JPEG, PNG, WebP — each must open with Pillow), PDF, Word (.docx, legacy .doc) and Excel
(.xlsx, legacy .xls). Anything else is refused with a Chinese message that says why: an executable
or a script renamed to ``.jpg``, a zip that is not a Word/Excel document, a macro-enabled document.
"""
from __future__ import annotations

import hashlib
import os
import re
import struct
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from supervision import uploads

HEAD = 16
PNG = b"\x89PNG\r\n\x1a\n"
JPEG = b"\xff\xd8\xff"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP = b"PK\x03\x04"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Signatures of programs and scripts, named in the refusal so the school knows what happened.
EVIDENCE_IMAGE_SIDE = 2400  # a photographed notice stays legible
EXECUTABLES = (b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"#!")
SCRIPT = re.compile(rb"^\s*(<\?php|<script|<html|<!doctype|@echo|<\?xml|<svg)", re.I)


@dataclass(frozen=True)
class Kind:
    content_type: str
    extension: str
    is_image: bool = False


@dataclass(frozen=True)
class Inspected:
    """An accepted upload: its real type, the size of what is stored, the original's SHA-256, the bytes
    to store (a photo's re-encoded JPEG) and a clean original name."""

    kind: Kind
    size: int
    sha256: str
    content: bytes
    name: str


def accepted_types_text() -> str:
    return _("照片(JPG、PNG、WebP)、PDF、Word(doc/docx)、Excel(xls/xlsx)")


def clean_name(name: str) -> str:
    """The file name as the school's computer had it, minus folders and control characters."""
    name = os.path.basename((name or "").replace("\\", "/"))
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C").strip()
    if len(name) > 200:
        stem, ext = os.path.splitext(name)
        name = stem[: 200 - len(ext)] + ext
    return name or _("佐证材料")


def _refuse(name: str, why: str) -> ValidationError:
    return ValidationError(
        _("“%(name)s”不能上传:%(why)s 只接收%(types)s。") % {"name": name, "why": why, "types": accepted_types_text()}
    )


def _why(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _image(raw: bytes, kind: Kind, name: str) -> Kind:
    try:
        uploads.image_open(raw).close()  # pixel count from the header, nothing decoded yet
    except uploads.TooManyPixels as exc:
        raise _refuse(name, _why(exc)) from None
    except ValidationError:
        raise _refuse(name, _("图片文件已损坏,无法打开。")) from None
    return kind


def _pdf(raw: bytes, name: str) -> Kind:
    # A PDF that runs scripts, launches programs or carries files is not evidence of rectification.
    try:
        uploads.pdf_check(raw)
    except ValidationError as exc:
        raise _refuse(name, _why(exc)) from None
    return Kind("application/pdf", ".pdf")


def _office_open_xml(raw: bytes, name: str) -> Kind:
    try:
        uploads.macro_name_check(name)
        with uploads.zip_check(raw, max_total=settings.OFFICE_MAX_UNPACKED_BYTES) as archive:
            names = set(archive.namelist())
    except ValidationError as exc:
        raise _refuse(name, _why(exc)) from None
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return Kind(DOCX, ".docx")
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return Kind(XLSX, ".xlsx")
    raise _refuse(name, _("这是一个压缩包,不是Word或Excel文档。"))


def ole2_stream_names(raw: bytes) -> set[str]:
    """Names in the directory of an OLE2 compound file (legacy .doc/.xls), read by following the
    directory's sector chain through the FAT (MS-CFB §2)."""
    if len(raw) < 512:
        raise ValueError("short header")
    sector_size = 1 << struct.unpack_from("<H", raw, 0x1E)[0]
    if sector_size not in (512, 4096):
        raise ValueError("sector size")
    first_dir, = struct.unpack_from("<I", raw, 0x30)
    difat_start, difat_count = struct.unpack_from("<II", raw, 0x44)
    fat_sectors = [s for s in struct.unpack_from("<109I", raw, 0x4C) if s < 0xFFFFFFFA]
    per_sector = sector_size // 4

    def sector(n: int) -> bytes:
        start = (n + 1) * sector_size
        if start + sector_size > len(raw):
            raise ValueError("sector out of range")
        return raw[start:start + sector_size]

    seen = 0
    while difat_start < 0xFFFFFFFA and seen <= difat_count:
        entries = struct.unpack(f"<{per_sector}I", sector(difat_start))
        fat_sectors += [s for s in entries[:-1] if s < 0xFFFFFFFA]
        difat_start, seen = entries[-1], seen + 1
    fat = [entry for s in fat_sectors for entry in struct.unpack(f"<{per_sector}I", sector(s))]
    names, current, hops = set(), first_dir, 0
    while current < 0xFFFFFFFA:
        block = sector(current)
        for offset in range(0, sector_size, 128):
            length, = struct.unpack_from("<H", block, offset + 0x40)
            if 2 <= length <= 64 and block[offset + 0x42] in (1, 2, 5):
                names.add(block[offset:offset + length - 2].decode("utf-16-le", "replace"))
        hops += 1
        if current >= len(fat) or hops > len(fat):
            raise ValueError("broken chain")
        current = fat[current]
    return names


def _ole2(raw: bytes, name: str) -> Kind:
    try:
        streams = ole2_stream_names(raw)
    except (ValueError, struct.error):
        raise _refuse(name, _("文件已损坏,无法识别。")) from None
    if {"Macros", "_VBA_PROJECT_CUR", "VBA"} & streams:
        raise _refuse(name, _("文档中含有宏(可执行代码)。"))
    if "WordDocument" in streams:
        return Kind("application/msword", ".doc")
    if {"Workbook", "Book"} & streams:
        return Kind("application/vnd.ms-excel", ".xls")
    raise _refuse(name, _("这不是Word或Excel文档。"))


def sniff(raw: bytes, name: str) -> Kind:
    """The real type of a file from its first bytes (and, for containers, its directory)."""
    head = raw[:HEAD]
    if head.startswith(b"%PDF-"):
        return _pdf(raw, name)
    if head.startswith(PNG):
        return _image(raw, Kind("image/png", ".png", True), name)
    if head.startswith(JPEG):
        return _image(raw, Kind("image/jpeg", ".jpg", True), name)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return _image(raw, Kind("image/webp", ".webp", True), name)
    if head.startswith(ZIP):
        return _office_open_xml(raw, name)
    if head.startswith(OLE2):
        return _ole2(raw, name)
    if head.startswith(EXECUTABLES):
        raise _refuse(name, _("这是一个可执行程序或脚本,无论扩展名是什么都不能作为佐证材料。"))
    if SCRIPT.match(raw[:512]):
        raise _refuse(name, _("这是一个网页或脚本文件。"))
    raise _refuse(name, _("无法识别的文件类型。"))


def inspect_upload(upload) -> Inspected:
    """Check one uploaded file: not empty, not over EVIDENCE_MAX_UPLOAD_BYTES, and of an allowed
    type by content. Raises ValidationError (Chinese) before anything is stored."""
    name = clean_name(getattr(upload, "name", ""))
    limit = settings.EVIDENCE_MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("“%(name)s”过大(%(size).1f MB),每个文件不超过 %(limit).0f MB。")
            % {"name": name, "size": upload.size / 1024 / 1024, "limit": limit / 1024 / 1024}
        )
    if not upload.size:
        raise ValidationError(_("“%(name)s”是空文件。") % {"name": name})
    upload.seek(0)
    raw = upload.read()
    kind = sniff(raw, name)
    content = raw
    if kind.is_image:  # stored only as a fresh encoding: EXIF, GPS and appended bytes are gone
        try:
            content = uploads.image_reencode_bytes(raw, max_side=EVIDENCE_IMAGE_SIDE).read()
        except ValidationError:
            raise _refuse(name, _("图片文件已损坏,无法打开。")) from None
        kind = Kind("image/jpeg", ".jpg", True)
    return Inspected(kind=kind, size=len(content), sha256=hashlib.sha256(raw).hexdigest(), content=content, name=name)


def download_name(original_name: str, content_type: str) -> str:
    """The name a stored file downloads under: the school's own name, with the extension of what is
    stored (a photo is kept as its re-encoded JPEG, so 整改后.png downloads as 整改后.jpg)."""
    stem, extension = os.path.splitext(original_name)
    if content_type == "image/jpeg" and extension.lower() not in (".jpg", ".jpeg"):
        return stem + ".jpg"
    return original_name


def inspect_uploads(uploads, *, already: list[str], most: int, too_many: str) -> list[Inspected]:
    """Check every file of one upload before storing any: one refused file stores nothing. ``already``
    are the SHA-256 of the files kept so far (the same file twice is refused), ``most`` how many may
    be kept in all, ``too_many`` the message when that is exceeded."""
    inspected = [inspect_upload(upload) for upload in uploads]
    if len(already) + len(inspected) > most:
        raise ValidationError(too_many)
    seen = set(already)
    for item in inspected:
        if item.sha256 in seen:
            raise ValidationError(_("“%(name)s”已经上传过了。") % {"name": item.name})
        seen.add(item.sha256)
    return inspected
