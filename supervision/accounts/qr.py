"""The QR code of an authenticator's secret, drawn on the server as inline SVG (no script, no CDN)."""
import re

import qrcode
import qrcode.image.svg
from django.utils.safestring import mark_safe


def svg(text: str, *, size: int = 200) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    drawn = image.to_string(encoding="unicode")
    # qrcode sizes it in millimetres (about 100 px): a phone's camera reads it better at ``size`` px.
    return mark_safe(re.sub(r'width="[^"]+" height="[^"]+"', f'width="{size}" height="{size}"', drawn, count=1))
