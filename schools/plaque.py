"""The public plaque (挂牌督导): what a school's plaque shows, and its printable A4 poster.

《中小学校责任督学挂牌督导办法》第一条: the office makes a plaque of one standard design naming
each responsibility supervisor's name, photo and contact and the supervision duties, hung at
the school gate. Everything here works on ``Plaque`` values, never on models, so the public
page and the poster cannot show more than a plaque shows (no principal, no school phone,
no supervisor title or login).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import quote, unquote

import qrcode
from django.core.files.storage import default_storage
from django.db.models import Prefetch, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from supervision.choices import SupervisorKind
from supervision.models import Office, Zone, ZoneAssignment
from supervision.site import site_url

from .models import School, SchoolMembership

# 《中小学校责任督学挂牌督导办法》第三条 责任督学基本职责, word for word (printed on every plaque).
RESPONSIBILITY_SUPERVISOR_DUTIES = (
    _("对学校依法依规办学进行监督。"),
    _("对学校管理和教育教学进行指导。"),
    _("受理、核实相关举报和投诉。"),
    _("发现问题并督促学校整改。"),
    _("向教育督导部门报告情况，并向政府有关部门提出意见。"),
)
# 同一办法: 责任督学对每所学校实施经常性督导每月不得少于1次.
REGULAR_SUPERVISION_NOTE = _("责任督学对责任区内学校实施经常性督导，每月不少于1次。")

PHOTO_SCHEME = "plaque-photo"


@dataclass(frozen=True)
class PlaqueSupervisor:
    pk: int
    name: str
    kind: str
    kind_label: str
    employer: str
    phone: str
    photo_name: str
    is_lead: bool

    @property
    def has_photo(self) -> bool:
        return bool(self.photo_name)

    @property
    def is_part_time(self) -> bool:
        return self.kind == SupervisorKind.PART_TIME

    @property
    def initial(self) -> str:
        return self.name[:1]

    @property
    def poster_photo_src(self) -> str:
        # Resolved by ``_PlaqueURLFetcher`` from storage: WeasyPrint never opens a network URL.
        return f"{PHOTO_SCHEME}:{quote(self.photo_name)}"


@dataclass(frozen=True)
class PlaqueOffice:
    name: str
    phone: str
    email: str
    address: str


@dataclass(frozen=True)
class Plaque:
    code: str
    school_name: str
    kind_label: str
    address: str
    zone_name: str
    supervisors: tuple[PlaqueSupervisor, ...]
    office: PlaqueOffice

    @property
    def path(self) -> str:
        return reverse("schools:plaque", args=[self.code])

    @property
    def public_url(self) -> str:
        return site_url() + self.path


# --- Selectors ------------------------------------------------------------------------------------


def _plaque_schools() -> QuerySet[School]:
    """Schools in the roster today with office, today's zone and its supervisors today (lead first):
    three queries."""
    assignments = (
        ZoneAssignment.objects.current().filter(supervisor__is_active=True)
        .select_related("supervisor")
        .order_by("-is_lead", "supervisor__name", "pk")
    )
    memberships = (
        SchoolMembership.objects.current().select_related("zone")
        .prefetch_related(Prefetch("zone__assignments", queryset=assignments))
    )
    return (
        School.objects.current()
        .select_related("office")
        .prefetch_related(Prefetch("memberships", queryset=memberships, to_attr="open_memberships"))
    )


def _plaque_of(school: School) -> Plaque:
    zone = school.current_zone
    supervisors = tuple(
        PlaqueSupervisor(
            pk=a.supervisor.pk,
            name=a.supervisor.name,
            kind=a.supervisor.kind,
            kind_label=str(a.supervisor.get_kind_display()),
            employer=a.supervisor.employer if a.supervisor.kind == SupervisorKind.PART_TIME else "",
            phone=a.supervisor.phone,
            photo_name=a.supervisor.photo.name or "",
            is_lead=a.is_lead,
        )
        for a in (zone.assignments.all() if zone else ())
    )
    office = school.office
    return Plaque(
        code=school.code,
        school_name=school.name,
        kind_label=str(school.get_kind_display()),
        address=school.address,
        zone_name=zone.name if zone else "",
        supervisors=supervisors,
        office=PlaqueOffice(name=office.name, phone=office.phone, email=office.email, address=office.address),
    )


def plaque_for_code(*, code: str) -> Plaque | None:
    """The plaque of an active school by its 学校标识码; None for an unknown or closed school."""
    school = _plaque_schools().filter(code=code).first()
    return _plaque_of(school) if school else None


def plaques_for_office(*, office: Office, zone: Zone | None = None) -> list[Plaque]:
    """Plaques of every active school of an office (or of one of its zones), by zone then code."""
    schools = _plaque_schools().current(office=office, zone=zone)
    plaques = [_plaque_of(s) for s in schools.order_by("code")]
    return sorted(plaques, key=lambda p: p.zone_name)  # stable: by zone, then code


# --- Rendering ------------------------------------------------------------------------------------


def plaque_qr_svg(url: str) -> SafeString:
    """An inline SVG QR code for ``url`` (no image file, no network); sized by the CSS class ``qr``.

    The ``qrcode`` package encodes; the SVG is one path with a rectangle per run of dark modules
    in a row — about a third of the segments of ``qrcode``'s own SVG path, which WeasyPrint
    parses in Python for every poster.
    """
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    code.add_data(url)
    code.make(fit=True)
    matrix = code.get_matrix()
    runs = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if not row[x]:
                x += 1
                continue
            start = x
            while x < len(row) and row[x]:
                x += 1
            runs.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
    size = len(matrix)
    return format_html(
        '<svg class="qr" role="img" viewBox="0 0 {} {}" xmlns="http://www.w3.org/2000/svg" '
        'shape-rendering="crispEdges"><path fill="#000" d="{}"/></svg>',
        size,
        size,
        "".join(runs),
    )


def _poster_grid(supervisors: tuple[PlaqueSupervisor, ...]) -> tuple[int, list[list[PlaqueSupervisor | None]]]:
    """Columns and rows of the poster's supervisor table, chosen so every poster stays one page."""
    n = len(supervisors)
    columns = 1 if n == 1 else 2 if n == 2 else 3
    rows = [list(supervisors[i : i + columns]) for i in range(0, n, columns)]
    if rows:
        rows[-1] += [None] * (columns - len(rows[-1]))
    return columns, rows


def plaque_poster_html(plaque: Plaque) -> str:
    columns, rows = _poster_grid(plaque.supervisors)
    return render_to_string(
        "schools/plaque_poster.html",
        {
            "plaque": plaque,
            "columns": columns,
            "dense": len(plaque.supervisors) > 3,
            "supervisor_rows": rows,
            "duties": RESPONSIBILITY_SUPERVISOR_DUTIES,
            "regular_note": REGULAR_SUPERVISION_NOTE,
            "qr_svg": plaque_qr_svg(plaque.public_url),
        },
    )


def photo_url_fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class PlaqueURLFetcher(URLFetcher):
        """Serves supervisor photos from storage and refuses every other URL (no network)."""

        def fetch(self, url, headers=None):
            scheme, _sep, rest = url.partition(":")
            if scheme == PHOTO_SCHEME:
                with default_storage.open(unquote(rest), "rb") as photo:
                    return URLFetcherResponse(url, photo.read(), {"Content-Type": "image/jpeg"})
            if scheme == "data":
                return super().fetch(url, headers)
            raise ValueError(f"Poster may not load {url!r}")

    return PlaqueURLFetcher()


def plaques_pdf(plaques: Iterable[Plaque], *, on_progress: Callable[[int, int], None] | None = None) -> bytes:
    """One A4 poster page per plaque, in one PDF. ``on_progress(done, total)`` after each page."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    plaques = list(plaques)
    font_config = FontConfiguration()
    fetcher = photo_url_fetcher()
    documents = []
    for done, plaque in enumerate(plaques, start=1):
        html = HTML(string=plaque_poster_html(plaque), base_url=site_url() + "/", url_fetcher=fetcher)
        documents.append(html.render(font_config=font_config))
        if on_progress:
            on_progress(done, len(plaques))
    if not documents:
        raise ValueError("no plaques to print")
    pages = [page for document in documents for page in document.pages]
    return documents[0].copy(pages).write_pdf()


def plaque_pdf(plaque: Plaque) -> bytes:
    return plaques_pdf([plaque])
