"""Benchmark: the supervisor home and the coverage page with 1,000 schools and a year of visits.

    .venv/bin/python benchmarks/monthly_loop.py [--schools 1000] [--runs 15]

Builds a throwaway database (never the dev data): a SQLite file in the system temp directory, or,
when DATABASE_URL points at PostgreSQL, a database named ``bench_monthly_loop`` on that server
(dropped and re-created). Fills it with bulk_create, then requests each page with Django's test
client (DEBUG off, in-process: the figure is server time without the network) and prints the
median and the slowest of N runs, with the number of SQL queries. Goal (issue 3): each page under
150 ms, and the same number of queries whatever the number of schools.
"""
from __future__ import annotations

import argparse
import calendar
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import harness  # noqa: E402

GOAL_MS = 150.0
SCHOOLS_PER_ZONE = 20


def configure_database(*, reuse: bool, name: str = "monthly_loop") -> str:
    """Point Django at an isolated benchmark database (``bench_`` + ``name``; see harness.py)."""
    return harness.configure_database(reuse=reuse, name=name)


def build(n_schools: int, today: dt.date, rng: random.Random) -> dict:
    """One county office with zones of 20 schools, one supervisor each, and twelve months of
    visits (submitted checklists, some problems, re-checks the following month).

    On the dated roster: every school is in the roster (a ``SchoolMembership`` in its zone) and
    every supervisor in their zones (``ZoneAssignment``) from 1 January of the data's first year;
    each visit and problem carries the zone of its day, each monthly summary its submission day."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from inspections.plans import services
    from inspections.models.choices import Audience, ChecklistStatus, Conclusion, RecheckResult
    from inspections.coverage.views import shift_month
    from inspections.models import (
        Checklist,
        ChecklistAnswer,
        MonthlySummary,
        PlanMonth,
        Problem,
        Recheck,
        TemplateItem,
        Visit,
    )
    from schools.choices import Location, SchoolKind
    from schools.models import School, SchoolMembership
    from supervision.choices import OfficeLevel, Role
    from supervision.models import Office, Supervisor, Zone, ZoneAssignment
    from supervision.services import role_grant

    User = get_user_model()
    province = Office.objects.create(name="东江省人民政府教育督导室", level=OfficeLevel.PROVINCE, division_code="990000")
    city = Office.objects.create(name="临川市人民政府教育督导室", level=OfficeLevel.CITY, parent=province, division_code="990500")
    county = Office.objects.create(name="柳溪县人民政府教育督导室", level=OfficeLevel.COUNTY, parent=city, division_code="990524")
    n_zones = max(1, n_schools // SCHOOLS_PER_ZONE)
    months = [shift_month(today.year, today.month, -k) for k in range(11, -1, -1)]
    start = dt.date(months[0][0], 1, 1)  # the roster's first day: 1 January of the data's first year
    zones = Zone.objects.bulk_create(
        Zone(office=county, name=f"第{z + 1}责任区", category="urban_schools") for z in range(n_zones)
    )
    users = User.objects.bulk_create(
        User(username=f"sup{z + 1}", first_name=f"督学{z + 1}", password="!") for z in range(n_zones + 1)
    )
    group, _ = Group.objects.get_or_create(name=Role.SUPERVISOR)
    User.groups.through.objects.bulk_create(User.groups.through(user=u, group=group) for u in users)
    supervisors = Supervisor.objects.bulk_create(
        Supervisor(user=u, office=county, name=u.first_name, phone=f"139{n:08d}") for n, u in enumerate(users)
    )
    heavy = supervisors[-1]  # assigned to every zone: the worst case for the home page
    ZoneAssignment.objects.bulk_create(
        [ZoneAssignment(zone=z, supervisor=supervisors[n], is_lead=True, valid_from=start) for n, z in enumerate(zones)]
        + [ZoneAssignment(zone=z, supervisor=heavy, valid_from=start) for z in zones]
    )
    kinds = [SchoolKind.PRIMARY] * 10 + [SchoolKind.JUNIOR] * 4 + [SchoolKind.NINE_YEAR] * 2 + [SchoolKind.KINDERGARTEN] * 4
    schools = School.objects.bulk_create(
        School(
            office=county, code=f"{4100000000 + i:010d}",
            name=f"柳溪县第{i + 1}学校", kind=kinds[i % len(kinds)], location=Location.URBAN,
        )
        for i in range(n_schools)
    )
    zone_of = {s.pk: zones[i // SCHOOLS_PER_ZONE % n_zones] for i, s in enumerate(schools)}
    SchoolMembership.objects.bulk_create(
        (SchoolMembership(school=s, office=county, zone=zone_of[s.pk], valid_from=start) for s in schools),
        batch_size=2000,
    )
    director = User.objects.create(username="director", first_name="主任", password="!")
    role_grant(user=director, role=Role.DIRECTOR, office=county)
    viewer = User.objects.create(username="city", first_name="市督导室", password="!")
    role_grant(user=viewer, role=Role.VIEWER, office=city)

    templates, plan_months = {}, {}
    for year in sorted({y for y, _ in months}):
        plan = services.plan_create(office=county, year=year)
        entries = list(plan.months.all())
        for pm in entries:
            pm.school_focus, pm.kindergarten_focus = "校园及周边安全;食品卫生", "杜绝小学化倾向"
            pm.school_item_codes, pm.kindergarten_item_codes = ["S6", "S7"], ["K2"]
            plan_months[(year, pm.month)] = pm
        PlanMonth.objects.bulk_update(
            entries, ["school_focus", "kindergarten_focus", "school_item_codes", "kindergarten_item_codes"]
        )
        for audience in Audience.values:
            template = services.template_ensure(office=county, year=year, audience=audience)
            templates[(year, audience)] = (template, list(TemplateItem.objects.filter(template=template)))

    # Visits: most schools once a month; this month only up to today, and a few left as drafts.
    plan_visits = []
    for year, month in months:
        current = (year, month) == (today.year, today.month)
        last_day = today.day if current else calendar.monthrange(year, month)[1]
        share = 0.55 if current else 0.93
        for i, school in enumerate(schools):
            if rng.random() < share:
                day = rng.randint(1, last_day)
                draft = current and rng.random() < 0.05
                plan_visits.append((school, supervisors[i // SCHOOLS_PER_ZONE % n_zones], dt.date(year, month, day), draft))
    visits = Visit.objects.bulk_create(
        (Visit(office=county, school=s, zone=zone_of[s.pk], date=d, created_by=sup, methods=["campus_walk", "file_review"])
         for s, sup, d, _ in plan_visits),
        batch_size=2000,
    )
    through = Visit.supervisors.through
    through.objects.bulk_create(
        (through(visit=v, supervisor=sup) for v, (_, sup, _, _) in zip(visits, plan_visits)), batch_size=5000
    )
    now = dt.datetime.now(dt.timezone.utc)
    checklists = Checklist.objects.bulk_create(
        (
            Checklist(
                visit=v, template=templates[(d.year, _audience(s))][0], template_version=1,
                plan_month=plan_months.get((d.year, d.month)),
                status=ChecklistStatus.DRAFT if draft else ChecklistStatus.SUBMITTED,
                submitted_at=None if draft else now, submitted_by=None if draft else sup.user,
            )
            for v, (s, sup, d, draft) in zip(visits, plan_visits)
        ),
        batch_size=2000,
    )
    answers, problem_slots = [], []
    for checklist, (school, sup, date, draft) in zip(checklists, plan_visits):
        for n, item in enumerate(templates[(date.year, _audience(school))][1], start=1):
            problem = rng.random() < 0.03
            answers.append(ChecklistAnswer(
                checklist=checklist, position=n, code=item.code, title=item.title, guidance=item.guidance,
                sub_points=item.sub_points, conclusion=Conclusion.PROBLEM if problem else Conclusion.OK,
            ))
            if problem:
                problem_slots.append((len(answers) - 1, checklist, school, sup, date))
    answers = ChecklistAnswer.objects.bulk_create(answers, batch_size=5000)
    problems = Problem.objects.bulk_create(
        (
            Problem(
                office=county, school=school, zone=zone_of[school.pk], visit=checklist.visit, answer=answers[index],
                item_code=answers[index].code,
                item_title=answers[index].title, description="发现问题,需整改", opinion="限期一个月整改到位",
                deadline=date + dt.timedelta(days=30), found_on=date, created_by=sup.user,
            )
            for index, checklist, school, sup, date in problem_slots
        ),
        batch_size=2000,
    )
    rechecks = [
        Recheck(problem=p, date=min(p.found_on + dt.timedelta(days=rng.randint(20, 40)), today),
                result=RecheckResult.RECTIFIED if rng.random() < 0.8 else RecheckResult.NOT_RECTIFIED, by=sup.user)
        for p, (_, _, _, sup, _) in zip(problems, problem_slots)
        if rng.random() < 0.7
    ]
    Recheck.objects.bulk_create(rechecks, batch_size=2000)
    MonthlySummary.objects.bulk_create(
        (
            MonthlySummary(supervisor=sup, year=y, month=m, text="本月完成责任区学校全覆盖督导。",
                           figures={"visits": SCHOOLS_PER_ZONE}, submitted_at=now,
                           submitted_on=dt.date(y, m, calendar.monthrange(y, m)[1]))
            for y, m in months[:-1]
            for sup in supervisors[:-1]
        ),
        batch_size=2000,
    )
    return {
        "schools": len(schools), "zones": len(zones), "supervisors": len(supervisors), "visits": len(visits),
        "answers": len(answers), "problems": len(problems), "rechecks": len(rechecks),
        "users": {"typical": supervisors[0].user, "heavy": heavy.user, "director": director, "city": viewer},
        "zone": zones[0],
    }


def existing() -> dict:
    """The figures and users of a database built by an earlier run (--reuse)."""
    from django.contrib.auth import get_user_model

    from inspections.models import ChecklistAnswer, Problem, Recheck, Visit
    from schools.models import School
    from supervision.models import Supervisor, Zone

    users = get_user_model().objects.in_bulk(["sup1", f"sup{Supervisor.objects.count()}", "director", "city"], field_name="username")
    heavy = max((u for u in users if u.startswith("sup")), key=lambda u: int(u[3:]))
    return {
        "schools": School.objects.count(), "zones": Zone.objects.count(), "supervisors": Supervisor.objects.count(),
        "visits": Visit.objects.count(), "answers": ChecklistAnswer.objects.count(), "problems": Problem.objects.count(),
        "rechecks": Recheck.objects.count(),
        "users": {"typical": users["sup1"], "heavy": users[heavy], "director": users["director"], "city": users["city"]},
        "zone": Zone.objects.order_by("pk").first(),
    }


def _audience(school) -> str:
    from inspections.plans.services import audience_of

    return audience_of(school)


measure = harness.measure  # interleaved with the reference request; see harness.py


def verify(data: dict, today: dt.date) -> dict:
    """The pages count what was built: coverage of this month and last month for the director has
    every school, and as many visited as schools with a submitted routine visit that month."""
    from inspections.models.choices import ChecklistStatus, VisitKind
    from inspections.models import Visit
    from inspections.coverage.selectors import RosterScope, coverage_for_month

    scope = RosterScope.of(data["users"]["director"])
    previous = today.replace(day=1) - dt.timedelta(days=1)
    seen = {}
    for label, day in (("this month", today), ("last month", previous)):
        coverage = coverage_for_month(scope=scope, year=day.year, month=day.month, today=today)
        visited = (
            Visit.objects.filter(date__year=day.year, date__month=day.month, kind=VisitKind.ROUTINE,
                                 checklist__status=ChecklistStatus.SUBMITTED)
            .values("school").distinct().count()
        )
        assert coverage.total == data["schools"], (label, coverage.total, data["schools"])
        assert coverage.visited == visited > 0, (label, coverage.visited, visited)
        assert len(coverage.zones) == data["zones"], (label, len(coverage.zones), data["zones"])
        seen[label] = {"schools": coverage.total, "visited": coverage.visited, "zones": len(coverage.zones)}
    print("coverage checked: " + "; ".join(
        f"{label} {v['visited']} of {v['schools']} schools visited in {v['zones']} zones" for label, v in seen.items()
    ))
    return seen


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--reuse", action="store_true", help="time the database the last run built, without rebuilding")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    database = configure_database(reuse=args.reuse)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from supervision import clock

    print(f"database: {connection.vendor} ({database.split('@')[-1]})")
    started = time.perf_counter()
    today = clock.today()
    if args.reuse:
        data = existing()
    else:
        call_command("migrate", verbosity=0)
        data = build(args.schools, today, random.Random(args.seed))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh tables: give the planner its statistics, as a live database has
    print(
        "built in {:.0f} s: {schools} schools, {zones} zones, {supervisors} supervisors, {visits} visits "
        "({answers} checklist items), {problems} problems, {rechecks} re-checks".format(
            time.perf_counter() - started, **data
        )
    )
    checked = verify(data, today)
    users, zone = data["users"], data["zone"]
    previous = (today.replace(day=1) - dt.timedelta(days=1))
    coverage = reverse("inspections:coverage")
    pages = [
        ("supervisor home, 1 zone (20 schools)", users["typical"], reverse("supervisor_home")),
        (f"supervisor home, every zone ({data['schools']} schools)", users["heavy"], reverse("supervisor_home")),
        (f"coverage, director, this month ({data['schools']} schools)", users["director"], coverage),
        (f"coverage, director, last month ({data['schools']} schools)", users["director"],
         f"{coverage}?year={previous.year}&month={previous.month}"),
        ("coverage, director, one zone (20 schools)", users["director"], f"{coverage}?zone={zone.pk}"),
        (f"coverage, city viewer ({data['schools']} schools)", users["city"], coverage),
    ]
    client = Client()
    results = []
    print("\n" + harness.header(width=50))
    for label, user, url in pages:
        result = measure(client, user, url, args.runs)
        results.append({"page": label, "url": url, **result})
        flag = "" if result["median_ms"] < GOAL_MS else "  over the 150 ms goal"
        print(harness.fmt_row(label, result, width=50) + flag)
    print(f"reference (login page, interleaved): median {statistics.median(r['ref_median_ms'] for r in results):.1f} ms; "
          "ratio = page median / reference median in the same loop")
    load = os.getloadavg()[0]
    print(f"\nload average during the run: {load:.1f} on {os.cpu_count()} CPUs (other work on the machine slows the wall time)")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    report = {"date": today.isoformat(), "database": connection.vendor, "runs": args.runs, "load": round(load, 1),
              **{k: v for k, v in data.items() if isinstance(v, int)}, "checked": checked, "pages": results}
    (out / "monthly_loop.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    print(f"\nmedian of {args.runs} runs, server time in-process; written to benchmarks/results/monthly_loop.json")
    return 0 if all(r["median_ms"] < GOAL_MS for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
