"""Image uploads: checked to be images by content, re-encoded and downscaled."""
import contextlib
import hashlib
import io
import threading

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

_decoding = threading.Lock()


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


def image_reencode(*, upload, max_side: int = 1600) -> ContentFile:
    """Return a JPEG ContentFile; ``.sha256`` holds the original's hash. Non-images are refused."""
    if upload.size > settings.PHOTO_MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("图片过大(%(size)d KB),上限为 %(limit)d KB。")
            % {"size": upload.size // 1024, "limit": settings.PHOTO_MAX_UPLOAD_BYTES // 1024}
        )
    raw = upload.read()
    try:
        with _truncated_refused():
            image = Image.open(io.BytesIO(raw))
            image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ValidationError(_("上传的文件不是有效的图片。")) from None
    image = ImageOps.exif_transpose(image).convert("RGB")
    image.thumbnail((max_side, max_side))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, optimize=True)
    content = ContentFile(out.getvalue())
    content.sha256 = hashlib.sha256(raw).hexdigest()
    return content
