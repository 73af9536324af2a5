"""How long WeasyPrint takes to render plaque posters (挂牌督导公示牌). Prints seconds.

    .venv/bin/python benchmarks/plaque_pdf.py            # one poster, cold then warm
    .venv/bin/python benchmarks/plaque_pdf.py --pages 50 # one PDF of 50 posters (the office job)

Needs no database: the plaques are built in memory. The supervisor photo is a generated JPEG in
a temporary MEDIA_ROOT. Expect well under a second a page once fonts are loaded; if a page takes
many seconds, libharfbuzz-subset0 is probably missing (WeasyPrint then subsets with fontTools).
"""
import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supervision.settings")
os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="plaque-bench-")

import django  # noqa: E402

django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.core.files.storage import default_storage  # noqa: E402
from PIL import Image  # noqa: E402

from schools.plaque import Plaque, PlaqueOffice, PlaqueSupervisor, plaques_pdf  # noqa: E402


def _plaques(count: int) -> list[Plaque]:
    photo = io.BytesIO()
    Image.new("RGB", (600, 800), (90, 130, 180)).save(photo, format="JPEG", quality=85)
    photo_name = default_storage.save("supervisors/1.jpg", ContentFile(photo.getvalue()))
    office = PlaqueOffice(
        name="柳溪县人民政府教育督导室", phone="0435-7222333", email="duxue@example.org", address="柳溪县建设街16号"
    )
    supervisors = (
        PlaqueSupervisor(pk=1, name="王建国", kind="full_time", kind_label="专职督学", employer="",
                         phone="13904350001", photo_name=photo_name, is_lead=True),
        PlaqueSupervisor(pk=2, name="李秀英", kind="part_time", kind_label="兼职督学", employer="柳溪县第二实验小学",
                         phone="13904350002", photo_name="", is_lead=False),
    )
    return [
        Plaque(code=f"{3199000001 + i:010d}", school_name=f"柳溪县第{i + 1}实验小学", kind_label="小学",
               address="柳溪镇建设街22号", zone_name="城区学校责任区", supervisors=supervisors, office=office)
        for i in range(count)
    ]


def _timed(plaques) -> float:
    start = time.perf_counter()
    plaques_pdf(plaques)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1, help="posters in one PDF (default 1)")
    args = parser.parse_args()
    plaques = _plaques(args.pages)
    cold = _timed(plaques)
    warm = min(_timed(plaques) for _ in range(3))
    print(f"pages={args.pages} cold={cold:.3f}s warm={warm:.3f}s per_page={warm / args.pages:.3f}s")


if __name__ == "__main__":
    main()
