"""Benchmark: the ledger (台账), 回头看, the ticket workspace and the ledger's Excel export with 100 and
then 100,000 rectification tickets.

    .venv/bin/python benchmarks/ledger.py [--tickets 100000] [--runs 11]

Builds a throwaway database (never the dev data) as benchmarks/monthly_loop.py does: a SQLite file
``bench_ledger.sqlite3`` in the system temp directory, or, when DATABASE_URL points at
PostgreSQL, a database ``bench_ledger`` on that server (dropped and re-created). One
county with 1,000 schools in 50 zones; first 100 tickets, then up to ``--tickets``, made with
bulk_create. At each size it requests every page with Django's test client (in-process, DEBUG off)
and prints the median time and the number of SQL queries, which must not grow with the data. The
export of every ticket runs in a child process, which reports its wall time, its peak resident
memory (ru_maxrss) and, in a second child, the peak of Python allocations (tracemalloc). Goal
(issue 4): constant queries; the 100,000-row export under 200 MB peak.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import harness  # noqa: E402
from monthly_loop import configure_database, measure  # noqa: E402

DB_NAME = "ledger"
SCHOOLS, SCHOOLS_PER_ZONE = 1000, 20
MEMORY_GOAL_MB = 200
PROBLEMS = [
    "消防通道堆放杂物,疏散指示标志损坏", "食堂食品留样记录不全,部分餐次未留样", "门卫来访登记不规范,未核验身份",
    "课后服务未按规定公示收费标准", "作业公示制度未落实,个别班级作业总量超标", "体育课被其他学科占用",
    "校舍安全隐患排查台账缺少整改记录", "宿舍管理员夜间值守记录缺失", "饮水设备滤芯超期未更换",
    "教师有偿补课排查材料不全", "幼儿园一日活动安排存在小学化倾向", "晨午检记录不完整",
    "校车驾驶员资格审验材料缺失", "实验室危化品管理台账不规范", "心理健康教育课时不足",
]
OPINIONS = [
    "立即清理,完善制度并指定专人负责", "限期补齐记录,加强日常检查", "按规定整改到位并提交整改报告",
    "召开专题会议研究整改措施", "建立长效机制,防止问题反弹",
]


def build_county(today: dt.date, rng: random.Random) -> dict:
    """The county: schools and zones with their supervisors, a director, and one submitted visit
    per school whose checklist items carry the problems."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from inspections.plans import services
    from inspections.models.choices import Audience, ChecklistStatus, Conclusion
    from inspections.models import Checklist, ChecklistAnswer, TemplateItem, Visit
    from schools.choices import SchoolKind
    from schools.models import School, SchoolMembership
    from supervision.choices import OfficeLevel, Role
    from supervision.models import Office, Supervisor, Zone, ZoneAssignment
    from supervision.services import role_grant

    User = get_user_model()
    city = Office.objects.create(name="临川市人民政府教育督导室", level=OfficeLevel.CITY, division_code="990500")
    county = Office.objects.create(name="柳溪县人民政府教育督导室", level=OfficeLevel.COUNTY, parent=city, division_code="990524")
    n_zones = SCHOOLS // SCHOOLS_PER_ZONE
    # The roster from 1 January of the year of the oldest problem (found up to 730 days ago).
    start = dt.date((today - dt.timedelta(days=730)).year, 1, 1)
    zones = Zone.objects.bulk_create(
        Zone(office=county, name=f"第{z + 1:02d}责任区", category="urban_schools") for z in range(n_zones)
    )
    users = User.objects.bulk_create(User(username=f"sup{z + 1}", first_name=f"督学{z + 1}", password="!") for z in range(n_zones))
    group, _ = Group.objects.get_or_create(name=Role.SUPERVISOR)
    User.groups.through.objects.bulk_create(User.groups.through(user=u, group=group) for u in users)
    supervisors = Supervisor.objects.bulk_create(
        Supervisor(user=u, office=county, name=u.first_name, phone=f"139{n:08d}") for n, u in enumerate(users)
    )
    ZoneAssignment.objects.bulk_create(
        ZoneAssignment(zone=z, supervisor=s, is_lead=True, valid_from=start) for z, s in zip(zones, supervisors)
    )
    kinds = [SchoolKind.PRIMARY] * 10 + [SchoolKind.JUNIOR] * 4 + [SchoolKind.NINE_YEAR] * 2 + [SchoolKind.KINDERGARTEN] * 4
    schools = School.objects.bulk_create(
        School(office=county, code=f"{4100000000 + i:010d}", name=f"柳溪县第{i + 1}学校", kind=kinds[i % len(kinds)])
        for i in range(SCHOOLS)
    )
    zone_of = {s.pk: zones[i // SCHOOLS_PER_ZONE] for i, s in enumerate(schools)}
    SchoolMembership.objects.bulk_create(
        SchoolMembership(school=s, office=county, zone=zone_of[s.pk], valid_from=start) for s in schools
    )
    director = User.objects.create(username="director", first_name="主任", password="!")
    role_grant(user=director, role=Role.DIRECTOR, office=county)
    school_user = User.objects.create(username="school1", first_name="第一学校", password="!")
    role_grant(user=school_user, role=Role.SCHOOL_USER, school=schools[0])

    templates = {}
    for audience in Audience.values:
        template = services.template_ensure(office=county, year=today.year, audience=audience)
        templates[audience] = (template, list(TemplateItem.objects.filter(template=template).order_by("position")))
    visits = Visit.objects.bulk_create(
        Visit(office=county, school=s, zone=zone_of[s.pk], date=today - dt.timedelta(days=700),
              created_by=supervisors[i // SCHOOLS_PER_ZONE])
        for i, s in enumerate(schools)
    )
    now = dt.datetime.now(dt.timezone.utc)
    checklists = Checklist.objects.bulk_create(
        Checklist(visit=v, template=templates[services.audience_of(s)][0], template_version=1,
                  status=ChecklistStatus.SUBMITTED, submitted_at=now, submitted_by=director)
        for v, s in zip(visits, schools)
    )
    answers = ChecklistAnswer.objects.bulk_create(
        (
            ChecklistAnswer(checklist=c, position=n, code=item.code, title=item.title, conclusion=Conclusion.PROBLEM)
            for c, s in zip(checklists, schools)
            for n, item in enumerate(templates[services.audience_of(s)][1], start=1)
        ),
        batch_size=5000,
    )
    by_school: dict[int, list] = {}
    for answer in answers:
        visit = answer.checklist.visit
        by_school.setdefault(visit.school_id, []).append((visit, answer))
    return {
        "county": county, "schools": schools, "slots": by_school, "director": director,
        "supervisor": supervisors[0].user, "school_user": school_user, "zone": zones[0], "author": director,
        "zone_of": {pk: zone.pk for pk, zone in zone_of.items()},
    }


def add_tickets(county: dict, count: int, start: int, today: dt.date, rng: random.Random) -> None:
    """``count`` problems with their tickets, found over the last two years: older ones mostly
    closed (some late), recent ones open, in progress or reported."""
    from django.utils import timezone

    from inspections.models.choices import Severity, TicketStatus
    from inspections.models import Problem, Ticket
    from supervision import clock

    shanghai = timezone.get_default_timezone()
    schools, slots = county["schools"], county["slots"]
    for offset in range(0, count, 5000):
        batch = range(start + offset, start + min(offset + 5000, count))
        problems, plans = [], []
        for n in batch:
            # The school user's school gets the first tickets, so its workspace is never empty.
            school = schools[0] if n < 3 else schools[rng.randrange(len(schools))]
            visit, answer = rng.choice(slots[school.pk])
            found = today - dt.timedelta(days=rng.randrange(730))
            deadline = found + dt.timedelta(days=rng.choice((15, 30, 30, 60)))
            problems.append(Problem(
                office=county["county"], school=school, zone_id=county["zone_of"][school.pk], visit=visit, answer=answer,
                item_code=answer.code,
                item_title=answer.title, description=f"{rng.choice(PROBLEMS)}(第{n + 1}号)",
                severity=rng.choice((Severity.MINOR,) * 6 + (Severity.MAJOR,) * 3 + (Severity.SEVERE,)),
                # Recorded by the supervisor who made the visit (not the director: "own work" is read from it).
                opinion=rng.choice(OPINIONS), deadline=deadline, found_on=found, created_by=visit.created_by.user,
            ))
            age = (today - found).days
            if rng.random() < (0.9 if age > 90 else 0.35):
                closed = found + dt.timedelta(days=rng.randint(5, 75), hours=rng.randint(8, 18))
                closed = min(dt.datetime.combine(closed, dt.time(), tzinfo=shanghai), timezone.now())
                plans.append((TicketStatus.CLOSED, closed))  # 销号 on that day: closed_on below
            else:
                plans.append((rng.choice((TicketStatus.OPEN, TicketStatus.IN_PROGRESS, TicketStatus.SUBMITTED)), None))
        problems = Problem.objects.bulk_create(problems, batch_size=2500)
        Ticket.objects.bulk_create(
            (
                Ticket(problem=p, office=p.office, school=p.school, status=status, deadline=p.deadline,
                       opened_on=p.found_on, closed_on=clock.date_of(closed) if closed else None, closed_at=closed,
                       closed_by=county["author"] if closed else None)
                for p, (status, closed) in zip(problems, plans)
            ),
            batch_size=2500,
        )


def export_probe(url: str, trace: bool) -> None:
    """Child process: request the export once and print time, bytes, rows and memory as JSON."""
    import django

    django.setup()
    import tracemalloc

    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username="director"))
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    size = 0
    with tempfile.TemporaryFile() as out:
        for chunk in response.streaming_content:
            size += len(chunk)
            out.write(chunk)
        response.close()
        seconds = time.perf_counter() - started
        traced = tracemalloc.get_traced_memory()[1] / 2**20 if trace else None
        rows = None
        if not trace:
            from openpyxl import load_workbook

            out.seek(0)
            # A write-only sheet records no dimension: count the rows below the title and header.
            rows = sum(1 for _ in load_workbook(out, read_only=True).active.iter_rows(min_row=4, values_only=True))
    print(json.dumps({
        "seconds": round(seconds, 1), "bytes": size, "rows": rows, "baseline_rss_mb": round(baseline, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "tracemalloc_peak_mb": round(traced, 1) if traced is not None else None,
    }))


def run_export(url: str, *, trace: bool) -> dict:
    command = [sys.executable, __file__, "--export-probe", url] + (["--trace"] if trace else [])
    done = subprocess.run(command, capture_output=True, text=True, env=os.environ.copy(), check=False)
    if done.returncode:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def verify(county: dict, size: int, today: dt.date) -> dict:
    """The ledger counts what was built: the director's ledger holds every ticket."""
    from inspections.tickets.rules import counted_tickets
    from supervision import access

    ledger = access.tickets_in_ledger(access.scope_of(county["director"])).count()
    counted = counted_tickets().count()
    assert ledger == counted == size, (ledger, counted, size)
    print(f"ledger checked: {ledger} tickets in the director's ledger")
    return {"ledger": ledger}


def pages(county: dict) -> list[tuple[str, object, str]]:
    from django.urls import NoReverseMatch, reverse

    ledger, lookback = reverse("inspections:ledger"), reverse("inspections:lookback")
    zone = county["zone"].pk
    timed = [
        ("ledger, director, everything", county["director"], ledger),
        ("ledger, director, page 20", county["director"], f"{ledger}?page=20"),
        ("ledger, director, one zone + overdue", county["director"], f"{ledger}?zone={zone}&overdue=true"),
        ("ledger, director, search '留样'", county["director"], f"{ledger}?q=%E7%95%99%E6%A0%B7"),
        ("ledger, supervisor of one zone", county["supervisor"], ledger),
        ("回头看, director, last year", county["director"], lookback),
    ]
    try:
        workspace = reverse("inspections:ticket_list")
    except NoReverseMatch:  # the school workspace is another page; timed once it exists
        return timed
    return timed + [
        ("workspace, school user", county["school_user"], workspace),
        ("workspace, supervisor", county["supervisor"], workspace),
        ("workspace, director", county["director"], workspace),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--export-probe", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.export_probe:
        export_probe(args.export_probe, args.trace)
        return 0

    database = configure_database(reuse=False, name=DB_NAME)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from supervision import clock

    print(f"database: {connection.vendor} ({database.split('@')[-1]})")
    rng, today = random.Random(args.seed), clock.today()
    call_command("migrate", verbosity=0)
    county = build_county(today, rng)
    client, results, made, checked = Client(), {}, 0, {}
    for size in (100, args.tickets):
        started = time.perf_counter()
        add_tickets(county, size - made, made, today, rng)
        made = size
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"\n{size:,} tickets (built in {time.perf_counter() - started:.0f} s)")
        checked[size] = verify(county, size, today)
        print(harness.header(width=42))
        for label, user, url in pages(county):
            result = measure(client, user, url, args.runs)
            results.setdefault(label, {})[size] = result
            print(harness.fmt_row(label, result, width=42))
    varying = [label for label, by_size in results.items() if len({r["queries"] for r in by_size.values()}) > 1]
    constant = not varying
    print(f"\nsame number of queries at 100 and {args.tickets:,} tickets: {'yes' if constant else 'NO: ' + ', '.join(varying)}")

    url = reverse("inspections:ledger_export")
    export = run_export(url, trace=False)
    traced = run_export(url, trace=True)
    print(
        f"\nExcel export of {export['rows']:,} rows: {export['seconds']} s, {export['bytes'] / 2**20:.1f} MB file; "
        f"peak RSS {export['peak_rss_mb']} MB (the process before the export: {export['baseline_rss_mb']} MB); "
        f"tracemalloc peak {traced['tracemalloc_peak_mb']} MB (that run: {traced['seconds']} s)"
    )
    within = export["peak_rss_mb"] < MEMORY_GOAL_MB
    print(f"under the {MEMORY_GOAL_MB} MB goal: {'yes' if within else 'NO'}")
    load = os.getloadavg()[0]
    print(f"load average during the run: {load:.1f} on {os.cpu_count()} CPUs")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    report = {"date": today.isoformat(), "database": connection.vendor, "runs": args.runs, "load": round(load, 1),
              "tickets": args.tickets, "checked": checked, "pages": results, "export": export, "export_traced": traced}
    (out / f"ledger_{connection.vendor}.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    print(f"written to benchmarks/results/ledger_{connection.vendor}.json")
    return 0 if constant and within and export["rows"] == args.tickets else 1


if __name__ == "__main__":
    sys.exit(main())
