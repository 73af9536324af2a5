"""Benchmark: the monthly zone report (责任督学挂牌督导问题管理月报表) — building a zone's draft and
producing its .xlsx through the report-job registry, with 1,000 schools and a year of visits.

    .venv/bin/python benchmarks/monthly_report.py [--schools 1000] [--runs 11]

Uses the same isolated database and data as ``benchmarks/monthly_loop.py`` (a SQLite file in the
system temp directory, or a database ``bench_monthly_report`` when DATABASE_URL points
at PostgreSQL), then gives the visits and problems their zone (``Visit.zone``), opens a ticket with
its history for every problem and closes a third of them, and makes one zone five times the usual
size (100 schools). Times, for last month: building the draft (``zone_monthly_report_build``),
rendering the workbook, and the whole job (``job_start`` + ``job_run``: render and store the file)
for a usual zone and the large one, and the office roll-up of every zone. Goal (issue 5): a zone's
report .xlsx under 1 s.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import harness  # noqa: E402
from monthly_loop import build, configure_database  # noqa: E402  (the same data as the monthly-loop benchmark)

GOAL_MS = 1000.0
LARGE_ZONE_FACTOR = 5


def prepare(today: dt.date) -> dict:
    """Tickets with their history (each event on the day it happened), and one zone of 100 schools:
    the schools of four more zones are in it from the roster's first day (their memberships, and the
    zone of the day on their visits and problems)."""
    from django.utils import timezone

    from inspections.models.choices import TicketAction, TicketStatus
    from inspections.models import Problem, Ticket, TicketEvent, Visit
    from schools.models import SchoolMembership
    from supervision.models import Zone

    zones = list(Zone.objects.order_by("pk"))
    large, merged = zones[-1], zones[-LARGE_ZONE_FACTOR:-1]
    SchoolMembership.objects.filter(zone__in=merged).update(zone=large)
    Visit.objects.filter(zone__in=merged).update(zone=large)
    Problem.objects.filter(zone__in=merged).update(zone=large)
    problems = list(Problem.objects.values_list("pk", "office_id", "school_id", "found_on", "deadline", "created_by_id"))
    tickets = Ticket.objects.bulk_create(
        (Ticket(problem_id=pk, office_id=office, school_id=school, deadline=deadline, opened_on=found)
         for pk, office, school, found, deadline, _by in problems),
        batch_size=2000,
    )
    # Every ticket opened on the day its problem was found; a third closed (销号) 20 days later.
    events, closed = [], []
    for ticket, (_pk, _o, _s, found, _d, by) in zip(tickets, problems):
        opened = timezone.make_aware(dt.datetime.combine(found, dt.time(17)))
        events.append((TicketEvent(ticket=ticket, action=TicketAction.CREATED, to_status=TicketStatus.OPEN, actor_id=by,
                                   occurred_on=found), opened))
        if ticket.pk % 3 == 0:
            event = TicketEvent(ticket=ticket, action=TicketAction.CLOSED, from_status=TicketStatus.OPEN,
                                to_status=TicketStatus.CLOSED, actor_id=by, occurred_on=found + dt.timedelta(days=20))
            events.append((event, opened + dt.timedelta(days=20)))
            closed.append((ticket.pk, found + dt.timedelta(days=20), opened + dt.timedelta(days=20)))
    created = TicketEvent.objects.bulk_create([e for e, _at in events], batch_size=5000)
    # ``at`` is auto_now_add (set to now on create): put the history back on its days.
    for event, (_e, when) in zip(created, events):
        event.at = when
    TicketEvent.objects.bulk_update(created, ["at"], batch_size=5000)
    Ticket.objects.bulk_update(
        [Ticket(pk=pk, status=TicketStatus.CLOSED, closed_on=day, closed_at=at) for pk, day, at in closed],
        ["status", "closed_on", "closed_at"], batch_size=2000,
    )
    return {"usual": zones[0], "large": large, "tickets": len(tickets), "closed": len(closed), "zones": len(zones) - len(merged)}


timed = harness.timed  # interleaved with the reference request; keeps the last result


def verify(report, schools: int) -> dict:
    """A zone's draft counts its schools and last month's visits of that zone."""
    from inspections.visits.selectors import counted_visits

    totals = report.data["totals"]
    visits = counted_visits().filter(zone=report.zone, date__year=report.year, date__month=report.month).count()
    assert totals["schools"] == schools, (report.zone.name, totals["schools"], schools)
    assert totals["visits"] == visits > 0, (report.zone.name, totals["visits"], visits)
    return {k: totals[k] for k in ("schools", "visits", "problems") if k in totals}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    database = configure_database(reuse=False, name="monthly_report")
    os.environ["MEDIA_ROOT"] = str(Path(os.environ.get("TMPDIR", "/tmp")) / f"{harness.database_name('monthly_report')}_media")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from reports.models import Job
    from reports.monthly import excel, jobs, services
    from reports.monthly.models import ZoneMonthlyReport
    from reports.services import job_run, job_start
    from supervision.models import Office, ZoneAssignment

    print(f"database: {connection.vendor} ({database.split('@')[-1]})")
    started = time.perf_counter()
    from supervision import clock

    today = clock.today()
    call_command("migrate", verbosity=0)
    data = build(args.schools, today, random.Random(args.seed))
    extra = prepare(today)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"built in {time.perf_counter() - started:.0f} s: {data['schools']} schools, {extra['zones']} zones, "
          f"{data['visits']} visits, {data['problems']} problems ({extra['closed']} closed)")

    last = today.replace(day=1) - dt.timedelta(days=1)
    year, month = last.year, last.month
    office = Office.objects.get(pk=extra["usual"].office_id)
    director = data["users"]["director"]
    rows = []

    checked = {}

    def zone_case(label: str, zone, schools: int) -> None:
        lead = ZoneAssignment.objects.select_related("supervisor__user").get(zone=zone, is_lead=True).supervisor.user
        build_t = timed(lambda: services.zone_monthly_report_build(zone=zone, year=year, month=month), args.runs)
        report = build_t["result"]
        checked[label] = verify(report, schools)
        render_t = timed(lambda: excel.zone_workbook(ZoneMonthlyReport.objects.select_related("filed_by__supervisor").get(pk=report.pk)), args.runs)

        def job():
            Job.objects.filter(kind=jobs.ZONE_KIND).delete()  # a fresh file each run, not the one already made
            made = job_start(kind=jobs.ZONE_KIND, office=office, params={"report": report.pk}, user=lead)
            return job_run(job_id=made.pk)

        job_t = timed(job, args.runs)
        totals = report.data["totals"]
        size = len(render_t["result"])
        for what, t in (("build draft", build_t), ("render .xlsx", render_t), ("job: start + render + store", job_t)):
            rows.append({"case": f"{label}: {what}", **{k: v for k, v in t.items() if k != "result"},
                         "schools": totals["schools"], "visits": totals["visits"], "problems": totals["problems"], "xlsx_bytes": size})

    zone_case("usual zone (20 schools)", extra["usual"], 20)
    zone_case(f"large zone ({20 * LARGE_ZONE_FACTOR} schools)", extra["large"], 20 * LARGE_ZONE_FACTOR)
    print(f"zone reports checked: {checked}")

    def rollup():
        Job.objects.filter(kind=jobs.ROLLUP_KIND).delete()
        made = job_start(kind=jobs.ROLLUP_KIND, office=office, params={"year": year, "month": month}, user=director)
        return job_run(job_id=made.pk)

    rollup_t = timed(rollup, max(3, args.runs // 3))
    rows.append({"case": f"office roll-up job ({extra['zones']} zones, {data['schools']} schools)",
                 **{k: v for k, v in rollup_t.items() if k != "result"}})

    print("\n" + harness.header("case"))
    for row in rows:
        flag = "  over the 1 s goal" if "job" in row["case"] and "roll-up" not in row["case"] and row["median_ms"] >= GOAL_MS else ""
        print(harness.fmt_row(row["case"], row) + flag)
    load = os.getloadavg()[0]
    print(f"\nload average during the run: {load:.1f} on {os.cpu_count()} CPUs")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    (out / "monthly_report.json").write_text(json.dumps(
        {"date": today.isoformat(), "database": connection.vendor, "runs": args.runs, "load": round(load, 1),
         "month": f"{year}-{month:02d}", "checked": checked, "cases": rows}, ensure_ascii=False, indent=2, default=str))
    print("written to benchmarks/results/monthly_report.json")
    zone_jobs = [r for r in rows if "job:" in r["case"]]
    return 0 if all(r["median_ms"] < GOAL_MS for r in zone_jobs) else 1


if __name__ == "__main__":
    sys.exit(main())
