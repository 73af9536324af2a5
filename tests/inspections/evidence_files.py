"""Real files of every kind a school might upload as evidence — and the disguised ones it must not."""
import io
import struct
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from PIL import Image


def image_bytes(fmt: str = "PNG", size=(40, 30), color=(200, 40, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format=fmt)
    return out.getvalue()


def pdf_bytes(text: str = "整改报告") -> bytes:
    from weasyprint import HTML

    return HTML(string=f"<h1>{text}</h1><p>消防通道已清理。</p>").write_pdf()


def xlsx_bytes() -> bytes:
    book = Workbook()
    book.active.append(["整改事项", "完成情况"])
    book.active.append(["消防通道", "已清理"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def docx_bytes(extra: dict | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>整改</w:t></w:r></w:p></w:body></w:document>')
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("setup.exe", b"MZ\x90\x00" + b"\x00" * 64)
    return out.getvalue()


def ole2_bytes(*streams: str) -> bytes:
    """A minimal compound file (MS-CFB v3, 512-byte sectors): FAT in sector 0, directory in sector 1
    with the root entry and one empty stream per name — what Word (.doc) and Excel (.xls) write."""
    free, end, fatsect = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 0x2C, 1, 1, 0, 4096, end, 0, end, 0, 0)
    struct.pack_into("<109I", header, 0x4C, 0, *([free] * 108))
    fat = struct.pack("<128I", fatsect, end, *([free] * 126))

    def entry(name: str, kind: int) -> bytes:
        raw = bytearray(128)
        encoded = (name + "\0").encode("utf-16-le")
        raw[: len(encoded)] = encoded
        struct.pack_into("<HBB", raw, 0x40, len(encoded), kind, 1)
        struct.pack_into("<III", raw, 0x44, free, free, free)
        struct.pack_into("<II", raw, 0x74, end, 0)
        return bytes(raw)

    entries = [entry("Root Entry", 5)] + [entry(name, 2) for name in streams]
    directory = b"".join(entries).ljust(512, b"\0")
    return bytes(header) + fat + directory


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200 + b"This program cannot be run in DOS mode."
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 100
SHELL = b"#!/bin/sh\nrm -rf /\n"
HTML = b"<html><script>alert(1)</script></html>"
