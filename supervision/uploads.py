"""Every upload is checked here, by content, before anything is decoded or stored (等保 恶意代码防范).

- Images: the pixel count is read from the header and refused over ``UPLOAD_MAX_PIXELS`` before a
  single pixel is decoded (a 12,000 × 12,000 PNG of a few KB would cost ~900 MB); every stored image
  is a fresh JPEG encoding, so EXIF (GPS included) and anything appended after the image's end are
  gone; the original's SHA-256 is kept.
- PDFs: refused when any object (object streams included, names with ``#xx`` escapes resolved by
  pypdf) carries JavaScript, a launch action, embedded files or rich media.
- ZIP containers (Word, Excel): total uncompressed size and compression ratio checked from the
  directory without extracting (zip bombs); macros refused.
- Spreadsheet imports: uncompressed size and row count capped before openpyxl parses anything.

Each check raises a ``ValidationError`` whose message says in Chinese what was wrong and what to do.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import re
import threading
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

_decoding = threading.Lock()

# A member this much smaller packed than unpacked is a zip bomb, not a document (XML packs ~10:1).
ZIP_MAX_RATIO = 100
ZIP_RATIO_FLOOR = 1024 * 1024  # small members may pack as tightly as they like
MACRO_SUFFIXES = (".docm", ".dotm", ".xlsm", ".xltm", ".xlam", ".pptm", ".potm", ".ppam")
# PDF keys and action types that run code, start programs or carry files inside the document.
PDF_FORBIDDEN_KEYS = {"/JS", "/JavaScript", "/Launch", "/EmbeddedFiles", "/EmbeddedFile", "/RichMedia"}
PDF_FORBIDDEN_ACTIONS = {"/JavaScript", "/Launch", "/RichMediaExecute"}
PDF_NAME = re.compile(rb"/[^\s/<>\[\](){}%]+")
ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")


def max_pixels() -> int:
    return settings.UPLOAD_MAX_PIXELS


def pillow_limit_set() -> None:
    """Pillow's own decompression-bomb limit, at the same figure (called from the app's ready)."""
    Image.MAX_IMAGE_PIXELS = max_pixels()


# --- Images ------------------------------------------------------------------------------------------

@contextlib.contextmanager
def _truncated_refused():
    """Importing WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES (to print what it can of a
    broken image), after which a cut-off upload would decode as a half-grey picture; an upload must
    decode completely, so the flag is off while one is decoded."""
    with _decoding:
        saved, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = saved


class TooManyPixels(ValidationError):
    """An image whose header announces more pixels than UPLOAD_MAX_PIXELS (nothing was decoded)."""


def _too_many_pixels(width: int, height: int) -> ValidationError:
    return TooManyPixels(
        _("图片尺寸过大(%(w)d × %(h)d 像素),上限为 %(limit)d 万像素。请缩小图片或用手机正常拍摄后再上传。")
        % {"w": width, "h": height, "limit": max_pixels() // 10000}
    )


def image_open(raw: bytes) -> Image.Image:
    """Open an image without decoding it; refused (Chinese) when it is no image or too many pixels."""
    try:
        image = Image.open(io.BytesIO(raw))
    except Image.DecompressionBombError:  # Pillow's own limit (twice ours) met first
        raise _too_many_pixels(*_header_size(raw)) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(_("上传的文件不是有效的图片。")) from None
    width, height = image.size
    if width * height > max_pixels():
        image.close()
        raise _too_many_pixels(width, height)
    return image


def _header_size(raw: bytes) -> tuple[int, int]:
    """The size a header announces, read with Pillow's limit lifted for this one header (nothing decoded)."""
    saved, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None
    try:
        with Image.open(io.BytesIO(raw)) as image:
            return image.size
    except Exception:  # noqa: BLE001 — only the message's figures depend on it
        return 0, 0
    finally:
        Image.MAX_IMAGE_PIXELS = saved


def image_reencode(*, upload, max_side: int = 1600) -> ContentFile:
    """Return a fresh JPEG ContentFile (no metadata, nothing appended); ``.sha256`` holds the original's
    hash. Non-images and images over the pixel limit are refused before decoding."""
    if upload.size > settings.PHOTO_MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("图片过大(%(size)d KB),上限为 %(limit)d KB。")
            % {"size": upload.size // 1024, "limit": settings.PHOTO_MAX_UPLOAD_BYTES // 1024}
        )
    upload.seek(0)
    raw = upload.read()
    return image_reencode_bytes(raw, max_side=max_side)


def image_reencode_bytes(raw: bytes, *, max_side: int = 1600) -> ContentFile:
    image = image_open(raw)
    try:
        with _truncated_refused():
            image.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(_("上传的文件不是有效的图片。")) from None
    image = ImageOps.exif_transpose(image).convert("RGB")
    image.thumbnail((max_side, max_side))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, optimize=True)
    content = ContentFile(out.getvalue())
    content.sha256 = hashlib.sha256(raw).hexdigest()
    return content


# --- PDF ---------------------------------------------------------------------------------------------

def _pdf_refused() -> ValidationError:
    return ValidationError(_("PDF中含有脚本、启动程序的指令、内嵌文件或多媒体内容。请用“打印为PDF”重新生成后再上传。"))


def _pdf_walk(value, seen: set[int]) -> None:
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    if isinstance(value, IndirectObject):
        return  # each indirect object is visited once from the cross-reference table
    if isinstance(value, DictionaryObject):
        if id(value) in seen:
            return
        seen.add(id(value))
        if PDF_FORBIDDEN_KEYS & set(value.keys()) or value.get("/S") in PDF_FORBIDDEN_ACTIONS:
            raise _pdf_refused()
        for item in value.values():
            _pdf_walk(item, seen)
    elif isinstance(value, ArrayObject):
        for item in value:
            _pdf_walk(item, seen)


def _pdf_names(raw: bytes) -> set[str]:
    """Every name written in the file's plain text, ``#xx`` escapes decoded (``/J#61vaScript``)."""
    names = set()
    for match in PDF_NAME.finditer(raw):
        token = match.group()
        names.add(re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), token).decode("latin-1"))
    return names


def pdf_check(raw: bytes) -> None:
    """Refuse a PDF that runs scripts (/JS, /JavaScript, /OpenAction → JavaScript), launches programs,
    embeds files or rich media — wherever it hides them: escaped names, object streams, any object."""
    if (PDF_FORBIDDEN_KEYS | PDF_FORBIDDEN_ACTIONS) & _pdf_names(raw):
        raise _pdf_refused()
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    broken = ValidationError(_("PDF文件已损坏或无法检查。请重新导出PDF后再上传。"))
    try:
        reader = PdfReader(io.BytesIO(raw), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValidationError(_("PDF设置了打开密码,无法检查其内容。请去掉密码后再上传。"))
        numbers = {num for table in reader.xref.values() for num in table} | set(reader.xref_objStm)
        seen: set[int] = set()
        _pdf_walk(reader.trailer, seen)
        for number in sorted(numbers):
            try:
                obj = reader.get_object(number)
            except (PyPdfError, ValueError, KeyError, TypeError):
                continue  # a dangling entry holds nothing a reader could run
            _pdf_walk(obj, seen)
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 — pypdf raises many types for a broken file
        raise broken from None


# --- ZIP containers (Office Open XML) -----------------------------------------------------------------

def zip_check(raw: bytes, *, max_total: int) -> zipfile.ZipFile:
    """Open a ZIP and check its directory only (nothing extracted): total uncompressed size at most
    ``max_total``, no member packed more tightly than ``ZIP_MAX_RATIO`` : 1, no macro project."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise ValidationError(_("压缩文件已损坏。")) from None
    total = sum(info.file_size for info in infos)
    packed = [i for i in infos if i.file_size > ZIP_RATIO_FLOOR and i.file_size > ZIP_MAX_RATIO * max(i.compress_size, 1)]
    if total > max_total or packed:
        raise ValidationError(
            _("文件解压后过大(%(size)s,上限 %(limit)s),可能是“压缩炸弹”。请删去无关内容后重新保存再上传。")
            % {"size": filesizeformat(total), "limit": filesizeformat(max_total)}
        )
    if any(i.filename.lower().endswith("vbaproject.bin") for i in infos):
        raise ValidationError(_("文档中含有宏(可执行代码)。请另存为不含宏的 .docx/.xlsx 后再上传。"))
    return archive


def macro_name_check(name: str) -> None:
    if name.lower().endswith(MACRO_SUFFIXES):
        raise ValidationError(_("文档中含有宏(可执行代码)。请另存为不含宏的 .docx/.xlsx 后再上传。"))


def xlsx_check(raw: bytes) -> None:
    """An Excel import, before openpyxl sees it: uncompressed at most IMPORT_MAX_UNPACKED_BYTES, no
    macros, and no worksheet with more than IMPORT_MAX_ROWS rows (counted by streaming the sheet's XML,
    which the size cap keeps short)."""
    archive = zip_check(raw, max_total=settings.IMPORT_MAX_UNPACKED_BYTES)
    limit = settings.IMPORT_MAX_ROWS
    with archive:
        for info in archive.infolist():
            if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                continue
            rows, tail = 0, b""
            with archive.open(info) as member:
                while chunk := member.read(1 << 20):
                    data = tail + chunk
                    cut = max(len(data) - 64, 0)  # a tag starting in the last bytes is counted next time
                    rows += sum(1 for m in ROW_TAG.finditer(data) if m.start() < cut)
                    tail = data[cut:]
                rows += len(ROW_TAG.findall(tail))
            if rows > limit:
                raise ValidationError(
                    _("表格行数过多(%(rows)d 行),每个工作表最多 %(limit)d 行。请拆分成几个文件分别导入。")
                    % {"rows": rows, "limit": limit}
                )
