"""Open produced PDFs with poppler-utils (pdftotext, pdfinfo, pdffonts) and read what a person would."""
import re
import subprocess
from pathlib import Path


def _run(*args) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True, timeout=60).stdout


def pdf_text(path: Path) -> str:
    """The PDF's text with all whitespace removed (CJK layout puts spaces and breaks anywhere)."""
    return "".join(_run("pdftotext", "-layout", str(path), "-").split())


def pdf_page_texts(path: Path) -> list[str]:
    return ["".join(page.split()) for page in _run("pdftotext", str(path), "-").split("\f") if page.strip()]


def pdf_info(path: Path) -> dict[str, str]:
    return dict(
        (key.strip(), value.strip())
        for key, _, value in (line.partition(":") for line in _run("pdfinfo", str(path)).splitlines())
    )


def pdf_pages(path: Path) -> int:
    return int(pdf_info(path)["Pages"])


def pdf_links(path: Path) -> list[str]:
    """URI link targets (``pdfinfo -url``: one ``page type url`` row per link)."""
    rows = _run("pdfinfo", "-url", str(path)).splitlines()[1:]
    return [row.split()[-1] for row in rows if row.strip()]


def pdf_fonts(path: Path) -> list[dict[str, str]]:
    """``pdffonts`` rows: name, embedded (emb) and subset (sub) flags."""
    lines = _run("pdffonts", str(path)).splitlines()[2:]
    fonts = []
    for line in lines:
        match = re.match(r"^(\S+)\s+.*\s(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+$", line)
        if match:
            fonts.append({"name": match[1], "emb": match[2], "sub": match[3], "uni": match[4]})
    return fonts
