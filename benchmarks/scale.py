"""Province scale over HTTP (issue 14): every page and API of the issue's table through gunicorn.

    .venv/bin/python benchmarks/scale.py [--db scale_big] [--generate] [--runs 20]

1. With ``--generate`` builds the named database with ``manage.py generate_scale`` (``--counties``,
   ``--schools``, ``--years``, ``--seed``; it refuses a database that holds data); without it reuses
   the database as it is (``scale_big``: 60 counties, 10,000 schools; ``scale_small``: one county of
   1,000 schools). The server is the one of ``DATABASE_URL`` (default postgres://postgres@127.0.0.1:5432).
2. Picks real logins of the generated data — the director of the county with most schools, the province
   viewer ``province``, a zone lead of one zone — and
   gives them the password ``BENCH_PASSWORD`` as their own; the data has no school contact, so one
   login ``bench_school`` is added for the county's school with most tickets, and one supervisor of every
   zone of the county (``bench_sup_all``, the issue's worst case for the supervisor home; the data has
   none); both are removed at the end (sessions stay).
3. Starts gunicorn (gunicorn.conf.py, 2 sync workers, DEBUG off, a free port on 127.0.0.1), logs in
   through the login form, and times each page with ``requests`` (a session per login). Each page's
   run is preceded by the reference, hello-auth: the cheapest logged-in page (``/accounts/me/`` of the
   same login), so the ratio (median of the page / median of the reference) is measured interleaved, in
   the same run. gunicorn's sync workers close the connection after each response: every request is a
   new loopback connection, as a browser's first request would be. Size is the decoded body. Queries are
   counted once per page in this process (Django's test client, same database).
4. Peak RSS (VmHWM) of the gunicorn workers after the pages, and again after the ledger export.
5. The jobs in this process, each inside a transaction rolled back afterwards (the database is left as
   it was): the monthly roll-up of the county (last month), the year-end PDF of the county (this year)
   against WeasyPrint alone on the same HTML, the ledger Excel of the director (over HTTP) against
   openpyxl's write-only writer on the same rows, and the roster import of 1,000 schools into a new
   county office against openpyxl reading the same file.
6. Prints one table and writes ``benchmarks/results/scale.md`` and ``scale.json``.
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_PASSWORD = "Bench-Scale-2026!"
SCHOOL_LOGIN = "bench_school"
SUP_ALL_LOGIN = "bench_sup_all"
REFERENCE = "/accounts/me/"
WORKERS = 2
STATEMENT_TIMEOUT_S = int(os.environ.get("BENCH_STATEMENT_TIMEOUT", "60"))  # seconds
SLOW_S = 5  # a page slower than this at its warm-up is timed 3 times, not --runs
# Goals of issue 14, in ms (None: no goal; "ratio" goals are of the jobs' raw library).
GOALS = {
    "visits_api": 100, "tickets_api": 100, "dashboard_director": 150, "dashboard_province_api": 150,
    "ledger_search": 150, "annual_page": 200, "supervisor_home_many": 100, "coverage": 150,
}


def database_url(name: str) -> str:
    base = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
    parts = urlsplit(base)
    if not parts.scheme.startswith("postgres"):
        raise SystemExit("benchmarks/scale.py times PostgreSQL: DATABASE_URL must be postgres://…")
    return urlunsplit(parts._replace(path=f"/{name}"))


def production_env(url: str, media: str) -> dict:
    """The environment gunicorn and this process run with: as in production, but plain HTTP."""
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": url, "DEBUG": "false", "SECURE_SSL_REDIRECT": "false", "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false", "SECURE_HSTS_SECONDS": "0", "REDIS_URL": "", "MEDIA_ROOT": media,
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "DJANGO_SETTINGS_MODULE": "supervision.settings", "LOG_LEVEL": "WARNING",
        # A query past the budget is cancelled on the server (libpq reads PGOPTIONS): a page that would run
        # for minutes answers 500 and is reported as such, and leaves no query running after the benchmark.
        "PGOPTIONS": f"-c statement_timeout={STATEMENT_TIMEOUT_S * 1000}",
    })
    return env


def ensure_database(name: str, url: str, generate: bool, args) -> None:
    import psycopg2

    admin = psycopg2.connect(urlunsplit(urlsplit(url)._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cursor.fetchone() is not None
        if generate and not exists:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    if not exists and not generate:
        raise SystemExit(f"database {name} does not exist: add --generate")
    if generate:
        env = production_env(url, tempfile.gettempdir())
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run(manage + ["migrate", "--verbosity", "0"], env=env, check=True)
        started = time.perf_counter()
        subprocess.run(manage + ["generate_scale", "--counties", str(args.counties), "--schools", str(args.schools),
                                 "--years", str(args.years), "--seed", str(args.seed)], env=env, check=True)
        print(f"generated in {time.perf_counter() - started:.0f} s")


# Logins ---------------------------------------------------------------------------------------
def pick_logins() -> dict:
    """Real logins of the generated data (and the one school contact this script adds)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from inspections.models import Ticket
    from schools.models import School
    from supervision.accounts.services import password_state_mark
    from supervision.choices import Role
    from supervision.models import Office, OfficeUserObjectPermission, ZoneAssignment
    from supervision.services import role_grant

    User = get_user_model()
    top = School.objects.values("office").annotate(n=Count("pk")).order_by("-n", "office").first()
    county = Office.objects.get(pk=top["office"])
    director = User.objects.filter(
        pk__in=OfficeUserObjectPermission.objects.filter(content_object_id=county.pk).values("user"),
        username__startswith="director").order_by("pk").first()
    current = ZoneAssignment.objects.current().filter(zone__office=county)
    one = current.filter(is_lead=True).values("supervisor__user").annotate(n=Count("zone")) \
        .filter(n=1).order_by("supervisor__user").first()
    busiest = Ticket.objects.filter(office=county).values("school").annotate(n=Count("pk")).order_by("-n", "school").first()
    school = School.objects.get(pk=busiest["school"])
    contact, made = User.objects.get_or_create(username=SCHOOL_LOGIN, defaults={"first_name": "基准学校联系人"})
    if made:
        role_grant(user=contact, role=Role.SCHOOL_USER, school=school)
    logins = {
        "director": director, "province": User.objects.get(username="province"),
        "sup_all": supervisor_of_every_zone(county), "sup_one": User.objects.get(pk=one["supervisor__user"]),
        "school": contact,
    }
    for user in logins.values():  # the login's own password (not set by an admin: no change is asked)
        if not user.check_password(BENCH_PASSWORD):
            user.set_password(BENCH_PASSWORD)
            user.save(update_fields=["password"])
            password_state_mark(user=user, by_self=True)
    zones = ZoneAssignment.objects.current().filter(supervisor__user=logins["sup_all"]).count()
    return {"county": county, "school": school, "users": logins, "zones_all": zones, "tickets_school": busiest["n"]}


def supervisor_of_every_zone(county):
    """The generated data gives each supervisor one zone; the issue's worst case for the supervisor home
    is a supervisor of every zone of the county (as monthly_loop.py builds). This login
    (``bench_sup_all``, a part-time member of every zone since the data's first day) is added for the
    run and removed by ``remove_bench_logins``."""
    from django.contrib.auth import get_user_model
    from django.db.models import Min

    from supervision import clock
    from supervision.choices import Role, SupervisorKind
    from supervision.models import Supervisor, Zone, ZoneAssignment
    from supervision.services import role_grant

    user, made = get_user_model().objects.get_or_create(username=SUP_ALL_LOGIN, defaults={"first_name": "基准督学"})
    if made:
        role_grant(user=user, role=Role.SUPERVISOR)
    supervisor, _made = Supervisor.objects.get_or_create(user=user, defaults={
        "office": county, "name": "基准督学", "kind": SupervisorKind.PART_TIME, "phone": "13699999999"})
    since = ZoneAssignment.objects.filter(zone__office=county).aggregate(d=Min("valid_from"))["d"]
    have = set(ZoneAssignment.objects.filter(supervisor=supervisor).values_list("zone", flat=True))
    ZoneAssignment.objects.bulk_create([
        ZoneAssignment(zone=zone, supervisor=supervisor, is_lead=False, valid_from=since, recorded_at=clock.now())
        for zone in Zone.objects.filter(office=county).exclude(pk__in=have)])
    return user


def remove_bench_logins() -> None:
    """The two logins this script added (the supervisor of every zone, the school contact) go again."""
    from django.contrib.auth import get_user_model

    from supervision.models import Supervisor, ZoneAssignment

    ZoneAssignment.objects.filter(supervisor__user__username=SUP_ALL_LOGIN).delete()
    Supervisor.objects.filter(user__username=SUP_ALL_LOGIN).delete()
    get_user_model().objects.filter(username__in=[SUP_ALL_LOGIN, SCHOOL_LOGIN]).delete()


# gunicorn ---------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(env: dict, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "--workers", str(WORKERS),
               "--bind", f"127.0.0.1:{port}", "supervision.wsgi:application"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    import requests

    for _ in range(120):
        try:
            if requests.get(base + "/healthz", timeout=20).status_code == 200:  # a cold worker on a busy box
                return process, base
        except requests.RequestException:
            pass
        if process.poll() is not None:
            raise SystemExit(f"gunicorn stopped: see {log}")
        time.sleep(0.5)
    process.terminate()
    process.wait(timeout=30)
    raise SystemExit(f"gunicorn did not answer: see {log}")


def worker_pids(master: int) -> list[int]:
    children = []
    for task in Path(f"/proc/{master}/task").iterdir():
        children += [int(p) for p in (task / "children").read_text().split()]
    return children


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def login(base: str, user) -> object:
    import requests

    session = requests.Session()
    session.get(base + "/accounts/login/").raise_for_status()
    response = session.post(base + "/accounts/login/", data={
        "username": user.username, "password": BENCH_PASSWORD, "csrfmiddlewaretoken": session.cookies["csrftoken"],
    }, allow_redirects=False)
    if response.status_code != 302 or "sessionid" not in session.cookies:
        raise SystemExit(f"login of {user.username} failed: {response.status_code}")
    check = session.get(base + REFERENCE, allow_redirects=False)
    if check.status_code != 200:
        raise SystemExit(f"{user.username} cannot open {REFERENCE}: {check.status_code} {check.headers.get('Location')}")
    return session


class PageFailed(Exception):
    pass


def get_ms(session, url: str) -> tuple[float, object]:
    import requests

    started = time.perf_counter()
    try:
        response = session.get(url, allow_redirects=False, timeout=STATEMENT_TIMEOUT_S + 30)
    except requests.RequestException as exc:
        raise PageFailed(f"no answer after {time.perf_counter() - started:.0f} s ({type(exc).__name__})") from None
    wall = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise PageFailed(f"{response.status_code} after {wall / 1000:.1f} s")
    return wall, response


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def time_page(session, base: str, path: str, runs: int) -> dict:
    """The page ``runs`` times, each after one hello-auth of the same login (after one warm-up of each)."""
    get_ms(session, base + REFERENCE)
    warm, response = get_ms(session, base + path)
    runs = runs if warm < SLOW_S * 1000 else min(runs, 3)
    walls, refs = [], []
    for _ in range(runs):
        refs.append(get_ms(session, base + REFERENCE)[0])
        wall, response = get_ms(session, base + path)
        walls.append(wall)
    median, ref = statistics.median(walls), statistics.median(refs)
    return {"median_ms": round(median, 1), "p95_ms": round(p95(walls), 1), "ref_ms": round(ref, 1),
            "ratio": round(median / ref, 1), "bytes": len(response.content), "runs": runs}


def count_queries(user, path: str) -> int | None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    try:
        client.get(path)  # warm: the first request works out the login's gate and session
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
    except Exception:  # noqa: BLE001 — a statement timeout: the page's time is what is reported
        return None
    return len(queries) if response.status_code == 200 else None


def pages(picked: dict, today: dt.date) -> list[tuple[str, str, str, str | None]]:
    """(label, login, path, goal key) — the issue's table first, then each role's daily pages."""
    from inspections.models import Ticket, Visit

    county = picked["county"]

    def deep(queryset) -> int:  # page 500, or the last page when there are fewer
        return max(1, min(500, -(-queryset.count() // 50)))

    # Counted on the rows' own office column: at 10,000 schools access.visits_visible_to(director).count()
    # runs past the 60 s statement timeout (the director sees the county's, the province viewer every row).
    deep_v, deep_t = deep(Visit.objects.filter(office=county)), deep(Ticket.objects.filter(office=county))
    deep_pv, deep_pt = deep(Visit.objects.all()), deep(Ticket.objects.all())
    year = today.year
    return [
        ("API visits, director, page 1", "director", "/api/v1/visits/", "visits_api"),
        (f"API visits, director, page {deep_v}", "director", f"/api/v1/visits/?page={deep_v}", "visits_api"),
        (f"API visits, province, page {deep_pv}", "province", f"/api/v1/visits/?page={deep_pv}", "visits_api"),
        ("API tickets, director, page 1", "director", "/api/v1/tickets/", "tickets_api"),
        (f"API tickets, director, page {deep_t}", "director", f"/api/v1/tickets/?page={deep_t}", "tickets_api"),
        (f"API tickets, province, page {deep_pt}", "province", f"/api/v1/tickets/?page={deep_pt}", "tickets_api"),
        ("dashboard, director, this year", "director", "/dashboard/", "dashboard_director"),
        ("dashboard API, province viewer, this year", "province", "/api/v1/dashboard/", "dashboard_province_api"),
        ("ledger search 「留样」, director", "director", "/inspections/ledger/?q=%E7%95%99%E6%A0%B7", "ledger_search"),
        ("year-end summary page, county", "director", f"/reports/annual/{county.pk}/{year}/", "annual_page"),
        (f"supervisor home, supervisor of every zone ({picked['zones_all']})", "sup_all", "/my/", "supervisor_home_many"),
        ("coverage, director, this month", "director", "/inspections/coverage/", "coverage"),
        # Daily pages of each role.
        ("home, director", "director", "/", None),
        ("ledger, director, first page", "director", "/inspections/ledger/", None),
        ("tickets workspace, director", "director", "/inspections/tickets/", None),
        ("escalations, director", "director", "/inspections/escalations/", None),
        ("monthly reports status, director", "director", "/reports/monthly/status/", None),
        ("inbox, director", "director", "/inspections/inbox/", None),
        ("home, province viewer", "province", "/", None),
        ("dashboard page, province viewer", "province", "/dashboard/", None),
        ("coverage, province viewer", "province", "/inspections/coverage/", None),
        ("ledger, province viewer", "province", "/inspections/ledger/", None),
        ("supervisor home, lead of 1 zone", "sup_one", "/my/", None),
        ("tickets workspace, supervisor of 1 zone", "sup_one", "/inspections/tickets/", None),
        ("monthly summaries, supervisor", "sup_one", "/inspections/summaries/", None),
        ("monthly reports, supervisor", "sup_one", "/reports/monthly/", None),
        ("inbox, supervisor", "sup_one", "/inspections/inbox/", None),
        ("my school, school contact", "school", "/schools/mine/", None),
        (f"tickets workspace, school contact ({picked['tickets_school']} tickets)", "school", "/inspections/tickets/", None),
        ("inbox, school contact", "school", "/inspections/inbox/", None),
    ]


# Jobs ---------------------------------------------------------------------------------------------
class Rollback(Exception):
    pass


def rolled_back(fn):
    """Run ``fn`` in a transaction that is rolled back; returns its result."""
    from django.db import transaction

    box = {}
    try:
        with transaction.atomic():
            box["result"] = fn()
            raise Rollback
    except Rollback:
        pass
    return box["result"]


def timed_runs(fn, runs: int) -> tuple[list[float], object]:
    walls, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        walls.append(time.perf_counter() - started)
    return walls, result


def job_row(label: str, walls: list[float], raw: list[float] | None, raw_label: str, goal: str, **extra) -> dict:
    median = statistics.median(walls)
    raw_median = statistics.median(raw) if raw else None
    return {"what": label, "median_s": round(median, 2), "p95_s": round(p95(walls), 2), "runs": len(walls),
            "raw": raw_label, "raw_median_s": round(raw_median, 2) if raw_median else None,
            "ratio": round(median / raw_median, 2) if raw_median else None, "goal": goal, **extra}


def job_rollup(director, county, today: dt.date, runs: int) -> dict:
    """generate_scale stores its zone reports with empty data (``{}``), which the roll-up cannot
    read (KeyError 'zone' in ``excel.rollup_workbook``): inside the rolled-back transaction, and
    before the clock starts, each stored report of the month gets the data its zone's month has
    (``zone_month_data``), as a report built by the service would hold."""
    from reports.monthly import jobs
    from reports.monthly.models import ZoneMonthlyReport
    from reports.monthly.selectors import zone_month_data
    from reports.services import job_run, job_start
    from supervision.models import Zone

    last = today.replace(day=1) - dt.timedelta(days=1)
    stored = ZoneMonthlyReport.objects.filter(office=county, year=last.year, month=last.month).select_related("zone")

    def once():
        def inner():
            for report in stored.all():  # read again: the last run's data was rolled back
                if not report.data:
                    report.data = zone_month_data(zone=report.zone, year=last.year, month=last.month)
                    report.save(update_fields=["data"])
            started = time.perf_counter()
            made = job_start(kind=jobs.ROLLUP_KIND, office=county, params={"year": last.year, "month": last.month}, user=director)
            done = job_run(job_id=made.pk)
            assert done.status == "succeeded", (done.status, done.error)
            return time.perf_counter() - started
        return rolled_back(inner)

    walls = [once() for _ in range(runs)]
    zones = Zone.objects.filter(office=county).count()
    row = job_row(f"monthly roll-up job, county ({zones} zones), {last:%Y-%m}", walls, None, "", "< 3 s",
                  reports_stored=stored.count())
    row["met"] = row["median_s"] < 3
    return row


def job_annual_pdf(director, county, today: dt.date, runs: int) -> dict:
    from django.conf import settings
    from django.template.loader import render_to_string
    from django.utils import translation
    from weasyprint import HTML

    from reports.annual import jobs as annual_jobs
    from reports.annual.document import document_context, figures_of, summary_or_draft
    from reports.services import job_run, job_start
    from supervision.pdf import offline_url_fetcher
    from supervision.site import site_url

    summary = summary_or_draft(office=county, year=today.year, zone=None)
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string("annual/summary_pdf.html", document_context(summary, figures_of(summary)))

    def weasyprint_alone() -> bytes:
        return HTML(string=html, base_url=site_url() + "/", url_fetcher=offline_url_fetcher()).write_pdf()

    weasyprint_alone()  # warm: the first document of a process loads the Noto CJK files

    def once():
        def inner():
            made = job_start(kind=annual_jobs.KIND, office=county, params={"year": today.year}, user=director)
            done = job_run(job_id=made.pk)
            assert done.status == "succeeded", (done.status, done.error)
            return done
        return rolled_back(inner)

    walls, _done = timed_runs(once, runs)
    raw, pdf = timed_runs(weasyprint_alone, runs)
    row = job_row(f"year-end PDF job, county, {today.year}", walls, raw, "WeasyPrint alone, same HTML", "≤ 1.2 × WeasyPrint",
                  pdf_bytes=len(pdf))
    row["met"] = row["ratio"] <= 1.2
    return row


def job_ledger_excel(session, base: str, master: int, runs: int) -> dict:
    from openpyxl import Workbook, load_workbook

    walls, content = [], b""
    for _ in range(runs):
        wall, response = get_ms(session, base + "/inspections/ledger/export.xlsx")
        walls.append(wall / 1000)
        content = response.content
    rows = list(load_workbook(io.BytesIO(content), read_only=True).active.iter_rows(values_only=True))

    def raw_write():
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        for row in rows:
            sheet.append(row)
        with tempfile.TemporaryFile() as out:
            workbook.save(out)

    raw, _ = timed_runs(raw_write, runs)
    peak = max(peak_rss_mb(pid) for pid in worker_pids(master))
    row = job_row(f"ledger Excel, director ({max(0, len(rows) - 3):,} rows), over HTTP", walls, raw,
                  "openpyxl write-only, same rows", "≤ 1.0 × raw writer, < 150 MB", xlsx_bytes=len(content), worker_peak_rss_mb=peak)
    row["met"] = row["ratio"] <= 1.0 and peak < 150
    return row


def roster_file(county, schools: int) -> tuple[bytes, list[str], dict]:
    """The county's roster as exported, grown or cut to ``schools`` schools with new codes and phones."""
    from openpyxl import load_workbook

    from supervision.models import Office, Zone
    from supervision.roster import SCHOOL_SHEET, SUPERVISOR_SHEET, roster_export, workbook_bytes

    source = load_workbook(workbook_bytes(roster_export(offices=Office.objects.filter(pk=county.pk))))
    school_rows = [list(r) for r in source[SCHOOL_SHEET].iter_rows(min_row=2, values_only=True) if r[0]]
    sup_rows = [list(r) for r in source[SUPERVISOR_SHEET].iter_rows(min_row=2, values_only=True) if r[0]]
    sheet = source[SCHOOL_SHEET]
    sheet.delete_rows(2, sheet.max_row)
    for n in range(schools):
        row = list(school_rows[n % len(school_rows)])
        row[0], row[1] = f"{4100000000 + n:010d}", f"基准县第{n + 1}学校"
        sheet.append(row)
    sheet = source[SUPERVISOR_SHEET]
    sheet.delete_rows(2, sheet.max_row)
    for n, row in enumerate(sup_rows):
        row = list(row)
        row[0] = f"137{n:08d}"
        sheet.append(row)
    zones = dict(Zone.objects.filter(office=county).values_list("name", "category"))
    out = io.BytesIO()
    source.save(out)
    return out.getvalue(), sorted(zones), zones | {"_supervisors": len(sup_rows)}


def job_roster_import(county, today: dt.date, runs: int, schools: int = 1000) -> dict:
    from openpyxl import load_workbook

    from supervision.choices import OfficeLevel
    from supervision.models import Zone
    from supervision.roster import roster_import
    from supervision.services import office_create

    content, names, zones = roster_file(county, schools)
    supervisors = zones.pop("_supervisors")

    def once():
        def inner():
            office = office_create(name="基准县人民政府教育督导室", level=OfficeLevel.COUNTY, division_code="999999",
                                   parent=county.parent, admin={"username": "bench_roster_admin", "name": "基准管理员",
                                                                "password": BENCH_PASSWORD})
            for name, category in zones.items():
                Zone.objects.create(office=office, name=name, category=category)
            from django.contrib.auth import get_user_model

            admin = get_user_model().objects.get(username="bench_roster_admin")
            started = time.perf_counter()
            summary = roster_import(office=office, file=io.BytesIO(content), user=admin, on=today)
            assert summary.schools_created == schools, summary
            return time.perf_counter() - started
        return rolled_back(inner)

    walls = [once() for _ in range(runs)]

    def raw_read():
        workbook = load_workbook(io.BytesIO(content), read_only=True)
        for sheet in workbook.worksheets:
            for _row in sheet.iter_rows(values_only=True):
                pass
        workbook.close()

    raw, _ = timed_runs(raw_read, runs)
    row = job_row(f"roster import, {schools:,} schools and {supervisors} supervisors, into a new county", walls, raw,
                  "openpyxl reading the file", "< 5 s")
    row["met"] = row["median_s"] < 5
    return row


# Report ------------------------------------------------------------------------------------------
def fmt_kb(n: int) -> str:
    return f"{n / 1024:,.0f} KB" if n >= 1024 else f"{n} B"


def markdown(meta: dict, rows: list[dict], jobs: list[dict]) -> str:
    lines = [
        f"{meta['when']}: database `{meta['db']}` ({meta['schools']:,} schools, {meta['visits']:,} visits, "
        f"{meta['tickets']:,} tickets); county `{meta['county']}` ({meta['county_schools']:,} schools); "
        f"gunicorn {WORKERS} sync workers, DEBUG off, PostgreSQL 127.0.0.1; {meta['runs']} runs a page "
        f"(3 for a page slower than {SLOW_S} s; statement timeout {STATEMENT_TIMEOUT_S} s); "
        f"load average {meta['load_start']:.1f} at the start, {meta['load_end']:.1f} at the end ({os.cpu_count()} CPUs); "
        f"hello-auth (`{REFERENCE}`) median {meta['ref_ms']:.1f} ms; peak RSS of a gunicorn worker "
        f"{meta['rss_pages_mb']} MB after the pages, {meta['rss_export_mb']} MB after the ledger export; {meta['seconds']:.0f} s in all.",
        "",
        "| page | login | median | p95 | runs | × hello-auth | size | queries | goal |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        goal = GOALS.get(r["goal"]) if r["goal"] else None
        if "failed" in r:
            lines.append(f"| {r['what']} | {r['login']} | **failed**: {r['failed']} | | | | | | "
                         f"{f'< {goal} ms: **missed**' if goal else ''} |")
            continue
        verdict = ""
        if goal:
            verdict = (f"< {goal} ms: met" if r["median_ms"] < goal
                       else f"< {goal} ms: **missed** (+{(r['median_ms'] / goal - 1) * 100:.0f} %)")
        lines.append(f"| {r['what']} | {r['login']} | {r['median_ms']:,.0f} ms | {r['p95_ms']:,.0f} ms | {r['runs']} | {r['ratio']:.1f} | "
                     f"{fmt_kb(r['bytes'])} | {r['queries'] if r['queries'] is not None else '–'} | {verdict} |")
    lines += ["", "| job | median | p95 | raw library | raw median | ratio | goal |", "|---|---:|---:|---|---:|---:|---|"]
    for j in jobs:
        ratio = f"{j['ratio']:.2f}" if j["ratio"] else "–"
        raw = f"{j['raw_median_s']:.2f} s" if j["raw_median_s"] else "–"
        verdict = f"{j['goal']}: {'met' if j['met'] else '**missed**'}"
        extra = f" (worker peak RSS {j['worker_peak_rss_mb']} MB)" if "worker_peak_rss_mb" in j else ""
        lines.append(f"| {j['what']}{extra} | {j['median_s']:.2f} s | {j['p95_s']:.2f} s | {j['raw'] or '–'} | {raw} | {ratio} | {verdict} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="scale_big")
    parser.add_argument("--generate", action="store_true", help="build the database with generate_scale first")
    parser.add_argument("--counties", type=int, default=60)
    parser.add_argument("--schools", type=int, default=10000)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--job-runs", type=int, default=3)
    parser.add_argument("--no-jobs", action="store_true")
    parser.add_argument("--only", help="time only the pages whose label contains this")
    args = parser.parse_args()

    started = time.perf_counter()
    load_start = os.getloadavg()[0]
    url = database_url(args.db)
    ensure_database(args.db, url, args.generate, args)
    media = tempfile.mkdtemp(prefix="bench_scale_media_")
    env = production_env(url, media)
    os.environ.update(env)
    import django

    django.setup()
    import logging
    import warnings

    logging.getLogger("supervision.request").setLevel(logging.WARNING)  # this process's own access lines
    warnings.filterwarnings("ignore", message="No directory at")  # STATIC_ROOT: no static file is timed
    from inspections.models import Ticket, Visit
    from schools.models import School
    from supervision import clock

    today = clock.today()
    log = Path(tempfile.gettempdir()) / f"bench_scale_gunicorn_{os.getpid()}.log"
    try:
        picked = pick_logins()
        process, base = start_gunicorn(env, log)
    except BaseException:
        remove_bench_logins()
        raise
    users, county = picked["users"], picked["county"]
    rows, jobs = [], []
    try:
        sessions = {key: login(base, user) for key, user in users.items()}
        print(f"gunicorn {base} (log {log}); county {county.name}: director {users['director'].username}, "
              f"supervisor of every zone {users['sup_all'].username}, lead {users['sup_one'].username}, "
              f"school contact {SCHOOL_LOGIN} of {picked['school'].name}")
        print(f"\n{'page':<58} {'login':<9} {'median':>9} {'p95':>9} {'ratio':>6} {'size':>9} {'queries':>7}")
        for label, who, path, goal in pages(picked, today):
            if args.only and args.only not in label:
                continue
            first = sessions[who].get(base + path, allow_redirects=False)
            if first.is_redirect and first.headers["Location"].startswith("/"):  # a role's home: "/" leads there
                path = first.headers["Location"]
                label = f"{label} (→ {path})"
            try:
                result = time_page(sessions[who], base, path, args.runs)
            except PageFailed as exc:
                rows.append({"what": label, "login": users[who].username, "url": path, "goal": goal, "failed": str(exc)})
                print(f"{label:<58} {users[who].username:<9} FAILED: {exc}", flush=True)
                continue
            result.update(what=label, login=users[who].username, url=path, goal=goal,
                          queries=count_queries(users[who], path) if result["runs"] == args.runs else None)
            rows.append(result)
            print(f"{label:<58} {users[who].username:<9} {result['median_ms']:>7.0f}ms {result['p95_ms']:>7.0f}ms "
                  f"{result['ratio']:>6.1f} {fmt_kb(result['bytes']):>9} {result['queries'] if result['queries'] is not None else '–':>7}",
                  flush=True)
        rss_pages = max(peak_rss_mb(pid) for pid in worker_pids(process.pid))
        print(f"\npeak RSS of a gunicorn worker after the pages: {rss_pages} MB")
        rss_export = rss_pages
        if not args.no_jobs:
            for fn in (lambda: job_ledger_excel(sessions["director"], base, process.pid, args.job_runs),
                       lambda: job_rollup(users["director"], county, today, args.job_runs),
                       lambda: job_annual_pdf(users["director"], county, today, args.job_runs),
                       lambda: job_roster_import(county, today, args.job_runs)):
                try:
                    job = fn()
                except Exception as exc:  # noqa: BLE001 — reported in the table, the other jobs still run
                    print(f"job FAILED: {type(exc).__name__}: {str(exc)[:300]}", flush=True)
                    continue
                jobs.append(job)
                ratio = f"{job['ratio']:.2f}× {job['raw']}" if job["ratio"] else ""
                print(f"{job['what']:<72} {job['median_s']:>6.2f} s  p95 {job['p95_s']:.2f} s  {ratio}", flush=True)
            rss_export = max([rss_pages] + [j.get("worker_peak_rss_mb", 0) for j in jobs])
    finally:
        process.terminate()
        process.wait(timeout=30)
        remove_bench_logins()
    timed_rows = [r for r in rows if "failed" not in r]
    ref = statistics.median([r["ref_ms"] for r in timed_rows]) if timed_rows else 0
    meta = {
        "when": clock.now().strftime("%Y-%m-%d %H:%M %Z"), "db": args.db, "schools": School.objects.count(),
        "visits": Visit.objects.count(), "tickets": Ticket.objects.count(), "county": county.name,
        "county_schools": School.objects.filter(office=county).count(), "runs": args.runs,
        "load_start": load_start, "load_end": os.getloadavg()[0], "ref_ms": ref,
        "rss_pages_mb": rss_pages, "rss_export_mb": rss_export, "seconds": time.perf_counter() - started,
    }
    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    text = markdown(meta, rows, jobs)
    (out / "scale.md").write_text(text)
    (out / "scale.json").write_text(json.dumps({"meta": meta, "pages": rows, "jobs": jobs}, ensure_ascii=False, indent=2))
    print("\n" + text)
    print("written to benchmarks/results/scale.md and scale.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
