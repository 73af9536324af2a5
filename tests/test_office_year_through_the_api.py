"""A county office moving onto the product in December enters its year through the REST API alone —
its office, zones, supervisors and schools with their dates (a school moved mid-year, two added in
the autumn, one closed in the spring), a year of visits (joint ones, a reopened checklist, a draft
with a problem), the real dates of every act, a ticket closed after the cut-off — and every figure of
the dashboard, the zone's monthly Excel, the office roll-up and the year-end PDF is checked against
counts this test makes itself from what it entered."""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

import pytest
from openpyxl import load_workbook
from PIL import Image
from rest_framework.test import APIClient

from supervision.choices import Role
from tests import factories as f
from tests.api_support import first_token_login
from tests.reports.pdf_tools import pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.now("2026-12-10 10:00")]

YEAR, TODAY, CUTOFF = 2026, dt.date(2026, 12, 10), dt.date(2026, 11, 15)
API = "/api/v1/"
PASSWORD = "Qinghe-2026!"
D = lambda m, d: dt.date(YEAR, m, d)  # noqa: E731


# --- What the office entered, as this test knows it -----------------------------------------------


@dataclass
class Entered:
    """The test's own record of the year: the zone of each school on each day, the visits, the
    problems and their acts — the independent count every figure is compared with."""

    moves: dict[str, list[tuple[dt.date, str | None]]] = field(default_factory=dict)  # school -> [(from, zone)]
    left: dict[str, dt.date] = field(default_factory=dict)  # school -> first day no longer in the roster
    visits: list[dict] = field(default_factory=list)
    problems: dict[str, dict] = field(default_factory=dict)

    def zone_on(self, school: str, day: dt.date) -> str | None | bool:
        """The school's zone on ``day``; False when it was not in the roster that day."""
        if school in self.left and day >= self.left[school]:
            return False
        zone = False
        for since, name in self.moves[school]:
            if since <= day:
                zone = name
        return zone

    def members(self, day: dt.date, zone: str | None = "*") -> set[str]:
        return {s for s in self.moves if self.zone_on(s, day) is not False and (zone == "*" or self.zone_on(s, day) == zone)}

    def counted(self, until: dt.date = TODAY):
        return [v for v in self.visits if v["counted"] and v["date"] <= until]

    def counted_problems(self, until: dt.date = TODAY):
        return {k: p for k, p in self.problems.items() if p["counted"] and p["found"] <= until}


def closed_by(p: dict, day: dt.date) -> bool:
    return p.get("closed") is not None and p["closed"] <= day


def overdue_open(p: dict, day: dt.date) -> bool:
    return not closed_by(p, day) and p["deadline_on"](day) < day


def as_at(month: int) -> dt.date:
    last = (dt.date(YEAR, month + 1, 1) if month < 12 else dt.date(YEAR + 1, 1, 1)) - dt.timedelta(days=1)
    return min(last, TODAY)


# --- The API, as a script would use it -------------------------------------------------------------


def login(username: str, password: str = PASSWORD) -> APIClient:
    anonymous = APIClient()
    token = anonymous.post(API + "auth/token/", {"username": username, "password": password}, format="json")
    assert token.status_code == 200, token.content
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    return client


def ok(response, status=(200, 201)):
    assert response.status_code in ((status,) if isinstance(status, int) else status), response.content.decode()[:800]
    return response.json() if response.content else None


def jpeg() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (48, 36), (30, 110, 160)).save(buffer, format="JPEG")
    buffer.seek(0)
    buffer.name = "整改照片.jpg"
    return buffer


@pytest.fixture
def office_year(world, django_capture_on_commit_callbacks):
    """The whole year, entered through the API by the county's admin (补录) and, for December, by a
    supervisor himself."""
    entered = Entered()
    city_admin = f.office_user(Role.OFFICE_ADMIN, world["city"], username="city_admin")
    city_admin.set_password(PASSWORD)
    city_admin.save()
    city = login("city_admin")

    # The county office and its first admin, set up by the city.
    county = ok(city.post(API + "offices/", {
        "name": "清河县人民政府教育督导室", "level": "county", "parent": world["city"].pk, "division_code": "220599",
        "admin": {"username": "qinghe_admin", "name": "周敏", "password": PASSWORD},
    }, format="json"))
    admin = first_token_login("qinghe_admin", PASSWORD)  # given by the city: changed first
    office = county["id"]

    zones = {
        name: ok(admin.post(API + "zones/", {"office": office, "name": name, "category": category}, format="json"))["id"]
        for name, category in (("城区责任区", "urban_schools"), ("乡镇责任区", "township_schools"))
    }
    supervisors = {}
    for name, phone, login_name in (("王一", "13800000001", "wangyi"), ("李二", "13800000002", "lier"),
                                    ("张三", "13800000003", "zhangsan")):
        supervisors[name] = ok(admin.post(API + "supervisors/", {
            "office": office, "name": name, "phone": phone, "username": login_name, "kind": "full_time", "is_active": True,
        }, format="json"))["id"]
    ok(admin.post(f"{API}zones/{zones['城区责任区']}/supervisors/", {
        "supervisors": [supervisors["王一"], supervisors["李二"]], "lead": supervisors["王一"], "on": "2026-01-01"},
        format="json"))
    ok(admin.post(f"{API}zones/{zones['乡镇责任区']}/supervisors/", {
        "supervisors": [supervisors["张三"]], "lead": supervisors["张三"], "on": "2026-01-01"}, format="json"))

    schools = {}
    for n, (name, zone, since) in enumerate([
        ("城关一小", "城区责任区", "2026-01-01"), ("城关二中", "城区责任区", "2026-01-01"),
        ("河口小学", "乡镇责任区", "2026-01-01"), ("河口幼儿园", "乡镇责任区", "2026-01-01"),
        ("新区小学", "乡镇责任区", "2026-09-01"), ("新区幼儿园", "乡镇责任区", "2026-09-01"),
        ("西街小学", "城区责任区", "2026-01-01"),
    ], start=1):
        kind = "kindergarten" if "幼儿园" in name else "primary"
        schools[name] = ok(admin.post(API + "schools/", {
            "office": office, "code": f"22059900{n:02d}", "name": name, "kind": kind, "ownership": "public",
            "location": "urban", "zone": zones[zone], "on": since}, format="json"))["id"]
        entered.moves[name] = [(dt.date.fromisoformat(since), zone)]
    # 城关二中 moved to the township zone on 1 June; 西街小学 merged into 城关一小 on 1 April.
    ok(admin.post(f"{API}schools/{schools['城关二中']}/move/", {"zone": zones["乡镇责任区"], "on": "2026-06-01"},
                  format="json"))
    entered.moves["城关二中"].append((D(6, 1), "乡镇责任区"))
    ok(admin.post(f"{API}schools/{schools['西街小学']}/close/", {"on": "2026-04-01", "merged_into": schools["城关一小"]},
                  format="json"))
    entered.left["西街小学"] = D(4, 1)

    def visit(school, day, who, *, problems=(), submit=True, reopen=False, client=admin):
        """A visit through the API: 补录 by the admin for the supervisors present (the first one its
        author), or the supervisor's own; items answered, problems recorded, submitted."""
        body = {"school": schools[school], "date": day.isoformat(), "methods": ["campus_walk"]}
        if client is admin:
            body["co_supervisors"] = [supervisors[n] for n in who]
        else:
            body["co_supervisors"] = [supervisors[n] for n in who[1:]]
        created = ok(client.post(API + "visits/", body, format="json"), 201)
        answers = created["checklist"]["answers"]
        for n, answer in enumerate(answers):
            url = f"{API}visits/{created['id']}/answers/{answer['id']}/"
            if n < len(problems):
                key, deadline = problems[n]
                ok(client.post(url + "problems/", {
                    "description": f"问题{key}", "opinion": "限期整改", "deadline": deadline.isoformat()}, format="json"))
                entered.problems[key] = {
                    "school": school, "found": day, "zone": entered.zone_on(school, day), "deadline": deadline,
                    "deadline_on": lambda d, dl=deadline: dl, "counted": submit and not reopen, "closed": None,
                    "reports": [], "visit": created["id"],
                }
            else:
                ok(client.patch(url, {"conclusion": "ok"}, format="json"))
        if submit:
            ok(client.post(f"{API}visits/{created['id']}/submit/", {}, format="json"))
        if reopen:
            ok(client.post(f"{API}visits/{created['id']}/reopen/", {"reason": "复核时发现记录有误,重新填写"}, format="json"))
        entered.visits.append({
            "id": created["id"], "school": school, "date": day, "zone": entered.zone_on(school, day),
            "supervisors": list(who), "counted": submit and not reopen,
        })
        return created["id"]

    visit("城关一小", D(2, 10), ["王一"])
    visit("城关二中", D(2, 12), ["王一", "李二"])  # a joint visit: one visit, two 人次
    visit("河口小学", D(2, 15), ["张三"])
    visit("河口幼儿园", D(2, 20), ["张三"])
    visit("西街小学", D(2, 25), ["王一"])
    visit("城关一小", D(3, 5), ["王一"], problems=[("P1", D(4, 5))])
    visit("城关二中", D(3, 9), ["王一"], problems=[("P2", D(4, 9))])
    visit("河口小学", D(3, 12), ["张三"])
    visit("西街小学", D(3, 20), ["王一"], problems=[("P3", D(4, 20))])
    visit("城关一小", D(4, 8), ["王一", "李二"])
    visit("河口幼儿园", D(4, 10), ["张三"], problems=[("P4", D(5, 10))])
    visit("城关二中", D(6, 15), ["张三"], problems=[("P5", D(7, 15))])  # now in the township zone
    visit("新区小学", D(9, 10), ["张三"])
    visit("城关一小", D(9, 12), ["王一"])
    visit("城关二中", D(9, 14), ["张三"])
    visit("河口小学", D(10, 8), ["张三"], problems=[("P6", D(11, 8))], reopen=True)  # reopened: counts nowhere
    visit("城关一小", D(11, 5), ["王一"], problems=[("P7", D(12, 5))])
    visit("河口幼儿园", D(11, 6), ["张三"], problems=[("P8", D(12, 6))], submit=False)  # a draft with a problem
    # December: 王一 enters his own visit (he is within the office's late-entry window).
    wang = ok(admin.get(f"{API}users/", {"username": "wangyi"}))["results"][0]["id"]
    ok(admin.post(f"{API}users/{wang}/password/", {"password": PASSWORD}, format="json"), (200, 204))
    visit("城关一小", D(12, 3), ["王一"], client=first_token_login("wangyi", PASSWORD))

    tickets = {
        row["problem"]["description"][2:]: row["id"]
        for row in ok(admin.get(API + "tickets/", {"page_size": 100}))["results"]
    }

    def act(key, action, body):
        return ok(admin.post(f"{API}tickets/{tickets[key]}/{action}/", body, format="json"))

    def report(key, day):
        ok(admin.post(f"{API}tickets/{tickets[key]}/evidence/", {"file": jpeg()}, format="multipart"), 201)
        act(key, "report", {"text": "已整改到位", "on": day.isoformat()})
        entered.problems[key]["reports"].append(day)

    def close(key, day):
        act(key, "close", {"mode": "on_site", "date": day.isoformat(), "notes": "回访确认整改到位"})
        entered.problems[key]["closed"] = day

    report("P1", D(3, 20))
    close("P1", D(3, 28))  # on time
    close("P2", D(5, 20))  # late, on an on-site re-check without a report
    report("P4", D(5, 1))
    close("P4", D(11, 20))  # after the year-end summary's cut-off
    close("P5", D(7, 10))  # on time
    # P7's deadline moves to 31 December: asked on 20 November, approved on 22 November.
    extension = act("P7", "extensions", {"requested_deadline": "2026-12-31", "reason": "需采购设备", "on": "2026-11-20"})
    ok(admin.post(f"{API}tickets/{tickets['P7']}/extensions/{extension['id']}/decide/",
                  {"approve": True, "on": "2026-11-22"}, format="json"))
    entered.problems["P7"]["deadline_on"] = lambda d: D(12, 31) if d >= D(11, 22) else D(12, 5)
    assert "P6" not in tickets and "P8" not in tickets  # a reopened checklist's and a draft's count nowhere

    # Monthly summaries entered with the day each was handed in; 王一's November one after the cut-off.
    summaries = [("王一", 2, D(2, 28)), ("王一", 3, D(3, 30)), ("张三", 3, D(4, 2)), ("王一", 11, D(12, 1))]
    for name, month, day in summaries:
        ok(admin.post(API + "monthly-summaries/", {
            "supervisor": supervisors[name], "year": YEAR, "month": month, "text": "本月工作总结", "submit": True,
            "submitted_on": day.isoformat()}, format="json"), 201)

    # March's zone reports: drafted, then filed on the day each zone sent it (城区 on time, 乡镇 late).
    with django_capture_on_commit_callbacks(execute=True):
        for zone in zones.values():
            ok(admin.post(API + "monthly-reports/build/", {"zone": zone, "year": YEAR, "month": 3}, format="json"), 202)
    reports = {r["zone"]: r for r in ok(admin.get(API + "monthly-reports/", {"year": YEAR, "month": 3}))["results"]}
    for zone, day in ((zones["城区责任区"], "2026-03-26"), (zones["乡镇责任区"], "2026-03-29")):
        ok(admin.post(f"{API}monthly-reports/{reports[zone]['id']}/file/", {"on": day}, format="json"))

    return {"entered": entered, "admin": admin, "office": office, "zones": zones, "schools": schools,
            "reports": reports, "capture": django_capture_on_commit_callbacks}


def download(client, capture, kind, office, params) -> bytes:
    with capture(execute=True):
        job = ok(client.post(API + "report-jobs/", {"kind": kind, "office": office, "params": params}, format="json"))
    job = ok(client.get(f"{API}report-jobs/{job['id']}/"))
    assert job["status"] == "succeeded", job
    response = client.get(job["download_url"])
    assert response.status_code == 200
    return b"".join(response.streaming_content) if hasattr(response, "streaming_content") else response.content


# --- The dashboard -----------------------------------------------------------------------------------


def test_the_dashboard_of_the_year_equals_the_offices_own_count(office_year):
    e, admin, zones = office_year["entered"], office_year["admin"], office_year["zones"]
    figures = ok(admin.get(API + "dashboard/", {"year": YEAR, "office": office_year["office"]}))
    counted = e.counted()
    assert figures["visits"] == len(counted) == 17
    assert figures["person_visits"] == sum(len(v["supervisors"]) for v in counted) == 19
    # Coverage, month by month, over the schools in the roster on the day each month is counted as at.
    for month in figures["coverage"]["months"]:
        day = as_at(month["month"])
        members = e.members(day)
        visited = {v["school"] for v in counted if (v["date"].year, v["date"].month) == (YEAR, month["month"])} & members
        assert (month["schools"], month["visited"]) == (len(members), len(visited)), month
    march, october = figures["coverage"]["months"][2], figures["coverage"]["months"][9]
    assert (march["schools"], march["visited"]) == (5, 4)  # 西街小学 still in the roster, 河口幼儿园 not visited
    assert (october["schools"], october["visited"]) == (6, 0)  # the schools added in September count from then
    problems = e.counted_problems()
    assert figures["problems"]["total"] == len(problems) == 6
    tickets = figures["tickets"]
    closed = [k for k, p in problems.items() if closed_by(p, TODAY)]
    on_time = [k for k in closed if problems[k]["closed"] <= problems[k]["deadline"]]
    overdue = [k for k, p in problems.items() if overdue_open(p, TODAY)]
    assert (tickets["tickets"], tickets["closed"], tickets["on_time"], tickets["overdue"]) == (
        len(problems), len(closed), len(on_time), len(overdue)) == (6, 4, 2, 1)
    assert tickets["rectification_rate"] == round(100 * 4 / 6, 1)
    assert tickets["on_time_rate"] == round(100 * 2 / (4 + 1), 1)
    assert figures["monthly_reports"]["filed"] == 2 and figures["monthly_reports"]["on_time"] == 1
    # Each zone's row counts what was made in it, and its schools as at the day each month is counted.
    rows = {g["name"]: g for g in figures["groups"]}
    for name in zones:
        mine = [v for v in counted if v["zone"] == name]
        mine_problems = {k: p for k, p in problems.items() if p["zone"] == name}
        school_months = sum(len(e.members(as_at(m), name)) for m in range(1, 13))
        visited = sum(
            len({v["school"] for v in counted if v["date"].month == m} & e.members(as_at(m), name)) for m in range(1, 13)
        )
        row = rows[name]
        assert (row["visits"], row["person_visits"], row["problems"]) == (
            len(mine), sum(len(v["supervisors"]) for v in mine), len(mine_problems)), name
        assert (row["school_months"], row["visited"]) == (school_months, visited), name
        assert row["overdue"] == sum(1 for p in mine_problems.values() if overdue_open(p, TODAY))
    # The figure's link opens a list scoped as the figure was: the same count.
    overdue_list = ok(admin.get(API + "tickets/", {"overdue": "true", "office": office_year["office"]}))
    assert overdue_list["count"] == tickets["overdue"]
    for name, zone in zones.items():
        listed = ok(admin.get(API + "tickets/", {"zone": zone, "year": YEAR}))["count"]
        assert listed == rows[name]["problems"], name


# --- The zone's monthly report and the office roll-up (Excel) ----------------------------------------


def test_marchs_zone_excel_and_the_rollup_count_as_at_31_march(office_year):
    e, admin, capture = office_year["entered"], office_year["admin"], office_year["capture"]
    urban = office_year["zones"]["城区责任区"]
    content = download(admin, capture, "monthly_zone_report", office_year["office"],
                       {"report": office_year["reports"][urban]["id"]})
    sheet = load_workbook(io.BytesIO(content)).active
    text = "\n".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None)
    members = e.members(D(3, 31), "城区责任区")
    assert members == {"城关一小", "城关二中", "西街小学"}
    for school in members:
        assert school in text
    march = [v for v in e.counted() if v["date"].month == 3 and v["zone"] == "城区责任区"]
    problems = {k: p for k, p in e.counted_problems().items() if p["found"].month == 3 and p["zone"] == "城区责任区"}
    rectified = [k for k, p in problems.items() if closed_by(p, D(3, 31))]
    assert rectified == ["P1"]  # P2 was closed in May: open in March's report
    expected = (
        f"合计:学校{len(members)}所,已督导{len({v['school'] for v in march})}所,未督导0所;"
        f"入校督导{len(march)}次、{sum(len(v['supervisors']) for v in march)}人次;"
        f"发现问题{len(problems)}个,已整改销号{len(rectified)}个,未销号{len(problems) - len(rectified)}个(其中逾期0个)。"
    )
    assert expected in text
    assert "报送日期:2026.03.26" in text

    rollup = load_workbook(io.BytesIO(download(admin, capture, "monthly_office_rollup", office_year["office"],
                                               {"year": YEAR, "month": 3})))
    summary = rollup.worksheets[0]
    rows = {r[1]: r for r in summary.iter_rows(min_row=1, values_only=True) if r[1] in ("城区责任区", "乡镇责任区")}
    township_members = e.members(D(3, 31), "乡镇责任区")
    township_visits = [v for v in e.counted() if v["date"].month == 3 and v["zone"] == "乡镇责任区"]
    # 序号, 责任区, 组长, 报送情况, 报送时间, 学校数, 已督导, 督导次数, 人次, 发现问题, 已整改, 未整改, 逾期
    assert rows["城区责任区"][5:10] == (3, 3, 3, 3, 3)
    assert rows["乡镇责任区"][5:9] == (
        len(township_members), len({v["school"] for v in township_visits}), len(township_visits),
        sum(len(v["supervisors"]) for v in township_visits))
    assert rows["乡镇责任区"][3] == "逾期报送" and rows["城区责任区"][3] == "已按时报送"


# --- The year-end summary (PDF) ----------------------------------------------------------------------


def test_the_year_end_pdf_says_the_years_figures_as_at_its_cut_off(office_year, tmp_path):
    e, admin, capture = office_year["entered"], office_year["admin"], office_year["capture"]
    ok(admin.post(API + "annual-summaries/", {"office": office_year["office"], "year": YEAR,
                                             "until": CUTOFF.isoformat()}, format="json"), 201)
    path = tmp_path / "summary.pdf"
    path.write_bytes(download(admin, capture, "annual_summary", office_year["office"], {"year": YEAR}))
    text = pdf_text(path)

    visits = e.counted(CUTOFF)
    problems = e.counted_problems(CUTOFF)
    closed = [k for k, p in problems.items() if closed_by(p, CUTOFF)]
    late = [k for k in closed if problems[k]["closed"] > problems[k]["deadline"]]
    on_time = [k for k in closed if k not in late]
    overdue = [k for k, p in problems.items() if overdue_open(p, CUTOFF)]
    reports = [d for p in problems.values() for d in p["reports"] if d <= CUTOFF]
    schools = set(e.moves)  # every school was in the roster on some day of the year
    summaries = 3  # 王一 February and March, 张三 March; 王一's November one came on 1 December
    assert (len(visits), len(problems), len(closed), len(late), len(overdue), len(reports)) == (16, 6, 3, 1, 2, 2)

    assert (
        f"截至11月15日,我县责任督学入校督导共{sum(len(v['supervisors']) for v in visits)}人次,"
        f"督导学校{len(visits)}校次,覆盖学校{len({v['school'] for v in visits})}所(共{len(schools)}所),"
        f"提交月总结报告{summaries}份,发现共有{len({p['school'] for p in problems.values()})}所学校存在问题{len(problems)}个"
    ) in text
    rate = lambda part, whole: f"{round(100 * part / whole, 1):g}%"  # noqa: E731
    assert (
        f"全年各类督导共发现问题{len(problems)}个,学校完成整改并提交整改报告{len(reports)}份,复查销号{len(closed)}个,"
        f"整改率{rate(len(closed), len(problems))},按期整改率{rate(len(on_time), len(closed) + len(overdue))};"
        f"逾期整改{len(late)}个,逾期未整改{len(overdue)}个"
    ) in text
    # The zone table: each zone's visits and problems made there (城关二中 counts for both zones).
    for name in ("城区责任区", "乡镇责任区"):
        mine = [v for v in visits if v["zone"] == name]
        found = [p for p in problems.values() if p["zone"] == name]
        rostered = {s for s in e.moves if any(z == name for _d, z in e.moves[s])}
        cells = (f"{name}{sum(len(v['supervisors']) for v in mine)}{len(mine)}{len({v['school'] for v in mine})}"
                 f"{len(rostered)}{len(found)}{sum(1 for p in found if closed_by(p, CUTOFF))}")
        assert cells in text, name
