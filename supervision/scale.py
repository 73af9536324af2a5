"""Province-scale data (issue 14, part 1): a province of cities and counties with years of the
monthly loop, written straight into the tables for benchmarks — never for a live database.

``scale_build`` makes, from one ``random.Random(seed)`` and a fixed last day (``until``), the office
tree (province → cities → counties), zones of 10–30 schools (a few large), schools with dated
memberships (a few move zone mid-period), full- and part-time supervisors with dated zone
assignments (some zones change lead), a visit a school a month in most zone-months (some zones
missed a month) with its checklist and answers, problems per visit (many none, a few many),
tickets with their history, reports, re-checks and 销号 (a share overdue, escalations for some),
surveys with their links, zone monthly reports (some filed after the 27th), supervisors' monthly
summaries and annual summaries.

Rules kept so the product's figures count what was made: a submitted checklist is submitted on its
visit's day and counts by that day; the current month holds some drafts (and a few older ones were
abandoned) whose problems have no ticket and count nowhere; every visit and problem carries the zone
of its day from the school's membership; a ticket closes (销号) only after a rectified re-check.

Plans and checklist templates come from the services (``plan_create``, ``template_ensure``), the
county directors and higher-office viewers from ``role_grant``; everything else is written by
``BulkWriter``: COPY on PostgreSQL, batched multi-row INSERTs elsewhere, with ids given here and
the sequences set after. Behind ``manage.py generate_scale``.
"""
from __future__ import annotations

import calendar as pycalendar
import datetime as dt
import io
import json
import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from inspections.models import (
    Checklist,
    ChecklistAnswer,
    Escalation,
    MonthlySummary,
    Problem,
    Recheck,
    Ticket,
    TicketEvent,
    TicketReport,
    Visit,
)
from inspections.models.choices import (
    Audience,
    ChecklistStatus,
    Conclusion,
    EscalationLevel,
    EscalationStatus,
    RecheckResult,
    Severity,
    TicketAction,
    TicketStatus,
)
from inspections.plans import services as plan_services
from inspections.surveys.models import Question, Survey, SurveyLink
from reports.annual.models import AnnualSummary
from reports.monthly.models import ZoneMonthlyReport
from schools.choices import Location, SchoolKind
from schools.models import School, SchoolMembership
from supervision import calendar, clock
from supervision.choices import OfficeLevel, Role, SupervisorKind, ZoneCategory
from supervision.models import Office, Supervisor, Zone, ZoneAssignment
from supervision.services import role_grant

CITY_NAMES = ["临川", "青阳", "云江", "白鹭", "松岭", "安澜", "明湖", "丰源", "石桥", "长汀", "梧州", "嘉禾",
              "兰溪", "金沙", "望海", "枫林"]
COUNTY_SYLLABLES = ["柳", "溪", "平", "安", "宁", "山", "川", "河", "东", "西", "南", "北", "新", "永", "和", "泉"]
PROBLEMS = [
    "消防通道堆放杂物，疏散指示标志损坏", "食堂食品留样记录不全，部分餐次未留样", "门卫来访登记不规范，未核验身份",
    "课后服务未按规定公示收费标准", "作业公示制度未落实，个别班级作业总量超标", "体育课被其他学科占用",
    "校舍安全隐患排查台账缺少整改记录", "宿舍管理员夜间值守记录缺失", "饮水设备滤芯超期未更换",
    "晨午检记录不完整", "实验室危化品管理台账不规范", "心理健康教育课时不足",
]
OPINIONS = ["立即清理，完善制度并指定专人负责", "限期补齐记录，加强日常检查", "按规定整改到位并提交整改报告",
            "召开专题会议研究整改措施", "建立长效机制，防止问题反弹"]
QUESTIONS = [("scale", "您对学校（幼儿园）办学总体满意度如何？"), ("single", "孩子每天完成作业的时间大约是？"),
             ("scale", "您对学校食堂（伙食）满意度如何？"), ("text", "您对学校还有哪些意见和建议？")]
SEVERITIES = [Severity.MINOR] * 6 + [Severity.MAJOR] * 3 + [Severity.SEVERE]
DEADLINE_DAYS = {Severity.MINOR: 30, Severity.MAJOR: 20, Severity.SEVERE: 10}
SCHOOL_KINDS = [SchoolKind.PRIMARY] * 6 + [SchoolKind.JUNIOR] * 3 + [SchoolKind.NINE_YEAR]
ZONE_KINDS = [(ZoneCategory.URBAN_SCHOOLS, Location.URBAN)] * 4 + [(ZoneCategory.TOWNSHIP_SCHOOLS, Location.RURAL)] * 4 + [
    (ZoneCategory.PUBLIC_KINDERGARTENS, Location.TOWN)] * 2
PROVINCE_CODE = "99"  # division codes 99xxxx: no real province has them


class BulkWriter:
    """Rows for one table with ids given here: COPY on PostgreSQL, batched INSERTs elsewhere.

    Values are written as the database stores them (dates, aware datetimes, JSON as text); nothing
    goes through ``Model.save()``, so ``auto_now`` fields are given explicitly from the fixed clock."""

    def __init__(self, model, columns: list[str], batch: int = 50_000):
        self.model, self.columns, self.batch = model, ["id", *columns], batch
        self.table = model._meta.db_table
        self.column_list = ", ".join(f'"{c}"' for c in self.columns)
        self.next_id = (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        self.first_id = self.next_id
        self.rows: list[tuple] = []
        self.count = 0
        self.postgres = connection.vendor == "postgresql"
        fields = {f.column: f for f in model._meta.concrete_fields}
        self.json_columns = {i for i, c in enumerate(self.columns) if fields[c].get_internal_type() == "JSONField"}

    def add(self, *values) -> int:
        pk = self.next_id
        self.next_id += 1
        self.rows.append((pk, *values))
        if len(self.rows) >= self.batch:
            self.flush()
        return pk

    def flush(self) -> None:
        if not self.rows:
            return
        rows, self.rows = self.rows, []
        self.count += len(rows)
        if self.postgres:
            buffer = io.StringIO()
            buffer.writelines("\t".join(map(_copy_text, row)) + "\n" for row in rows)
            buffer.seek(0)
            with connection.cursor() as cursor:
                cursor.copy_expert(f'COPY "{self.table}" ({self.column_list}) FROM STDIN', buffer)
            return
        if self.json_columns:
            rows = [tuple(json.dumps(v, ensure_ascii=False) if i in self.json_columns else v for i, v in enumerate(row))
                    for row in rows]
        rows = [tuple(_sqlite_value(v) for v in row) for row in rows]
        # SQLite allows 32,766 variables a statement: one multi-row INSERT per slice.
        step = max(1, 30_000 // len(self.columns))
        with connection.cursor() as cursor:
            for start in range(0, len(rows), step):
                part = rows[start:start + step]
                marks = ", ".join(["(" + ", ".join(["%s"] * len(self.columns)) + ")"] * len(part))
                cursor.execute(f'INSERT INTO "{self.table}" ({self.column_list}) VALUES {marks}',
                               [v for row in part for v in row])

    def reset_sequence(self) -> None:
        if self.postgres and self.count:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('\"{self.table}\"', 'id'), "
                               f"(SELECT MAX(id) FROM \"{self.table}\"))")


def _copy_text(value) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False)
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _sqlite_value(value):
    """As Django's SQLite backend stores it: aware datetimes in UTC without the offset."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None).isoformat(" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return value


@dataclass
class Place:
    """A school's dated zones: ``[(zone_id, valid_from, valid_to)]``, half-open."""

    school_id: int
    office_id: int
    audience: str
    periods: list[tuple[int, dt.date, dt.date | None]] = field(default_factory=list)

    def zone_on(self, day: dt.date) -> int:
        for zone_id, start, end in self.periods:
            if start <= day and (end is None or day < end):
                return zone_id
        return self.periods[0][0]


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """An instant of a day in Asia/Shanghai (the one clock's zone)."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=clock.zone())


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """``total`` split into ``parts`` uneven shares (a big county several times a small one), each ≥ 1."""
    weights = [rng.uniform(0.4, 2.0) for _ in range(parts)]
    shares = [max(1, int(total * w / sum(weights))) for w in weights]
    shares[shares.index(max(shares))] += total - sum(shares)
    return shares


def _zone_sizes(rng: random.Random, schools: int) -> list[int]:
    """Zones of 10–30 schools, one in twenty large (40–80); the last remainder joins the previous zone."""
    sizes, left = [], schools
    while left > 0:
        size = rng.randint(40, 80) if rng.random() < 0.05 else rng.randint(10, 30)
        if left - size < 10 or not sizes and left < 10:
            size = left
        sizes.append(min(size, left))
        left -= sizes[-1]
    return sizes


def _months(until: dt.date, years: int) -> list[tuple[int, int]]:
    return [calendar.month_add(until.year, until.month, -k) for k in range(years * 12 - 1, -1, -1)]


def _problem_count(rng: random.Random, items: int) -> int:
    """Problems found on one visit: none on most, one or two on many, a handful on a few."""
    if rng.random() < 0.55:
        return 0
    return min(items, 1 + int(rng.expovariate(0.6)))


@dataclass
class ScaleResult:
    """What was written: rows per table (and a few shares), and the submitted visits of each month
    (what coverage and the dashboard must count)."""

    counts: dict[str, int]
    submitted_by_month: dict[tuple[int, int], int]


def scale_build(*, counties: int, schools: int, years: int, seed: int = 1, city_count: int | None = None,
                until: dt.date | None = None) -> ScaleResult:
    """Build the province. The database must hold no offices, schools or users (the command checks)."""
    until = until or clock.today()
    rng = random.Random(seed)
    with transaction.atomic():
        built = _Build(rng=rng, until=until, years=years)
        built.offices(counties=counties, cities=city_count or max(1, round(counties / 6)))
        built.roster(schools=schools)
        built.plans()
        built.visits()
        built.rectification()
        built.reports()
        built.surveys()
        for writer in built.writers.values():
            writer.flush()
            writer.reset_sequence()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return ScaleResult(counts=built.counts(), submitted_by_month=built.submitted_by_month)


class _Build:
    def __init__(self, *, rng: random.Random, until: dt.date, years: int):
        self.rng, self.until, self.years = rng, until, years
        self.months = _months(until, years)
        self.start = dt.date(*self.months[0], 1)  # the roster's first day
        self.calendar_years = sorted({year for year, _month in self.months})
        self.writers: dict[str, BulkWriter] = {}
        self.extra: dict[str, int] = {}

    def writer(self, model, columns: list[str]) -> BulkWriter:
        key = model._meta.label
        if key not in self.writers:
            self.writers[key] = BulkWriter(model, columns)
        return self.writers[key]

    # The office tree ------------------------------------------------------------------------
    def offices(self, *, counties: int, cities: int) -> None:
        User = get_user_model()
        cities = min(cities, counties, 99)
        self.province = Office.objects.create(name="东江省人民政府教育督导室", level=OfficeLevel.PROVINCE,
                                              division_code=f"{PROVINCE_CODE}0000")
        viewer = User.objects.create(username="province", first_name="省督导室", password="!")
        role_grant(user=viewer, role=Role.VIEWER, office=self.province)
        self.cities, self.counties = [], []
        per_city = _split(self.rng, counties, cities) if counties >= cities else [1] * counties
        for c, n_counties in enumerate(per_city, start=1):
            name = CITY_NAMES[(c - 1) % len(CITY_NAMES)] + ("" if c <= len(CITY_NAMES) else str(c))
            city = Office.objects.create(name=f"{name}市人民政府教育督导室", level=OfficeLevel.CITY,
                                         parent=self.province, division_code=f"{PROVINCE_CODE}{c:02d}00")
            user = User.objects.create(username=f"city{c}", first_name=f"{name}市督导室", password="!")
            role_grant(user=user, role=Role.VIEWER, office=city)
            self.cities.append(city)
            for k in range(1, n_counties + 1):
                a, b = self.rng.sample(COUNTY_SYLLABLES, 2)
                county = Office.objects.create(name=f"{a}{b}县人民政府教育督导室", level=OfficeLevel.COUNTY,
                                               parent=city, division_code=f"{PROVINCE_CODE}{c:02d}{k:02d}")
                director = User.objects.create(username=f"director{len(self.counties) + 1}",
                                               first_name=f"{a}{b}县督导室主任", password="!")
                role_grant(user=director, role=Role.DIRECTOR, office=county)
                county.director = director
                self.counties.append(county)

    # Zones, schools, supervisors ------------------------------------------------------------
    def roster(self, *, schools: int) -> None:
        rng, start, until = self.rng, self.start, self.until
        zone_w = self.writer(Zone, ["office_id", "name", "category", "description"])
        school_w = self.writer(School, ["office_id", "code", "name", "kind", "ownership", "location", "address",
                                        "principal", "phone", "merged_into_id"])
        member_w = self.writer(SchoolMembership, ["school_id", "office_id", "zone_id", "valid_from", "valid_to", "note",
                                                  "recorded_at", "recorded_by_id"])
        user_w = self.writer(get_user_model(), ["password", "last_login", "is_superuser", "username", "first_name",
                                                "last_name", "email", "is_staff", "is_active", "date_joined"])
        groups_w = self.writer(get_user_model().groups.through, ["user_id", "group_id"])
        sup_w = self.writer(Supervisor, ["user_id", "office_id", "name", "kind", "phone", "photo", "employer", "title",
                                         "duties", "is_active"])
        assign_w = self.writer(ZoneAssignment, ["zone_id", "supervisor_id", "is_lead", "valid_from", "valid_to",
                                                "recorded_at"])
        group, _created = Group.objects.get_or_create(name=Role.SUPERVISOR)
        recorded = at(start, 9)
        self.places: list[Place] = []
        self.zone_leads: dict[int, list[tuple[int, int, dt.date, dt.date | None]]] = {}  # zone → (sup, user, from, to)
        self.zone_members: dict[int, list[int]] = {}  # zone → part-time supervisor ids
        self.zone_office: dict[int, int] = {}
        self.zones_of_county: dict[int, list[int]] = {}
        n_school = n_sup = 0

        def supervisor(office_id: int, kind: str) -> tuple[int, int]:
            nonlocal n_sup
            n_sup += 1
            name = f"督学{n_sup}"
            user_id = user_w.add("!", None, False, f"sup{n_sup}", name, "", "", False, True, recorded)
            groups_w.add(user_id, group.pk)
            sup_id = sup_w.add(user_id, office_id, name, kind, f"139{n_sup:08d}", "", "", "", "", True)
            return sup_id, user_id

        for county, n_schools in zip(self.counties, _split(rng, schools, len(self.counties))):
            county_name = county.name.removesuffix("人民政府教育督导室")
            zone_ids = []
            for z, size in enumerate(_zone_sizes(rng, n_schools), start=1):
                category, location = rng.choice(ZONE_KINDS)
                zone_id = zone_w.add(county.pk, f"第{z:02d}责任区", category, "")
                zone_ids.append(zone_id)
                self.zone_office[zone_id] = county.pk
                lead, lead_user = supervisor(county.pk, SupervisorKind.FULL_TIME)
                # One zone in ten changes lead mid-period: the old period closes the day the new one opens.
                change = start + dt.timedelta(days=rng.randint(60, max(61, (until - start).days - 30))) \
                    if rng.random() < 0.1 else None
                assign_w.add(zone_id, lead, True, start, change, recorded)
                self.zone_leads[zone_id] = [(lead, lead_user, start, change)]
                if change:
                    new, new_user = supervisor(county.pk, SupervisorKind.FULL_TIME)
                    assign_w.add(zone_id, new, True, change, None, at(change, 9))
                    self.zone_leads[zone_id].append((new, new_user, change, None))
                self.zone_members[zone_id] = []
                if rng.random() < 0.35:
                    part, _user = supervisor(county.pk, SupervisorKind.PART_TIME)
                    assign_w.add(zone_id, part, False, start, None, recorded)
                    self.zone_members[zone_id].append(part)
                kindergarten = category == ZoneCategory.PUBLIC_KINDERGARTENS
                for _school in range(size):
                    n_school += 1
                    kind = SchoolKind.KINDERGARTEN if kindergarten else rng.choice(SCHOOL_KINDS)
                    suffix = "幼儿园" if kindergarten else {SchoolKind.PRIMARY: "小学", SchoolKind.JUNIOR: "中学"}.get(kind, "学校")
                    school_id = school_w.add(county.pk, f"{3600000000 + n_school:010d}", f"{county_name}第{n_school}{suffix}",
                                             kind, "public", location, "", "", "", None)
                    audience = Audience.KINDERGARTEN if kindergarten else Audience.SCHOOL
                    self.places.append(Place(school_id, county.pk, audience, [(zone_id, start, None)]))
            self.zones_of_county[county.pk] = zone_ids
        # One school in fifty moves to another zone of its county mid-period (a re-drawn zone map).
        for place in self.places:
            zones = self.zones_of_county[place.office_id]
            if len(zones) > 1 and rng.random() < 0.02:
                day = start + dt.timedelta(days=rng.randint(30, max(31, (until - start).days - 1)))
                old = place.periods[0][0]
                new = rng.choice([z for z in zones if z != old])
                place.periods = [(old, start, day), (new, day, None)]
        for place in self.places:
            for zone_id, valid_from, valid_to in place.periods:
                member_w.add(place.school_id, place.office_id, zone_id, valid_from, valid_to, "", recorded, None)

    def lead_on(self, zone_id: int, day: dt.date) -> tuple[int, int]:
        for sup, user, start, end in self.zone_leads[zone_id]:
            if start <= day and (end is None or day < end):
                return sup, user
        return self.zone_leads[zone_id][0][:2]

    # Plans and templates through the services -----------------------------------------------
    def plans(self) -> None:
        from inspections.models import PlanMonth, TemplateItem

        self.templates: dict[tuple[int, int, str], tuple[int, list]] = {}
        self.plan_months: dict[tuple[int, int, int], tuple[int, set]] = {}
        for county in self.counties:
            for year in self.calendar_years:
                plan = plan_services.plan_create(office=county, year=year)
                for audience in (Audience.SCHOOL, Audience.KINDERGARTEN):
                    template = plan_services.template_ensure(office=county, year=year, audience=audience)
                    items = list(TemplateItem.objects.filter(template=template).order_by("position"))
                    self.templates[(county.pk, year, audience)] = (template.pk, items)
                for pm in PlanMonth.objects.filter(plan=plan):
                    self.plan_months[(county.pk, year, pm.month)] = (pm.pk, set(pm.school_item_codes) | set(pm.kindergarten_item_codes))

    # Visits, checklists, answers, problems --------------------------------------------------
    def visits(self) -> None:
        rng, until = self.rng, self.until
        visit_w = self.writer(Visit, ["office_id", "school_id", "date", "arrived_at", "left_at", "methods", "kind",
                                      "zone_id", "created_by_id", "entered_by_id", "summary", "created_at", "updated_at"])
        through = Visit.supervisors.through
        with_w = self.writer(through, ["visit_id", "supervisor_id"])
        checklist_w = self.writer(Checklist, ["visit_id", "template_id", "template_version", "plan_month_id", "status",
                                              "submitted_at", "submitted_by_id", "updated_at"])
        answer_w = self.writer(ChecklistAnswer, ["checklist_id", "position", "source", "code", "title", "guidance",
                                                 "sub_points", "is_focus", "conclusion", "notes", "updated_at"])
        problem_w = self.writer(Problem, ["office_id", "school_id", "source", "visit_id", "answer_id", "zone_id",
                                          "item_code", "item_title", "description", "severity", "opinion", "deadline",
                                          "found_on", "created_by_id", "created_at"])
        # Each zone misses about one month in sixteen (the supervisor was away): none of its schools visited.
        missed = {(z, ym) for z in self.zone_leads for ym in self.months if rng.random() < 0.06}
        self.problems: list[tuple] = []  # (problem id, office, school, zone, found_on, deadline, lead user, lead sup)
        self.visited: dict[tuple[int, int, int], int] = {}  # (supervisor, year, month) → counted visits
        self.submitted_by_month: dict[tuple[int, int], int] = {}
        drafts = 0
        for year, month in self.months:
            current = (year, month) == (until.year, until.month)
            last = until.day if current else pycalendar.monthrange(year, month)[1]
            for place in self.places:
                day = dt.date(year, month, rng.randint(1, last))
                zone_id = place.zone_on(day)
                if (zone_id, (year, month)) in missed or rng.random() >= (0.6 if current else 0.9):
                    continue
                sup, user = self.lead_on(zone_id, day)
                draft = rng.random() < (0.08 if current else 0.003)
                arrived = dt.time(rng.randint(8, 14), rng.choice((0, 15, 30, 45)))
                left = dt.time(arrived.hour + 2, arrived.minute)
                visit_id = visit_w.add(place.office_id, place.school_id, day, arrived, left, ["campus_walk", "file_review"],
                                       "routine", zone_id, sup, None, "", at(day, arrived.hour, arrived.minute),
                                       at(day, left.hour, left.minute))
                with_w.add(visit_id, sup)
                members = self.zone_members[zone_id]
                if members and rng.random() < 0.3:
                    with_w.add(visit_id, members[0])
                template_id, items = self.templates[(place.office_id, year, place.audience)]
                plan_month, focus = self.plan_months.get((place.office_id, year, month), (None, set()))
                submitted = at(day, left.hour, left.minute)
                checklist_id = checklist_w.add(visit_id, template_id, 1, plan_month,
                                               ChecklistStatus.DRAFT if draft else ChecklistStatus.SUBMITTED,
                                               None if draft else submitted, None if draft else user, submitted)
                found = set(rng.sample(range(len(items)), _problem_count(rng, len(items))))
                for n, item in enumerate(items):
                    conclusion = Conclusion.PROBLEM if n in found else Conclusion.OK
                    answer_id = answer_w.add(checklist_id, n + 1, "standing", item.code, item.title, item.guidance,
                                             item.sub_points, item.code in focus, conclusion, "", submitted)
                    if n in found:
                        severity = rng.choice(SEVERITIES)
                        deadline = day + dt.timedelta(days=DEADLINE_DAYS[severity])
                        problem_id = problem_w.add(place.office_id, place.school_id, "checklist", visit_id, answer_id,
                                                   zone_id, item.code, item.title, rng.choice(PROBLEMS), severity,
                                                   rng.choice(OPINIONS), deadline, day, user, submitted)
                        if not draft:  # a draft's problems have no ticket and count nowhere
                            self.problems.append((problem_id, place.office_id, place.school_id, zone_id, day, deadline,
                                                  user))
                if draft:
                    drafts += 1
                else:
                    key = (sup, year, month)
                    self.visited[key] = self.visited.get(key, 0) + 1
                    self.submitted_by_month[(year, month)] = self.submitted_by_month.get((year, month), 0) + 1
        self.extra["draft checklists (of which)"] = drafts

    # Tickets and their history --------------------------------------------------------------
    def rectification(self) -> None:
        rng, until = self.rng, self.until
        ticket_w = self.writer(Ticket, ["problem_id", "office_id", "school_id", "status", "deadline", "opened_on",
                                        "closed_on", "closed_at", "closed_by_id", "version", "updated_at"])
        event_w = self.writer(TicketEvent, ["ticket_id", "action", "from_status", "to_status", "actor_id", "note",
                                            "ip_address", "occurred_on", "at"])
        report_w = self.writer(TicketReport, ["ticket_id", "round", "text", "submitted_on", "submitted_at",
                                              "submitted_by_id", "return_reason", "created_at"])
        recheck_w = self.writer(Recheck, ["problem_id", "visit_id", "date", "mode", "result", "notes", "by_id",
                                          "created_at"])
        escalation_w = self.writer(Escalation, ["ticket_id", "level", "status", "days_overdue", "proposed_at",
                                                "decided_by_id", "decided_at", "note"])
        directors = {c.pk: c.director.pk for c in self.counties}
        overdue = 0
        for problem_id, office_id, school_id, zone_id, found, deadline, user in self.problems:
            ticket_id = ticket_w.next_id
            events = [(TicketAction.CREATED, "", TicketStatus.OPEN, user, found, at(found, 17))]
            status, closed_on, closed_at, closed_by = TicketStatus.OPEN, None, None, None
            # Days the school takes: most within the deadline, a tail late; one in twenty-five never finishes.
            stuck = rng.random() < 0.04
            started = found + dt.timedelta(days=rng.randint(1, 4))
            report = max(found + dt.timedelta(days=int(rng.gammavariate(2.0, 8.0))), started + dt.timedelta(days=1))
            rounds = 2 if rng.random() < 0.1 else 1
            if started <= until:
                status = TicketStatus.IN_PROGRESS
                events.append((TicketAction.STARTED, TicketStatus.OPEN, TicketStatus.IN_PROGRESS, None, started,
                               at(started, 10)))
            day = report
            for r in range(1, rounds + 1):
                if stuck or day > until:
                    break
                returned = r < rounds
                report_w.add(ticket_id, r, "已按要求完成整改，附整改前后照片。", day, at(day, 11), None,
                             "整改不彻底，请补充佐证材料。" if returned else "", at(day, 11))
                events.append((TicketAction.REPORT_SUBMITTED, status, TicketStatus.SUBMITTED, None, day, at(day, 11)))
                status = TicketStatus.SUBMITTED
                check = day + dt.timedelta(days=rng.randint(1, 7))
                if check > until:
                    break
                result = RecheckResult.NOT_RECTIFIED if returned else RecheckResult.RECTIFIED
                recheck_w.add(problem_id, None, check, "on_site", result, "", user, at(check, 15))
                if returned:
                    events.append((TicketAction.RETURNED, status, TicketStatus.IN_PROGRESS, user, check, at(check, 15)))
                    status = TicketStatus.IN_PROGRESS
                    day = check + dt.timedelta(days=rng.randint(3, 12))
                else:
                    events.append((TicketAction.CLOSED, status, TicketStatus.CLOSED, user, check, at(check, 15)))
                    status, closed_on, closed_at, closed_by = TicketStatus.CLOSED, check, at(check, 15), user
            ticket_w.add(problem_id, office_id, school_id, status, deadline, found, closed_on, closed_at, closed_by,
                         len(events), events[-1][5])
            if status != TicketStatus.CLOSED and deadline < until:
                overdue += 1
                late = (until - deadline).days
                if rng.random() < 0.6:  # the daily check proposed 督办; most confirmed by the director
                    proposed = deadline + dt.timedelta(days=rng.randint(1, min(late, 7)))
                    confirmed = rng.random() < 0.7
                    escalation_w.add(ticket_id, EscalationLevel.URGE,
                                     EscalationStatus.CONFIRMED if confirmed else EscalationStatus.PROPOSED,
                                     (proposed - deadline).days, at(proposed, 7), directors[office_id] if confirmed else None,
                                     at(proposed, 16) if confirmed else None, "")
                    events.append((TicketAction.ESCALATION_PROPOSED, status, status, None, proposed, at(proposed, 7)))
                    if late > 60 and confirmed and rng.random() < 0.3:
                        notice = deadline + dt.timedelta(days=rng.randint(31, late))
                        escalation_w.add(ticket_id, EscalationLevel.NOTICE, EscalationStatus.PROPOSED,
                                         (notice - deadline).days, at(notice, 7), None, None, "")
            for action, before, after, actor, day, instant in sorted(events, key=lambda e: e[5]):
                event_w.add(ticket_id, action, before, after, actor, "", None, day, instant)
        self.extra["overdue tickets (of which)"] = overdue

    # Monthly reports, summaries, annual summaries -------------------------------------------
    def reports(self) -> None:
        rng, until = self.rng, self.until
        report_w = self.writer(ZoneMonthlyReport, ["office_id", "zone_id", "year", "month", "version", "status", "data",
                                                   "built_at", "filed_on", "filed_at", "filed_by_id", "due_date"])
        summary_w = self.writer(MonthlySummary, ["supervisor_id", "year", "month", "text", "figures", "submitted_on",
                                                 "submitted_at", "updated_at"])
        annual_w = self.writer(AnnualSummary, ["office_id", "zone_id", "year", "title", "until", "blocks", "signature",
                                               "updated_by_id", "updated_at"])
        late = 0
        for zone_id in self.zone_leads:
            for year, month in self.months:
                due = calendar.due_date(year, month)
                if due >= until or rng.random() < 0.03:  # not yet due, or never filed
                    continue
                day = due + dt.timedelta(days=rng.randint(1, 10) if rng.random() < 0.15 else -rng.randint(0, 5))
                if day > until:
                    continue
                late += day > due
                sup, user = self.lead_on(zone_id, min(day, due))
                report_w.add(self.zone_office[zone_id], zone_id, year, month, 1, "filed", {}, at(day, 9), day, at(day, 10),
                             user, due)
        for zone_id, leads in self.zone_leads.items():
            for sup, user, start, end in leads:
                for year, month in self.months[:-1]:
                    last = dt.date(year, month, pycalendar.monthrange(year, month)[1])
                    if last < start or end is not None and last >= end:
                        continue
                    summary_w.add(sup, year, month, "本月完成责任区学校督导，督促问题整改。",
                                  {"visits": self.visited.get((sup, year, month), 0)}, last, at(last, 17), at(last, 17))
        for county in self.counties:
            for year in self.calendar_years:
                if year < until.year:
                    annual_w.add(county.pk, None, year, f"{year}年度教育督导工作总结", dt.date(year, 12, 31), {}, "",
                                 county.director.pk, at(dt.date(year + 1, 1, 15), 10))
        self.extra["zone reports filed late (of which)"] = late

    # Surveys with their links ---------------------------------------------------------------
    def surveys(self) -> None:
        rng, until = self.rng, self.until
        survey_w = self.writer(Survey, ["office_id", "year", "title", "intro", "status", "once_per", "created_by_id",
                                        "created_at", "published_at", "closed_at"])
        question_w = self.writer(Question, ["survey_id", "order", "kind", "text", "options", "required"])
        link_w = self.writer(SurveyLink, ["survey_id", "school_id", "audience", "token"])
        schools_of: dict[int, list[Place]] = {}
        for place in self.places:
            schools_of.setdefault(place.office_id, []).append(place)
        for county in self.counties:
            for year in self.calendar_years:
                opened = max(self.start, dt.date(year, 5, 1)) if year < until.year else until - dt.timedelta(days=14)
                done = year < until.year
                survey_id = survey_w.add(county.pk, year, f"{year}年度家长满意度调查", "", "closed" if done else "published",
                                         "device", county.director.pk, at(opened, 9), at(opened, 10),
                                         at(opened + dt.timedelta(days=30), 18) if done else None)
                for order, (kind, text) in enumerate(QUESTIONS, start=1):
                    options = ["非常满意", "满意", "一般", "不满意"] if kind == "scale" else (
                        ["1小时以内", "1—2小时", "2小时以上"] if kind == "single" else [])
                    question_w.add(survey_id, order, kind, text, options, kind != "text")
                for place in schools_of.get(county.pk, []):
                    audiences = ("parent", "teacher") if place.audience == Audience.KINDERGARTEN else ("student", "parent", "teacher")
                    for audience in audiences:
                        link_w.add(survey_id, place.school_id, audience, f"{rng.getrandbits(128):032x}")

    def counts(self) -> dict[str, int]:
        rows = {"offices": 1 + len(self.cities) + len(self.counties)}
        for writer in self.writers.values():
            rows[writer.table] = writer.count
        rows.update(self.extra)
        return rows


def scale_summary(counts: dict[str, int], seconds: float) -> str:
    """The counts as a two-column table, and the time taken."""
    width = max(len(k) for k in counts)
    table, rows = _("表"), _("行数")  # outside the f-string, where makemessages finds them
    lines = [f"{table:<{width}}  {rows:>10}", "-" * (width + 12)]
    lines += [f"{name:<{width}}  {n:>10,}" for name, n in counts.items()]
    lines.append(_("生成用时%(seconds).1f秒。") % {"seconds": seconds})
    return "\n".join(lines)


def database_is_empty() -> bool:
    return not (Office.objects.exists() or School.objects.exists() or get_user_model().objects.exclude(username="AnonymousUser").exists())
